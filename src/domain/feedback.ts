import { parseTypedDate } from './dates.js';
import { fold } from './text.js';

/**
 * Anonymous feedback (góp ý) and drafts opened for comments: the pure rules. Anonymous
 * denunciation (tố cáo nặc danh) is forbidden by party rules, so anonymous feedback is for how the
 * cell works; a text that plainly accuses a named person is never delivered anonymously.
 */
export const FEEDBACK_MAX_CHARS = 3000;
export const FEEDBACK_MIN_CHARS = 5;

/** To the committee in general, on a draft opened for comments, or a concern (phản ánh). */
export const feedbackTopics = ['committee', 'draft', 'concern'] as const;
export type FeedbackTopic = (typeof feedbackTopics)[number];
export const isFeedbackTopic = (s: unknown): s is FeedbackTopic => typeof s === 'string' && (feedbackTopics as readonly string[]).includes(s);

/** Below this many active members a reader can often guess the writer: warn before sending. */
export const WEAK_ANONYMITY_BELOW = 5;

/** Ticket codes: 10 symbols of the invite alphabet (50 bits), shown as XXXXX-XXXXX. */
export const TICKET_LENGTH = 10;

export const formatTicket = (code: string): string => `${code.slice(0, 5)}-${code.slice(5)}`;

