import { addDays, DAY_MS, daysLeftInQuarter, HOUR_MS, isQuiet, localIso, localParts, MINUTE_MS, monthOf, quarterBounds, shiftOutOfQuiet, weekdayOf, zonedInstant, type QuietHours } from './meetings-time.js';
import { daysInMonth } from './dates.js';
import type { RuleSet } from './rules.js';

/**
 * The rules of cell meetings (domain brief, "Meetings" and "The three-month rule") as pure
 * functions over plain data, with time passed in.
 */

export const meetingKinds = ['regular', 'thematic', 'committee', 'extraordinary'] as const;
export type MeetingKind = (typeof meetingKinds)[number];

export const meetingStatuses = ['scheduled', 'cancelled', 'closed'] as const;
export type MeetingStatus = (typeof meetingStatuses)[number];

/** Tham dự / Vắng (có lý do) / Chưa chắc. */
export const rsvpAnswers = ['attend', 'absent', 'maybe'] as const;
export type RsvpAnswer = (typeof rsvpAnswers)[number];

/**
 * Per member per meeting. `absent` is an absence whose reason waits for the cell's decision;
 * it becomes `excused` (accepted) or `unexcused` (rejected). Only `unexcused` counts toward the
 * three-month rule.
 */
export const attendanceStatuses = ['present', 'late', 'excused', 'unexcused', 'absent', 'exempt'] as const;
export type AttendanceStatus = (typeof attendanceStatuses)[number];

export const checkInMethods = ['code', 'button', 'manual'] as const;
export type CheckInMethod = (typeof checkInMethods)[number];

export const reasonVerdicts = ['accepted', 'rejected'] as const;
export type ReasonVerdict = (typeof reasonVerdicts)[number];

/** What a secretary can mark by hand. */
export const manualMarks = ['present', 'excused', 'unexcused'] as const;
export type ManualMark = (typeof manualMarks)[number];

/** A regular meeting combined with a thematic one in the same session counts as thematic too. */
export const isThematic = (m: { kind: MeetingKind; withThematic: boolean }): boolean => m.kind === 'thematic' || (m.kind === 'regular' && m.withThematic);

// ---------------------------------------------------------------------------------------------
// Planning warnings

export type PlanWarning =
  | { code: 'tooShort'; minimum: number; planned: number }
  | { code: 'lateNotice'; hours: number; noticeHours: number }
  | { code: 'quarterWithoutThematic'; daysLeft: number };

export interface PlannedMeeting {
  kind: MeetingKind;
  withThematic: boolean;
  startsAt: number;
  durationMinutes: number;
}

/** The least a meeting of this kind may last (90 minutes, 120 with a thematic part in the same session). */
export function minimumMinutes(m: Pick<PlannedMeeting, 'kind' | 'withThematic'>, rules: RuleSet): number {
  return m.kind === 'regular' && m.withThematic ? rules.meetings.minMinutesWithThematic : rules.meetings.minMinutes;
}

/**
 * Warnings for a meeting about to be planned (never refusals): shorter than the rules allow, the
 * first invitation under 24 hours ahead, the quarter ending without a thematic meeting.
 * `firstInviteAt` is when the invitation would go out; `thematicThisQuarter` whether the cell
 * already holds or has planned one in the quarter of the meeting.
 */
export function planWarnings(m: PlannedMeeting, firstInviteAt: number, tz: string, rules: RuleSet, thematicThisQuarter: boolean, quarterWarnDays = 30): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  const minimum = minimumMinutes(m, rules);
  if (m.kind !== 'committee' && m.durationMinutes < minimum) warnings.push({ code: 'tooShort', minimum, planned: m.durationMinutes });
  const lead = m.startsAt - firstInviteAt;
  if (lead < rules.meetings.noticeHours * HOUR_MS) warnings.push({ code: 'lateNotice', hours: Math.max(0, Math.floor(lead / HOUR_MS)), noticeHours: rules.meetings.noticeHours });
  const q = quarterWarning(localIso(m.startsAt, tz), thematicThisQuarter || isThematic(m), quarterWarnDays);
  if (q) warnings.push(q);
  return warnings;
}

/** The quarter of `iso` ends within `warnDays` days and no thematic meeting is held or planned in it. */
export function quarterWarning(iso: string, thematicInQuarter: boolean, warnDays = 30): PlanWarning | null {
  if (thematicInQuarter) return null;
  const daysLeft = daysLeftInQuarter(iso);
  return daysLeft <= warnDays ? { code: 'quarterWithoutThematic', daysLeft } : null;
}

