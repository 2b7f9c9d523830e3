import { isExpectedAttendee, type MemberFacts } from './members.js';
import { addDays, isQuiet, parseIso, zonedInstant, type QuietHours } from './meetings-time.js';
import { dayOfYear } from './pledges.js';

/**
 * Ties with the place of residence (Quy định 213-QĐ/TW of 02/01/2020, Hướng dẫn 33-HD/BTCTW):
 * working members keep contact with the party committee where they live, which gives a yearly
 * comment (form 3-213) that feeds the review. Soldiers, police and students living away are exempt;
 * the cell may record another reason it decides on.
 */
export const residenceExemptReasons = ['soldier', 'police', 'student', 'other'] as const;
export type ResidenceExemptReason = (typeof residenceExemptReasons)[number];
export const isResidenceExemptReason = (s: unknown): s is ResidenceExemptReason => typeof s === 'string' && (residenceExemptReasons as readonly string[]).includes(s);

/**
 * Expected to hand in a comment for the year: expected at the cell's activities on `isoDate` (active,
 * not exempt from activities, not attached here temporarily) and not exempt from residence ties.
 */
export function expectedForResidence(m: MemberFacts, residenceExempt: boolean, isoDate: string): boolean {
  return !residenceExempt && isExpectedAttendee(m, isoDate);
}

/** The review year a tick belongs to: this year, or last year (comments handed in late in January). */
export function checkCommentYear(year: number, todayIso: string): 'RESIDENCE.YEAR_INVALID' | null {
  const current = Number(todayIso.slice(0, 4));
  return Number.isInteger(year) && (year === current || year === current - 1) ? null : 'RESIDENCE.YEAR_INVALID';
}

/**
 * The reminder before the review season: due from `leadDays` before `seasonStart` ("MM-DD") at
 * `hour` o'clock in the cell's zone until the season ends, outside quiet hours. `leadDays` 0 turns
 * it off (a cell at the place of residence has nothing to collect). Returns the review year, or null.
 */
export function residenceReminderDue(now: number, tz: string, season: { start: string; end: string }, leadDays: number, hour: number, quiet: QuietHours): number | null {
  if (leadDays <= 0 || isQuiet(now, tz, quiet)) return null;
  const year = new Date(now).getUTCFullYear();
  for (const y of [year - 1, year, year + 1]) {
    const start = dayOfYear(y, season.start);
    const from = zonedInstant(addDays(parseIso(start), -leadDays), `${String(hour).padStart(2, '0')}:00`, tz);
    // A season ending "before" it starts (12-15 → 01-31) ends in the next year.
    const endIso = season.end >= season.start ? dayOfYear(y, season.end) : dayOfYear(y + 1, season.end);
    const to = zonedInstant(addDays(parseIso(endIso), 1), '00:00', tz);
    if (now >= from && now < to) return y;
  }
  return null;
}

export interface ResidenceCounts {
  expected: number;
  received: number;
  missing: number;
  exempt: number;
}

export function countComments(expectedMemberIds: readonly number[], receivedMemberIds: readonly number[], exemptCount: number): ResidenceCounts {
  const expected = new Set(expectedMemberIds);
  const received = new Set(receivedMemberIds.filter((id) => expected.has(id))).size;
  return { expected: expected.size, received, missing: expected.size - received, exempt: exemptCount };
}