/** Quotes a text for a message, cut at `max` characters with an ellipsis. */
export function excerpt(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** Drafts: a title, then the text (up to 3,000 characters) or a link, never an uploaded document. */
export const DRAFT_TITLE_MAX = 200;
export const DRAFT_MAX_DAYS = 90;

export type TextCheck<C extends string> = { ok: true; value: string } | { ok: false; code: C };

/** Line breaks normalised, trailing spaces and runs of blank lines removed, trimmed. */
export function tidyText(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const length = (s: string): number => [...s].length;

export function checkFeedbackText(raw: string, max = FEEDBACK_MAX_CHARS): TextCheck<'FEEDBACK.EMPTY' | 'FEEDBACK.TOO_LONG'> {
  const value = tidyText(raw);
  if (length(value.replace(/\s/g, '')) < FEEDBACK_MIN_CHARS) return { ok: false, code: 'FEEDBACK.EMPTY' };
  if (length(value) > max) return { ok: false, code: 'FEEDBACK.TOO_LONG' };
  return { ok: true, value };
}

export function checkDraftTitle(raw: string): TextCheck<'FEEDBACK.TITLE_INVALID'> {
  const value = tidyText(raw).replace(/\s+/g, ' ');
  if (length(value) < 3 || length(value) > DRAFT_TITLE_MAX) return { ok: false, code: 'FEEDBACK.TITLE_INVALID' };
  return { ok: true, value };
}

export type DraftBody = { kind: 'link'; url: string } | { kind: 'text'; text: string };

/** A single http(s) address is a link to the document; anything else is the draft's own text. */
export function checkDraftBody(raw: string): { ok: true; value: DraftBody } | { ok: false; code: 'FEEDBACK.EMPTY' | 'FEEDBACK.TOO_LONG' } {
  const trimmed = raw.trim();
  if (/^https?:\/\/\S+$/i.test(trimmed) && URL.canParse(trimmed)) return { ok: true, value: { kind: 'link', url: trimmed } };
  const text = checkFeedbackText(raw);
  return text.ok ? { ok: true, value: { kind: 'text', text: text.value } } : text;
}

/** "28/11", "28/11/2026", "28/11/2026 17:00", "28/11 17h" → date and time typed (time null = end of day). */
export function parseDeadline(typed: string, todayIso: string): { date: string; time: string | null } | null {
  const m = typed.trim().match(/^(\S+?)(?:[\s,]+(?:lúc\s+|luc\s+)?(\d{1,2})(?:[:hg.](\d{2})?)?)?$/i);
  if (!m) return null;
  const date = parseTypedDate(m[1] as string, todayIso);
  if (!date) return null;
  if (m[2] === undefined) return { date, time: null };
  const h = Number(m[2]);
  const min = Number(m[3] ?? 0);
  if (h > 23 || min > 59) return null;
  return { date, time: `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}` };
}

/** A deadline must be in the future and at most DRAFT_MAX_DAYS ahead. */
export function checkDeadline(deadline: number, now: number, maxDays = DRAFT_MAX_DAYS): boolean {
  return deadline > now && deadline <= now + maxDays * 86_400_000;
}

/** Fisher–Yates with an injected source of randomness (`randomInt(n)` in [0, n)). */
export function shuffled<T>(items: readonly T[], randomInt: (n: number) => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The daily digest goes out once the cell's local hour reaches the setting. */
export const digestDue = (localHour: number, digestHour: number): boolean => localHour >= digestHour;

// ---- accusation detection -------------------------------------------------------------------

export interface Accusation {
  /** Who is named, as written. */
  target: string;
  /** The accusation, folded (no diacritics). */
  act: string;
}

/** Accusations, folded. "vi pham" counts only when aimed at a named person (see below). */
const acts = [
  'tham nhung',
  'tham o',
  'hoi lo',
  'nhan tien',
  'an tien',
  'phong bi',
  'bien thu',
  'chiem doat',
  'an chan',
  'an bot',
  'an cap',
  'trom cap',
  'lam dung chuc vu',
  'loi dung chuc vu',
  'lam dung quyen',
  'loi dung quyen',
  'lam quyen',
  'vi pham',
  'sai pham',
  'gian lan',
  'lua dao',
  'bao che',
  'tru dap',
  'nhung nhieu',
  'vong vinh',
  'moc ngoac',
  'loi ich nhom',
  'to cao',
  'danh bac',
  'co bac',
  'ngoai tinh',
  'buon lau',
  'rua tien',
  'gia mao',
  'lam gia',
  'khai man',
  'chay chot',
  'mua chuc',
].sort((a, b) => b.length - a.length);

/** Words before an act that deny it ("không hề vi phạm"). */
const negations = new Set(['khong', 'chua', 'chang', 'cha', 'khong he', 'chua he', 'chua tung', 'khong co', 'khong he co']);

/** Between a named person and an act, these make the person the one asked, not the one accused. */
const requestWords = ['de nghi', 'yeu cau', 'nhac', 'nhac nho', 'xem xet', 'xu ly', 'kiem tra', 'giup', 'huong dan', 'giai thich', 'cho biet', 'lam ro', 'phe binh', 'ngan chan', 'phong chong', 'chong'];

/** Words linking an act to the person after it ("tham nhũng của đồng chí A"). */
const linkWords = new Set(['cua', 'la', 'do', 'boi']);

/** Titles that name one person in a cell or an agency. */
const titles = [
  'pho bi thu',
  'bi thu',
  'chi uy vien',
  'thu quy',
  'ke toan',
  'truong phong',
  'pho phong',
  'pho giam doc',
  'giam doc',
  'chu tich',
  'pho chu tich',
  'truong ban',
  'to truong',
  'thu truong',
  'nguoi thu dang phi',
].sort((a, b) => b.length - a.length);

/** Ways of naming someone before their given name. */
const honorifics = ['dong chi', 'd/c', 'd.c', 'dc', 'anh', 'chi', 'ong', 'ba', 'co', 'chu', 'bac', 'em', 'cau', 'thang', 'lao', 'mu'];

const surnames = new Set(
  'nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh truong mai luu dao ta cao lam ha to trinh quach kieu thai luong chau chu doan la tang phung tieu khuc kha lai giang thach mac ton ung vuong lu nong'.split(' '),
);

interface Word {
  raw: string;
  folded: string;
}

const isCapitalised = (raw: string): boolean => /^\p{Lu}/u.test(raw);

function words(sentence: string): Word[] {
  return sentence
    .split(/\s+/)
    .map((raw) => raw.replace(/^[^\p{L}\p{N}/.]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((raw) => raw.length > 0)
    .map((raw) => ({ raw, folded: fold(raw) }));
}

const split = new Map<string, string[]>();

/** Does the folded phrase `phrase` start at word `i`? Returns how many words it spans. */
function phraseAt(ws: Word[], i: number, phrase: string): number {
  let parts = split.get(phrase);
  if (!parts) split.set(phrase, (parts = phrase.split(' ')));
  if (ws[i]?.folded !== parts[0]) return 0;
  for (let k = 1; k < parts.length; k++) if (ws[i + k]?.folded !== parts[k]) return 0;
  return parts.length;
}

/** The longest of `phrases` starting at word `i` (they are sorted longest first), in words; 0 if none. */
function firstPhrase(ws: Word[], i: number, phrases: readonly string[]): number {
  for (const p of phrases) {
    const n = phraseAt(ws, i, p);
    if (n > 0) return n;
  }
  return 0;
}

interface Span {
  start: number;
  end: number; // exclusive
  text: string;
}

/** The capitalised words from `i` on (a given name, or a full name), at most `max`. */
function capitalisedRun(ws: Word[], i: number, max: number): number {
  let n = 0;
  while (n < max && ws[i + n] && isCapitalised((ws[i + n] as Word).raw)) n++;
  return n;
}

/** Named people in a sentence: "đồng chí Nam", "anh Hùng", "Bí thư", "Nguyễn Văn An". */
function targets(ws: Word[]): Span[] {
  const found: Span[] = [];
  for (let i = 0; i < ws.length; i++) {
    const title = firstPhrase(ws, i, titles);
    if (title) {
      const name = capitalisedRun(ws, i + title, 4);
      found.push(span(ws, i, i + title + name));
      i += title + name - 1;
      continue;
    }
    const hon = firstPhrase(ws, i, honorifics);
    if (hon) {
      const name = capitalisedRun(ws, i + hon, 4);
      if (name > 0) {
        found.push(span(ws, i, i + hon + name));
        i += hon + name - 1;
        continue;
      }
    }
    const w = ws[i] as Word;
    if (isCapitalised(w.raw) && surnames.has(w.folded)) {
      const run = capitalisedRun(ws, i, 4);
      if (run >= 2) {
        found.push(span(ws, i, i + run));
        i += run - 1;
      }
    }
  }
  return found;
}

const span = (ws: Word[], start: number, end: number): Span => ({ start, end, text: ws.slice(start, end).map((w) => w.raw).join(' ') });

/** Acts in a sentence, skipping denied ones. */
function actsIn(ws: Word[]): (Span & { act: string })[] {
  const found: (Span & { act: string })[] = [];
  for (let i = 0; i < ws.length; i++) {
    const act = acts.find((a) => phraseAt(ws, i, a) > 0);
    if (!act) continue;
    const n = act.split(' ').length;
    const before1 = ws[i - 1]?.folded ?? '';
    const before2 = `${ws[i - 2]?.folded ?? ''} ${before1}`.trim();
    const before3 = `${ws[i - 3]?.folded ?? ''} ${before2}`.trim();
    if (!negations.has(before1) && !negations.has(before2) && !negations.has(before3)) found.push({ ...span(ws, i, i + n), act });
    i += n - 1;
  }
  return found;
}

const between = (ws: Word[], from: number, to: number): string => ws.slice(from, to).map((w) => w.folded).join(' ');

function aimedAt(ws: Word[], target: Span, act: Span & { act: string }): boolean {
  // A denunciation names its target anywhere in the sentence.
  if (act.act === 'to cao') return true;
  if (act.start >= target.end) {
    const gap = act.start - target.end;
    if (gap > 4) return false;
    const mid = ` ${between(ws, target.end, act.start)} `;
    return !requestWords.some((r) => mid.includes(` ${r} `));
  }
  if (target.start >= act.end) {
    const gap = target.start - act.end;
    return gap <= 3 && ws.slice(act.end, target.start).some((w) => linkWords.has(w.folded));
  }
  return false;
}

/**
 * Finds a plain accusation of a named person: in one sentence, a named person (title, honorific
 * and given name, or full name) followed closely by an accusation ("Đồng chí Nam nhận hối lộ"),
 * or an accusation tied to a person ("tham nhũng của anh Hùng"), or "tố cáo" anywhere with a person.
 * Denied acts ("không hề vi phạm") and requests addressed to a person ("đề nghị Bí thư nhắc nhở
 * người vi phạm") do not count. Typed without diacritics works too.
 */
export function detectAccusation(text: string): Accusation | null {
  let denounces = false;
  let named: Span | null = null;
  for (const sentence of text.split(/[.!?;:\n]+/)) {
    const ws = words(sentence);
    const people = targets(ws);
    const found = actsIn(ws);
    if (found.some((a) => a.act === 'to cao')) denounces = true;
    named ??= people[0] ?? null;
    for (const act of found) {
      const target = people.find((p) => aimedAt(ws, p, act));
      if (target) return { target: target.text, act: act.act };
    }
  }
  // "Tố cáo: …" on one line and the person on the next is a denunciation all the same.
  return denounces && named ? { target: named.text, act: 'to cao' } : null;
}

// ---- participation, for the year-end summary (/tongket) ----------------------------------------

export interface DraftParticipation {
  draftId: number;
  title: string;
  /** Members who commented openly, by member id (each once). */
  openMemberIds: number[];
  /** Anonymous comments: only how many. */
  anonymousCount: number;
}

export function participation(drafts: readonly { id: number; title: string }[], openComments: readonly { draftId: number | null; memberId: number }[], anonymous: readonly { draftId: number | null }[]): DraftParticipation[] {
  return drafts.map((d) => ({
    draftId: d.id,
    title: d.title,
    openMemberIds: [...new Set(openComments.filter((c) => c.draftId === d.id).map((c) => c.memberId))].sort((a, b) => a - b),
    anonymousCount: anonymous.filter((a) => a.draftId === d.id).length,
  }));
}

/** Folded title match, so "du thao" finds "Dự thảo". */
export const sameText = (a: string, b: string): boolean => fold(a) === fold(b);