/** Whether a meeting at `startsAt` falls in the quarter that contains `iso`. */
export function inQuarterOf(startsAt: number, iso: string, tz: string): boolean {
  const { first, last } = quarterBounds(iso);
  const d = localIso(startsAt, tz);
  return d >= first && d <= last;
}

// ---------------------------------------------------------------------------------------------
// Recurrence of the regular meeting

export type RecurrencePattern = { type: 'dayOfMonth'; day: number } | { type: 'nthWeekday'; nth: number; weekday: number };

/** How many days ahead of its date a recurring meeting is created and its invitations sent. */
export const RECURRENCE_LEAD_DAYS = 7;

/** The calendar date of the pattern in a month: day 31 becomes the month's last day; nth −1 is the last such weekday. */
export function occurrenceDate(p: RecurrencePattern, year: number, month: number): string {
  const last = daysInMonth(year, month);
  if (p.type === 'dayOfMonth') return isoDate(year, month, Math.min(p.day, last));
  if (p.nth === -1) {
    const lastDow = weekdayOf({ year, month, day: last });
    return isoDate(year, month, last - ((lastDow - p.weekday + 7) % 7));
  }
  const firstDow = weekdayOf({ year, month, day: 1 });
  const day = 1 + ((p.weekday - firstDow + 7) % 7) + (p.nth - 1) * 7;
  return isoDate(year, month, Math.min(day, last));
}

const isoDate = (y: number, m: number, d: number): string => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The pattern read off a chosen date: "day 5" and "the first Friday" style. */
export function patternsFrom(iso: string): { dayOfMonth: RecurrencePattern; nthWeekday: RecurrencePattern } {
  const year = Number(iso.slice(0, 4));
  const month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
  const weekday = weekdayOf({ year, month, day });
  const nth = day + 7 > daysInMonth(year, month) && day > 28 ? -1 : Math.ceil(day / 7);
  return { dayOfMonth: { type: 'dayOfMonth', day }, nthWeekday: { type: 'nthWeekday', nth: nth > 4 ? -1 : nth, weekday } };
}

/**
 * The occurrences a recurring rule should have created by `now`: this month's and next month's,
 * when they are still ahead and within the lead time. Keyed by month so each is created once.
 */
export function dueOccurrences(p: RecurrencePattern, time: string, now: number, tz: string, leadDays = RECURRENCE_LEAD_DAYS, since = 0): { month: string; startsAt: number }[] {
  const today = localParts(now, tz);
  const months = [
    { year: today.year, month: today.month },
    today.month === 12 ? { year: today.year + 1, month: 1 } : { year: today.year, month: today.month + 1 },
  ];
  return months.flatMap(({ year, month }) => {
    const startsAt = zonedInstant(occurrenceDate(p, year, month), time, tz);
    const due = startsAt > now && startsAt - leadDays * DAY_MS <= now && startsAt > since;
    return due ? [{ month: monthOf(occurrenceDate(p, year, month)), startsAt }] : [];
  });
}

// ---------------------------------------------------------------------------------------------
// Reminders

export interface ReminderSlot {
  /** Minutes before the start this slot stands for (its idempotency key part). */
  offset: number;
  dueAt: number;
  /** The last slot: those who said they'd attend get a final reminder with it. */
  final: boolean;
}

/** The reminder times of a meeting: each offset before the start, moved out of quiet hours. */
export function reminderSlots(startsAt: number, offsets: readonly number[], tz: string, quiet: QuietHours): ReminderSlot[] {
  const unique = [...new Set(offsets.filter((o) => o > 0))].sort((a, b) => b - a);
  const smallest = unique[unique.length - 1];
  return unique.map((offset) => ({ offset, dueAt: shiftOutOfQuiet(startsAt - offset * MINUTE_MS, startsAt, tz, quiet), final: offset === smallest }));
}

/**
 * The reminder to send at `now`, if any: the latest slot already due that came after the
 * invitation, while the meeting has not started and it is not quiet time. After downtime only
 * the latest due slot is sent (an older one is superseded); a slot never reopens once a later one is due.
 */
export function dueReminder(slots: readonly ReminderSlot[], startsAt: number, invitedAt: number, now: number, tz: string, quiet: QuietHours): ReminderSlot | null {
  if (now >= startsAt || isQuiet(now, tz, quiet)) return null;
  const due = slots.filter((s) => s.dueAt <= now && s.dueAt > invitedAt);
  return due.length > 0 ? (due.reduce((a, b) => (b.dueAt > a.dueAt ? b : a)) as ReminderSlot) : null;
}

