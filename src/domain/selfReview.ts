import type { ReviewForm } from './members.js';

/**
 * Self-criticism notes (bản tự kiểm điểm) on the standard personal review forms of Quy định
 * 366-QĐ/TW and Hướng dẫn 43-HD/BTCTW: 2A ordinary members, 2B leaders, 2C members outside the
 * political system. The headings follow the domain brief ("Review and rating").
 */
export const sectionKeys = [
  'politicalThought',
  'ethics',
  'workingStyle',
  'discipline',
  'results',
  'leadership',
  'residence',
  'shortcomings',
  'previousFixes',
  'direction',
  'selfAssessment',
] as const;
export type SectionKey = (typeof sectionKeys)[number];
export const isSectionKey = (s: unknown): s is SectionKey => typeof s === 'string' && (sectionKeys as readonly string[]).includes(s);

/** The sections of each form, in the order the form prints them. */
export const formSections: Record<ReviewForm, readonly SectionKey[]> = {
  '2A': ['politicalThought', 'ethics', 'workingStyle', 'discipline', 'results', 'shortcomings', 'previousFixes', 'direction', 'selfAssessment'],
  '2B': ['politicalThought', 'ethics', 'workingStyle', 'discipline', 'results', 'leadership', 'shortcomings', 'previousFixes', 'direction', 'selfAssessment'],
  '2C': ['politicalThought', 'ethics', 'discipline', 'results', 'residence', 'shortcomings', 'previousFixes', 'direction', 'selfAssessment'],
};

/** A member in their first review has no earlier shortcomings to report on. */
export const optionalSections: readonly SectionKey[] = ['previousFixes'];

/** Self-assessed levels (Quy định 366-QĐ/TW), best first; keys match the rules table. */
export const reviewLevels = ['excellent', 'good', 'completed', 'notCompleted'] as const;
export type ReviewLevel = (typeof reviewLevels)[number];
export const isReviewLevel = (s: unknown): s is ReviewLevel => typeof s === 'string' && (reviewLevels as readonly string[]).includes(s);

export const SECTION_MAX_CHARS = 10_000;
export const LABEL_MAX = 120;

/** What the author wrote: paragraphs (one per message) per section, and the level chosen. */
export interface NoteContent {
  sections: Partial<Record<SectionKey, string[]>>;
  level: ReviewLevel | null;
}

export const emptyNote = (): NoteContent => ({ sections: {}, level: null });

export type NoteError = 'REVIEW.SECTION_INVALID' | 'REVIEW.TOO_LONG' | 'REVIEW.EMPTY_TEXT';

const chars = (s: string): number => [...s].length;

export function sectionText(content: NoteContent, key: SectionKey): string {
  return (content.sections[key] ?? []).join('\n');
}

/** Adds a paragraph to a section (or replaces the section with it); the content is not changed in place. */
export function writeSection(form: ReviewForm, content: NoteContent, key: SectionKey, paragraph: string, mode: 'append' | 'replace'): { ok: true; value: NoteContent } | { ok: false; code: NoteError } {
  if (!formSections[form].includes(key) || key === 'selfAssessment') return { ok: false, code: 'REVIEW.SECTION_INVALID' };
  const text = paragraph.replace(/\r\n?/g, '\n').trim();
  if (text.length === 0) return { ok: false, code: 'REVIEW.EMPTY_TEXT' };
  const paragraphs = mode === 'replace' ? [text] : [...(content.sections[key] ?? []), text];
  if (chars(paragraphs.join('\n')) > SECTION_MAX_CHARS) return { ok: false, code: 'REVIEW.TOO_LONG' };
  return { ok: true, value: { ...content, sections: { ...content.sections, [key]: paragraphs } } };
}

/** The self-assessment is a level, with an optional explanation kept as its paragraphs. */
export function setLevel(content: NoteContent, level: ReviewLevel): NoteContent {
  return { ...content, level };
}

export function explainLevel(content: NoteContent, paragraph: string, mode: 'append' | 'replace' = 'append'): { ok: true; value: NoteContent } | { ok: false; code: NoteError } {
  const text = paragraph.replace(/\r\n?/g, '\n').trim();
  if (text.length === 0) return { ok: false, code: 'REVIEW.EMPTY_TEXT' };
  const paragraphs = mode === 'replace' ? [text] : [...(content.sections.selfAssessment ?? []), text];
  if (chars(paragraphs.join('\n')) > SECTION_MAX_CHARS) return { ok: false, code: 'REVIEW.TOO_LONG' };
  return { ok: true, value: { ...content, sections: { ...content.sections, selfAssessment: paragraphs } } };
}

