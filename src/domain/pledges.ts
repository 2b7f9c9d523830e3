import { isExpectedAttendee, type MemberFacts } from './members.js';
import { addDays, isQuiet, isoOf, parseIso, zonedInstant, type QuietHours } from './meetings-time.js';
import { daysInMonth } from './dates.js';
import { containsIdNumber } from './names.js';

/**
 * The yearly commitment (bản đăng ký học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí
 * Minh) with the member's personal action plan: registered at the start of the year, self-checked
 * at mid-year, reviewed at year end (domain brief, "Other yearly items"; plan criterion 4).
 */
export const pledgeSections = ['study', 'practice', 'actionPlan'] as const;
export type PledgeSection = (typeof pledgeSections)[number];
export const isPledgeSection = (s: unknown): s is PledgeSection => typeof s === 'string' && (pledgeSections as readonly string[]).includes(s);

export const SECTION_MAX = 5_000;
export const SELF_CHECK_MAX = 3_000;

/** Paragraphs (one per message) per section. */
export interface PledgeContent {
  sections: Partial<Record<PledgeSection, string[]>>;
}

export const emptyPledge = (): PledgeContent => ({ sections: {} });

export type PledgeTextError = 'PLEDGE.SECTION_INVALID' | 'PLEDGE.TOO_LONG' | 'PLEDGE.EMPTY_TEXT' | 'MEMBER.ID_NUMBER';

const chars = (s: string): number => [...s].length;
const clean = (s: string): string => s.normalize('NFC').replace(/\r\n?/g, '\n').trim();

/** Adds a paragraph to a section, or replaces the section with it; the content is not changed in place. */
export function writeSection(content: PledgeContent, key: string, paragraph: string, mode: 'append' | 'replace'): { ok: true; value: PledgeContent } | { ok: false; code: PledgeTextError } {
  if (!isPledgeSection(key)) return { ok: false, code: 'PLEDGE.SECTION_INVALID' };
  const text = clean(paragraph);
  if (text.length === 0) return { ok: false, code: 'PLEDGE.EMPTY_TEXT' };
  if (containsIdNumber(text)) return { ok: false, code: 'MEMBER.ID_NUMBER' };
  const paragraphs = mode === 'replace' ? [text] : [...(content.sections[key] ?? []), text];
  if (chars(paragraphs.join('\n')) > SECTION_MAX) return { ok: false, code: 'PLEDGE.TOO_LONG' };
  return { ok: true, value: { sections: { ...content.sections, [key]: paragraphs } } };
}

export const sectionText = (content: PledgeContent, key: PledgeSection): string => (content.sections[key] ?? []).join('\n');
export const isFilled = (content: PledgeContent, key: PledgeSection): boolean => (content.sections[key] ?? []).some((p) => p.trim().length > 0);
export const missingSections = (content: PledgeContent): PledgeSection[] => pledgeSections.filter((k) => !isFilled(content, k));

/** The first empty section after `after` (or from the start), else null when all are written. */
export function nextSection(content: PledgeContent, after: PledgeSection | null = null): PledgeSection | null {
  const from = after === null ? 0 : pledgeSections.indexOf(after) + 1;
  return pledgeSections.slice(from).find((k) => !isFilled(content, k)) ?? null;
}

/** The mid-year self-check: paragraphs, at most SELF_CHECK_MAX characters in all. */
export function writeSelfCheck(current: readonly string[], paragraph: string, mode: 'append' | 'replace'): { ok: true; value: string[] } | { ok: false; code: PledgeTextError } {
  const text = clean(paragraph);
  if (text.length === 0) return { ok: false, code: 'PLEDGE.EMPTY_TEXT' };
  if (containsIdNumber(text)) return { ok: false, code: 'MEMBER.ID_NUMBER' };
  const paragraphs = mode === 'replace' ? [text] : [...current, text];
  if (chars(paragraphs.join('\n')) > SELF_CHECK_MAX) return { ok: false, code: 'PLEDGE.TOO_LONG' };
  return { ok: true, value: paragraphs };
}

