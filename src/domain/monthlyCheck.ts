import { containsIdNumber } from './names.js';
import { daysInMonth } from './dates.js';
import { fold } from './text.js';

/**
 * The four criteria of the "Chi bộ 4 Tốt" model, numbered as in section 2 of the cell's plan
 * (domain brief): 1 political tasks, 2 solidarity and discipline, 3 quality of cell meetings,
 * 4 good cadres and members. After each regular meeting the cell marks each one Đạt / Không đạt.
 */
export const criteria = [1, 2, 3, 4] as const;
export type Criterion = (typeof criteria)[number];
export const isCriterion = (n: unknown): n is Criterion => typeof n === 'number' && (criteria as readonly number[]).includes(n);

export const checkResults = ['met', 'notMet'] as const;
export type CheckResult = (typeof checkResults)[number];
export const isCheckResult = (s: unknown): s is CheckResult => typeof s === 'string' && (checkResults as readonly string[]).includes(s);

/** A span of calendar days in the cell's zone, both ends included (ISO yyyy-mm-dd). */
export interface Period {
  from: string;
  to: string;
}

/** "2026-11". */
export type Month = string;

const pad = (n: number): string => String(n).padStart(2, '0');

export const monthOfIso = (iso: string): Month => iso.slice(0, 7);

export function monthPeriod(month: Month): Period {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return { from: `${month}-01`, to: `${month}-${pad(daysInMonth(year, m))}` };
}

/** The month `n` months after `month` (negative goes back). */
export function addMonths(month: Month, n: number): Month {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

/** How far back a month may still be assessed. */
export const MONTHS_BACK = 24;

/**
 * A month as typed: "11/2026", "11-26", "2026-11", "tháng 11", "11". Without a year it is the
 * latest such month not after today's (so "12" typed in January is last December). Null if unreadable.
 */
export function parseCheckMonth(input: string, todayIso: string): Month | null {
  const t = fold(input).replace(/^(thang|month)\s*/, '').trim();
  const current = monthOfIso(todayIso);
  const iso = t.match(/^(\d{4})[-/.](\d{1,2})$/);
  if (iso) return valid(Number(iso[1]), Number(iso[2]));
  const typed = t.match(/^(\d{1,2})(?:\s*[/.-]\s*(\d{2}|\d{4}))?$/);
  if (!typed) return null;
  const month = Number(typed[1]);
  if (typed[2] !== undefined) {
    const y = Number(typed[2]);
    return valid(y < 100 ? 2000 + y : y, month);
  }
  const thisYear = valid(Number(todayIso.slice(0, 4)), month);
  if (thisYear === null) return null;
  return thisYear <= current ? thisYear : addMonths(thisYear, -12);
}

function valid(year: number, month: number): Month | null {
  if (month < 1 || month > 12 || year < 1930 || year > 2100) return null;
  return `${year}-${pad(month)}`;
}

/** A month can be assessed from its own month on, and up to MONTHS_BACK months later. */
export function checkMonth(month: Month, todayIso: string): 'MONTHLY_CHECK.MONTH_INVALID' | null {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return 'MONTHLY_CHECK.MONTH_INVALID';
  const current = monthOfIso(todayIso);
  if (month > current || month < addMonths(current, -MONTHS_BACK)) return 'MONTHLY_CHECK.MONTH_INVALID';
  return null;
}

export const NOTE_MAX = 500;

/** A criterion's note: one to NOTE_MAX characters, never an ID number. "-" clears it (value null). */
export function checkNote(raw: string): { ok: true; value: string | null } | { ok: false; code: 'MONTHLY_CHECK.NOTE_INVALID' | 'MEMBER.ID_NUMBER' } {
  const value = raw.replace(/\r\n?/g, '\n').trim();
  if (value === '-') return { ok: true, value: null };
  if (value.length === 0 || [...value].length > NOTE_MAX) return { ok: false, code: 'MONTHLY_CHECK.NOTE_INVALID' };
  if (containsIdNumber(value)) return { ok: false, code: 'MEMBER.ID_NUMBER' };
  return { ok: true, value };
}

export interface CriterionMark {
  criterion: Criterion;
  result: CheckResult | null;
  note: string | null;
}

/** Every criterion, marked or not, in order. */
export function marksInOrder(stored: readonly CriterionMark[]): CriterionMark[] {
  return criteria.map((c) => stored.find((m) => m.criterion === c) ?? { criterion: c, result: null, note: null });
}

export interface CheckSummary {
  met: number;
  notMet: number;
  unmarked: number;
  /** All four criteria marked. */
  complete: boolean;
}

export function summarise(marks: readonly CriterionMark[]): CheckSummary {
  const all = marksInOrder(marks);
  const met = all.filter((m) => m.result === 'met').length;
  const notMet = all.filter((m) => m.result === 'notMet').length;
  return { met, notMet, unmarked: 4 - met - notMet, complete: met + notMet === 4 };
}

/** The next criterion still unmarked after `after` (wrapping round), or null when all are marked. */
export function nextUnmarked(marks: readonly CriterionMark[], after: Criterion | null = null): Criterion | null {
  const all = marksInOrder(marks);
  const start = after === null ? 0 : criteria.indexOf(after) + 1;
  const order = [...all.slice(start), ...all.slice(0, start)];
  return order.find((m) => m.result === null)?.criterion ?? null;
}

/**
 * Targets the plan sets for what the bot can count (domain brief, criterion 4: "register and carry
 * out a yearly commitment", "complete assigned duties"; criterion 3: "tasks assigned to members").
 * Shares of 1 = everyone / everything.
 */
export const indicatorTargets = {
  assignmentsOnTime: 1,
  membersWithTasks: 1,
  pledgesRegistered: 1,
  residenceComments: 1,
} as const;

/** "3/4" with the share, as indicators show it whatever the language. */
export function ratio(part: number, whole: number): string {
  return whole === 0 ? '0/0' : `${part}/${whole} (${Math.round((part / whole) * 100)} %)`;
}

export const percent = (share: number): string => `${Math.round(share * 100)} %`;