export function clearSection(content: NoteContent, key: SectionKey): NoteContent {
  const sections = { ...content.sections };
  delete sections[key];
  return { ...content, sections, level: key === 'selfAssessment' ? null : content.level };
}

export function isFilled(content: NoteContent, key: SectionKey): boolean {
  if (key === 'selfAssessment') return content.level !== null;
  return (content.sections[key] ?? []).some((p) => p.trim().length > 0);
}

/** Required sections still empty: every section of the form but the optional ones. */
export function missingSections(form: ReviewForm, content: NoteContent): SectionKey[] {
  return formSections[form].filter((k) => !optionalSections.includes(k) && !isFilled(content, k));
}

export function progress(form: ReviewForm, content: NoteContent): { filled: number; total: number } {
  const keys = formSections[form];
  return { filled: keys.filter((k) => isFilled(content, k)).length, total: keys.length };
}

/** The first empty section after `after` (or from the start), else null when all are written. */
export function nextSection(form: ReviewForm, content: NoteContent, after: SectionKey | null = null): SectionKey | null {
  const keys = formSections[form];
  const from = after === null ? 0 : keys.indexOf(after) + 1;
  return keys.slice(from).find((k) => !isFilled(content, k)) ?? null;
}

/** Content moved to another form keeps only the sections that form has. */
export function fitToForm(form: ReviewForm, content: NoteContent): NoteContent {
  const sections: Partial<Record<SectionKey, string[]>> = {};
  for (const k of formSections[form]) {
    const p = content.sections[k];
    if (p) sections[k] = p;
  }
  return { sections, level: content.level };
}

/** Parses stored (decrypted) JSON leniently: anything unexpected is dropped, never trusted. */
export function parseNote(json: string): NoteContent {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return emptyNote();
  }
  const obj = (raw && typeof raw === 'object' ? raw : {}) as { sections?: unknown; level?: unknown };
  const sections: Partial<Record<SectionKey, string[]>> = {};
  if (obj.sections && typeof obj.sections === 'object') {
    for (const [k, v] of Object.entries(obj.sections as Record<string, unknown>)) {
      if (isSectionKey(k) && Array.isArray(v)) sections[k] = v.filter((p): p is string => typeof p === 'string');
    }
  }
  return { sections, level: isReviewLevel(obj.level) ? obj.level : null };
}

// ---- the season ---------------------------------------------------------------------------------

/** ISO date plus `days` (negative goes back), in plain calendar arithmetic. */
export function addDaysIso(iso: string, days: number): string {
  const d = new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)) + days));
  return d.toISOString().slice(0, 10);
}

export const seasonKinds = ['year', 'meeting'] as const;
export type SeasonKind = (typeof seasonKinds)[number];

export function checkLabel(raw: string): { ok: true; value: string } | { ok: false; code: 'REVIEW.LABEL_INVALID' } {
  const value = raw.trim().replace(/\s+/g, ' ');
  if (chars(value) < 3 || chars(value) > LABEL_MAX) return { ok: false, code: 'REVIEW.LABEL_INVALID' };
  return { ok: true, value };
}

/** A season's deadline (an ISO date) must be today or later, and within 120 days. */
export function checkSeasonDeadline(deadlineIso: string, todayIso: string): boolean {
  return deadlineIso >= todayIso && deadlineIso <= addDaysIso(todayIso, 120);
}

/**
 * Which reminder is due on `todayIso`: the smallest "days before the deadline" whose day has come,
 * or 0 on the deadline itself; null before the first one and after the deadline.
 */
export function nudgeWindow(todayIso: string, deadlineIso: string, daysBefore: readonly number[]): number | null {
  if (todayIso > deadlineIso) return null;
  const windows = [...new Set([...daysBefore, 0])].filter((d) => d >= 0).sort((a, b) => a - b);
  for (const d of windows) if (todayIso >= addDaysIso(deadlineIso, -d)) return d;
  return null;
}

export interface SeasonCounts {
  expected: number;
  submitted: number;
  drafts: number;
  notStarted: number;
}

/** Counts over the members expected to write (`expected`) and the notes that exist. */
export function countSeason(expectedMemberIds: readonly number[], notes: readonly { memberId: number; status: 'draft' | 'submitted' }[]): SeasonCounts {
  const expected = new Set(expectedMemberIds);
  const byMember = new Map(notes.filter((n) => expected.has(n.memberId)).map((n) => [n.memberId, n.status]));
  const submitted = [...byMember.values()].filter((s) => s === 'submitted').length;
  const drafts = [...byMember.values()].filter((s) => s === 'draft').length;
  return { expected: expected.size, submitted, drafts, notStarted: expected.size - submitted - drafts };
}