/** Who a reminder goes to: those who have not answered or are unsure, and at the final slot those who will attend. */
export function reminderAudience(rsvp: RsvpAnswer | null, final: boolean): 'nudge' | 'final' | null {
  if (rsvp === null || rsvp === 'maybe') return 'nudge';
  if (rsvp === 'attend' && final) return 'final';
  return null;
}

/** When invitations should go out: now, unless it is quiet time and waiting still leaves them before the start. */
export function invitationTime(now: number, startsAt: number, tz: string, quiet: QuietHours): number {
  const later = shiftOutOfQuiet(now, startsAt, tz, quiet);
  return later >= now ? later : now;
}

// ---------------------------------------------------------------------------------------------
// Check-in

export interface CheckInWindow {
  opensAt: number;
  closesAt: number;
}

export function checkInWindow(startsAt: number, beforeMinutes: number, afterMinutes: number): CheckInWindow {
  return { opensAt: startsAt - beforeMinutes * MINUTE_MS, closesAt: startsAt + afterMinutes * MINUTE_MS };
}

export const isCheckInOpen = (w: CheckInWindow, now: number): boolean => now >= w.opensAt && now < w.closesAt;

/** Present until the start (plus any grace), late after it. */
export function checkInStatus(at: number, startsAt: number, graceMinutes = 0): 'present' | 'late' {
  return at > startsAt + graceMinutes * MINUTE_MS ? 'late' : 'present';
}

/** Check-in codes rotate every this many minutes; the current and the previous code are accepted. */
export const CODE_ROTATION_MINUTES = 5;
export const codeSlot = (now: number): number => Math.floor(now / (CODE_ROTATION_MINUTES * MINUTE_MS));
/** When the code of `slot` stops being accepted. */
export const codeValidUntil = (slot: number): number => (slot + 2) * CODE_ROTATION_MINUTES * MINUTE_MS;