/** Parses stored JSON leniently: anything unexpected is dropped. */
export function parsePledge(raw: unknown): PledgeContent {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as { sections?: unknown };
  const sections: Partial<Record<PledgeSection, string[]>> = {};
  if (obj.sections && typeof obj.sections === 'object') {
    for (const [k, v] of Object.entries(obj.sections as Record<string, unknown>)) {
      if (isPledgeSection(k) && Array.isArray(v)) sections[k] = v.filter((p): p is string => typeof p === 'string');
    }
  }
  return { sections };
}

export const parseParagraphs = (raw: unknown): string[] => (Array.isArray(raw) ? raw.filter((p): p is string => typeof p === 'string') : []);

// ---- which year -----------------------------------------------------------------------------------

/** Years a member may write for on `todayIso`: this year, and from December also the next. */
export function openYears(todayIso: string): number[] {
  const year = Number(todayIso.slice(0, 4));
  return todayIso.slice(5, 7) === '12' ? [year, year + 1] : [year];
}

export const isOpenYear = (year: number, todayIso: string): boolean => openYears(todayIso).includes(year);

/** Who is expected to register: like meetings, active members not exempt that day and not attached elsewhere. */
export const expectedToPledge = (m: MemberFacts, isoDate: string): boolean => isExpectedAttendee(m, isoDate);

/** "MM-DD" of `year` as an ISO date; 29 February falls back to the 28th in other years. */
export function dayOfYear(year: number, monthDay: string): string {
  const month = Number(monthDay.slice(0, 2));
  const day = Math.min(Number(monthDay.slice(3, 5)), daysInMonth(year, month));
  return isoOf({ year, month, day });
}

/** The mid-year self-check is open from `selfCheckOn` of the pledge's year to the end of January after it. */
export function selfCheckOpen(year: number, todayIso: string, selfCheckOn: string): boolean {
  return todayIso >= dayOfYear(year, selfCheckOn) && todayIso <= `${year + 1}-01-31`;
}

export interface PledgeCounts {
  expected: number;
  submitted: number;
  drafts: number;
  notStarted: number;
  selfChecked: number;
}

/** Counts over the members expected to register and the pledges that exist. */
export function countPledges(expectedMemberIds: readonly number[], pledges: readonly { memberId: number; status: 'draft' | 'submitted'; selfChecked: boolean }[]): PledgeCounts {
  const expected = new Set(expectedMemberIds);
  const mine = pledges.filter((p) => expected.has(p.memberId));
  const submitted = mine.filter((p) => p.status === 'submitted').length;
  const drafts = mine.filter((p) => p.status === 'draft').length;
  return { expected: expected.size, submitted, drafts, notStarted: expected.size - submitted - drafts, selfChecked: mine.filter((p) => p.status === 'submitted' && p.selfChecked).length };
}

// ---- yearly prompts -------------------------------------------------------------------------------

/**
 * A once-a-year prompt (the January registration reminder, the July self-check): due from
 * `monthDay` at `hour` o'clock in the cell's zone for `windowDays` days, outside quiet hours.
 * Returns the year it is for, or null. Callers key what they send by that year.
 */
export function yearlyPromptDue(now: number, tz: string, monthDay: string, hour: number, windowDays: number, quiet: QuietHours): number | null {
  if (isQuiet(now, tz, quiet)) return null;
  const year = new Date(now).getUTCFullYear();
  // The window may straddle a new year in the cell's zone: look at this year and the one before.
  for (const y of [year + 1, year, year - 1]) {
    const first = dayOfYear(y, monthDay);
    const from = zonedInstant(first, `${String(hour).padStart(2, '0')}:00`, tz);
    const to = zonedInstant(addDays(parseIso(first), windowDays), '00:00', tz);
    if (now >= from && now < to) return y;
  }
  return null;
}
