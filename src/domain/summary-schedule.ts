/**
 * When the summary goes out by itself: the monthly digest on the first working day of the month
 * (Monday to Friday; public holidays are not known to the bot), and the reminders to prepare the
 * half-year review (sơ kết) and the year-end summary (tổng kết). Pure: the local date is passed in.
 */

const weekday = (iso: string): number => new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)))).getUTCDay();
const isWorkingDay = (iso: string): boolean => weekday(iso) !== 0 && weekday(iso) !== 6;

/** The first Monday–Friday of the month, on or after `fromDay`. */
export function firstWorkingDay(month: string, fromDay = 1): string {
  for (let d = fromDay; d <= 28; d++) {
    const iso = `${month}-${String(d).padStart(2, '0')}`;
    if (isWorkingDay(iso)) return iso;
  }
  return `${month}-28`;
}

/** The day the review reminders go out: from the 15th of June (half-year) and of December (year end). */
export const REVIEW_REMINDER_DAY = 15;

export type ScheduledSummary = { kind: 'digest'; month: string } | { kind: 'review'; half: 'H1' | 'Y'; year: number };

/** What is due on `today` at `hour` (local), once the usual hour has come. The digest covers the previous month. */
export function dueSummaries(today: string, hour: number, sendHour: number): ScheduledSummary[] {
  if (hour < sendHour) return [];
  const out: ScheduledSummary[] = [];
  const month = today.slice(0, 7);
  if (today === firstWorkingDay(month)) {
    const y = Number(month.slice(0, 4));
    const m = Number(month.slice(5, 7));
    out.push({ kind: 'digest', month: m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}` });
  }
  const mm = month.slice(5, 7);
  if ((mm === '06' || mm === '12') && today === firstWorkingDay(month, REVIEW_REMINDER_DAY)) out.push({ kind: 'review', half: mm === '06' ? 'H1' : 'Y', year: Number(month.slice(0, 4)) });
  return out;
}