/** "482913", "482 913", "482-913" → "482913"; null for anything else. */
export function normaliseCheckInCode(input: string): string | null {
  const digits = input.trim().replace(/[\s.-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

// ---------------------------------------------------------------------------------------------
// After the meeting

export interface AttendeeFacts {
  memberId: number;
  fullName: string;
  membership: 'full' | 'probationary';
  expected: boolean;
  exempt: boolean;
  rsvp: RsvpAnswer | null;
  status: AttendanceStatus | null;
  reason: string | null;
  verdict: ReasonVerdict | null;
}

export const attended = (a: Pick<AttendeeFacts, 'status'>): boolean => a.status === 'present' || a.status === 'late';

/** Final status of someone who did not check in, when check-in closes. */
export function statusAtClose(a: Pick<AttendeeFacts, 'expected' | 'exempt' | 'reason' | 'verdict' | 'status'>): AttendanceStatus | null {
  if (a.status !== null) return a.status;
  if (!a.expected) return a.exempt ? 'exempt' : null;
  if (a.verdict === 'accepted') return 'excused';
  if (a.verdict === 'rejected') return 'unexcused';
  return a.reason ? 'absent' : 'unexcused';
}

/** Status after the cell rules on a reason (only for someone who did not attend). */
export function statusAfterVerdict(current: AttendanceStatus | null, verdict: ReasonVerdict): AttendanceStatus | null {
  if (current === 'present' || current === 'late' || current === 'exempt') return current;
  if (current === null) return null; // before the meeting: the verdict waits for the close
  return verdict === 'accepted' ? 'excused' : 'unexcused';
}

export interface Reconciliation {
  attended: AttendeeFacts[];
  noShow: AttendeeFacts[];
  attendedWithoutRsvp: AttendeeFacts[];
  excused: AttendeeFacts[];
}

/**
 * RSVP against check-in: attended as said; came without saying so; did not come without a reason
 * (said yes, was unsure or never answered); did not come and gave a reason (accepted or pending).
 */
export function reconcile(all: readonly AttendeeFacts[]): Reconciliation {
  const r: Reconciliation = { attended: [], noShow: [], attendedWithoutRsvp: [], excused: [] };
  for (const a of all) {
    if (attended(a)) (a.rsvp === 'attend' ? r.attended : r.attendedWithoutRsvp).push(a);
    else if (!a.expected) continue;
    else if (a.status === 'excused' || a.status === 'absent') r.excused.push(a);
    else r.noShow.push(a);
  }
  return r;
}

export interface QuorumResult {
  expectedFull: number;
  presentFull: number;
  required: number;
  met: boolean;
}

/** Members a quorum needs: more than half, or at least two thirds, of the expected full members (at least one). */
export function quorumRequired(expectedFull: number, rule: 'half' | 'twoThirds'): number {
  const n = rule === 'half' ? Math.floor(expectedFull / 2) + 1 : Math.ceil((expectedFull * 2) / 3);
  return Math.max(1, n);
}

/** Probationary members attend but do not count; exempt members are not expected. Never blocks a meeting. */
export function quorum(all: readonly AttendeeFacts[], rule: 'half' | 'twoThirds'): QuorumResult {
  const expectedFull = all.filter((a) => a.expected && a.membership === 'full');
  const presentFull = expectedFull.filter(attended).length;
  const required = quorumRequired(expectedFull.length, rule);
  return { expectedFull: expectedFull.length, presentFull, required, met: presentFull >= required };
}

/** Before the meeting: even if everyone who has not said "absent" came, the quorum would not be met. */
export function quorumUnreachable(all: readonly AttendeeFacts[], rule: 'half' | 'twoThirds'): boolean {
  const expectedFull = all.filter((a) => a.expected && a.membership === 'full');
  const possible = expectedFull.filter((a) => a.rsvp !== 'absent').length;
  return possible < quorumRequired(expectedFull.length, rule);
}

export interface AttendanceHeader {
  total: number;
  full: number;
  probationary: number;
  exempt: number;
  present: number;
  absentWithReason: string[];
  absentWithoutReason: string[];
}

/**
 * The attendance report that opens the minutes: totals of full and probationary members, the
 * number exempt, the number present (exempt members who came count), absentees by name with
 * and without a reason. "With reason" is a reason accepted or still awaiting the cell's decision.
 */
export function attendanceHeader(roster: readonly AttendeeFacts[]): AttendanceHeader {
  const byName = (a: AttendeeFacts, b: AttendeeFacts) => a.fullName.localeCompare(b.fullName, 'vi');
  const absentees = roster.filter((a) => a.expected && !attended(a)).sort(byName);
  return {
    total: roster.length,
    full: roster.filter((a) => a.membership === 'full').length,
    probationary: roster.filter((a) => a.membership === 'probationary').length,
    exempt: roster.filter((a) => a.exempt).length,
    present: roster.filter(attended).length,
    absentWithReason: absentees.filter((a) => a.status === 'excused' || a.status === 'absent').map((a) => a.fullName),
    absentWithoutReason: absentees.filter((a) => a.status !== 'excused' && a.status !== 'absent').map((a) => a.fullName),
  };
}

// ---------------------------------------------------------------------------------------------
// The three-month rule (Charter Art. 8; Quy định 24-QĐ/TW point 8.1)

export interface AbsenceRecord {
  /** ISO date of the meeting in the cell's zone. */
  date: string;
  kind: MeetingKind;
  status: AttendanceStatus | null;
}

/** Distinct months of `year` with an unexcused absence from the regular meeting (months need not be consecutive). */
export function unexcusedMonths(records: readonly AbsenceRecord[], year: number): string[] {
  const months = new Set(records.filter((r) => r.kind === 'regular' && r.status === 'unexcused' && r.date.startsWith(`${year}-`)).map((r) => monthOf(r.date)));
  return [...months].sort();
}

/** 'warn' at two months, 'threshold' at three or more (the cell considers; the software never decides). */
export function removalLevel(months: number, rules: RuleSet): 'warn' | 'threshold' | null {
  if (months >= rules.removal.monthsPerYear) return 'threshold';
  if (months >= rules.removal.warnAt) return 'warn';
  return null;
}

/** The next date on the usual day of the month whose meeting time is still ahead (for the date button). */
export function nextUsualDate(usualDay: number, now: number, time: string, tz: string): string {
  const today = localParts(now, tz);
  for (let i = 0; i < 2; i++) {
    const month = ((today.month - 1 + i) % 12) + 1;
    const year = today.year + Math.floor((today.month - 1 + i) / 12);
    const iso = occurrenceDate({ type: 'dayOfMonth', day: usualDay }, year, month);
    if (zonedInstant(iso, time, tz) > now) return iso;
  }
  return isoDate(today.year, today.month, today.day);
}

/** Tomorrow's ISO date in the zone. */
export const tomorrowIso = (now: number, tz: string): string => {
  const t = addDays(localParts(now, tz), 1);
  return isoDate(t.year, t.month, t.day);
};
