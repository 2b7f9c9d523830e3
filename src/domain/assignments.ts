import { addDays, isQuiet, isoOf, localIso, nextAwake, parseIso, parseWhen, shiftOutOfQuiet, zonedInstant, type QuietHours } from './meetings-time.js';
import type { Criterion, Period } from './monthlyCheck.js';
import { containsIdNumber } from './names.js';
import { isValidDate } from './dates.js';

/**
 * Assignments (phân công công tác, Hướng dẫn 12-HD/BTCTW Part IV section 2): a concrete task
 * the secretary or deputy gives a member, with a deadline (a calendar date in the cell's zone)
 * and the 4 Tốt criterion it serves. Pure: dates and instants are always passed in.
 */

/**
 * Stored states. `done` = the member reported it done (awaiting the secretary's confirmation);
 * `confirmed` = the secretary confirmed completion. "Late" is never stored: it follows from the
 * deadline and the completion date (see `stateOf`).
 */
export const assignmentStatuses = ['open', 'accepted', 'blocked', 'done', 'confirmed', 'cancelled'] as const;
export type AssignmentStatus = (typeof assignmentStatuses)[number];

/** accept/block/resume/done come from the member; confirm/return/cancel from a leader. */
export const assignmentEvents = ['accept', 'block', 'resume', 'done', 'confirm', 'return', 'cancel'] as const;
export type AssignmentEvent = (typeof assignmentEvents)[number];

export const memberEvents: readonly AssignmentEvent[] = ['accept', 'block', 'resume', 'done'];
export const leaderEvents: readonly AssignmentEvent[] = ['confirm', 'return', 'cancel'];

const transitions: Record<AssignmentStatus, Partial<Record<AssignmentEvent, AssignmentStatus>>> = {
  open: { accept: 'accepted', block: 'blocked', done: 'done', confirm: 'confirmed', cancel: 'cancelled' },
  accepted: { block: 'blocked', done: 'done', confirm: 'confirmed', cancel: 'cancelled' },
  // A second "difficulty" replaces the note; "resume" says it is sorted out.
  blocked: { block: 'blocked', resume: 'accepted', done: 'done', confirm: 'confirmed', cancel: 'cancelled' },
  // Reported done: the secretary confirms it, or returns it to the member with a note.
  done: { confirm: 'confirmed', return: 'accepted' },
  confirmed: {},
  cancelled: {},
};

/** The state after `event`, or null when the event does not apply in `status`. */
export function nextStatus(status: AssignmentStatus, event: AssignmentEvent): AssignmentStatus | null {
  return transitions[status][event] ?? null;
}

export const isFinished = (s: AssignmentStatus): boolean => s === 'confirmed' || s === 'cancelled';
export const isCompleted = (s: AssignmentStatus): boolean => s === 'done' || s === 'confirmed';
/** Still to be worked on: reminders go out and the deadline can move. */
export const isActive = (s: AssignmentStatus): boolean => s === 'open' || s === 'accepted' || s === 'blocked';

// ---- what is typed --------------------------------------------------------------------------------

export const TITLE_MIN = 3;
export const TITLE_MAX = 300;
export const NOTE_MAX = 1000;

type TextCheck<C extends string> = { ok: true; value: string } | { ok: false; code: C | 'MEMBER.ID_NUMBER' };

export function checkTitle(raw: string): TextCheck<'ASSIGNMENT.TITLE_INVALID'> {
  const value = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  const n = [...value].length;
  if (n < TITLE_MIN || n > TITLE_MAX || value.startsWith('/')) return { ok: false, code: 'ASSIGNMENT.TITLE_INVALID' };
  if (containsIdNumber(value)) return { ok: false, code: 'MEMBER.ID_NUMBER' };
  return { ok: true, value };
}

/** A note on a difficulty or a returned task: required, at most NOTE_MAX characters. */
export function checkNote(raw: string): TextCheck<'ASSIGNMENT.NOTE_INVALID'> {
  const value = raw.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  const n = [...value].length;
  if (n < 2 || n > NOTE_MAX) return { ok: false, code: 'ASSIGNMENT.NOTE_INVALID' };
  if (containsIdNumber(value)) return { ok: false, code: 'MEMBER.ID_NUMBER' };
  return { ok: true, value };
}

/**
 * A deadline as typed: "30/11/2026", "30/11" (the next such day), "mai", "thứ Sáu", or ISO
 * "2026-11-30" (from a quick-choice button). Returns the ISO date, or null if unreadable.
 */
export function parseDeadline(input: string, now: number, tz: string): string | null {
  const iso = input.trim().match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (iso) return isValidDate(Number(iso[1]), Number(iso[2]), Number(iso[3])) ? (iso[0] as string) : null;
  const when = parseWhen(input, now, tz);
  return when?.date ?? null;
}

/**
 * Deadlines may lie in the past (a secretary entering tasks from the notebook, set at the start of
 * the year), but not before 1 January of last year; and at most two years ahead.
 */
export function checkDeadline(deadline: string, todayIso: string): 'ASSIGNMENT.DEADLINE_INVALID' | null {
  const year = Number(todayIso.slice(0, 4));
  if (deadline < `${year - 1}-01-01` || deadline > `${year + 2}-${todayIso.slice(5)}`) return 'ASSIGNMENT.DEADLINE_INVALID';
  return null;
}

/** A completion date recorded by a leader: not in the future, not before last year. */
export function checkDoneOn(doneOn: string, todayIso: string): 'ASSIGNMENT.DATE_INVALID' | null {
  const year = Number(todayIso.slice(0, 4));
  if (doneOn > todayIso || doneOn < `${year - 1}-01-01`) return 'ASSIGNMENT.DATE_INVALID';
  return null;
}

/** Quick choices offered beside the typed deadline: in a week, the end of this month, the end of next month. */
export function quickDeadlines(todayIso: string): { inAWeek: string; endOfMonth: string; endOfNextMonth: string } {
  const today = parseIso(todayIso);
  // The day before the first of the following month.
  const endOf = (year: number, month: number): string => isoOf(addDays({ year: month === 12 ? year + 1 : year, month: month === 12 ? 1 : month + 1, day: 1 }, -1));
  const next = today.month === 12 ? { year: today.year + 1, month: 1 } : { year: today.year, month: today.month + 1 };
  return { inAWeek: isoOf(addDays(today, 7)), endOfMonth: endOf(today.year, today.month), endOfNextMonth: endOf(next.year, next.month) };
}

// ---- late, on time --------------------------------------------------------------------------------

/** The instant a deadline day ends in the cell's zone (midnight starting the next day). */
export function deadlineEnd(deadline: string, tz: string): number {
  return zonedInstant(addDays(parseIso(deadline), 1), '00:00', tz);
}

/** The calendar day (in the cell's zone) an instant falls on: completion dates are days, like deadlines. */
export const completionDay = (ms: number, tz: string): string => localIso(ms, tz);

/** Done on the deadline day counts as on time; any later day is late. */
export const isLateCompletion = (deadline: string, doneOn: string): boolean => doneOn > deadline;

/** Past its deadline and not completed, as of `todayIso`. */
export const isOverdue = (deadline: string, todayIso: string): boolean => todayIso > deadline;

export interface TaskFacts {
  status: AssignmentStatus;
  deadline: string;
  /** The day the member reported it done (or the leader recorded it); null while not completed. */
  doneOn: string | null;
}

/** What lists show: open, accepted, blocked, late (overdue, not completed), done, cancelled. */
export type DisplayStatus = 'open' | 'accepted' | 'blocked' | 'late' | 'done' | 'cancelled';

export interface TaskState {
  status: DisplayStatus;
  /** Completed after the deadline, or overdue and not completed. */
  late: boolean;
  /** Completed and confirmed by the secretary. */
  confirmed: boolean;
  /** Reported done, waiting for the secretary. */
  awaitingConfirmation: boolean;
}

export function stateOf(t: TaskFacts, todayIso: string): TaskState {
  if (t.status === 'cancelled') return { status: 'cancelled', late: false, confirmed: false, awaitingConfirmation: false };
  if (isCompleted(t.status)) {
    const late = t.doneOn !== null && isLateCompletion(t.deadline, t.doneOn);
    return { status: 'done', late, confirmed: t.status === 'confirmed', awaitingConfirmation: t.status === 'done' };
  }
  if (isOverdue(t.deadline, todayIso)) return { status: 'late', late: true, confirmed: false, awaitingConfirmation: false };
  return { status: t.status as 'open' | 'accepted' | 'blocked', late: false, confirmed: false, awaitingConfirmation: false };
}

/** The order lists use: what needs attention first. */
export const displayOrder: readonly DisplayStatus[] = ['late', 'blocked', 'open', 'accepted', 'done', 'cancelled'];

// ---- tallies for summaries --------------------------------------------------------------------------

export type Outcome = 'doneOnTime' | 'doneLate' | 'overdue' | 'pending' | 'cancelled';

export function outcomeOf(t: TaskFacts, todayIso: string): Outcome {
  if (t.status === 'cancelled') return 'cancelled';
  if (isCompleted(t.status)) return t.doneOn !== null && isLateCompletion(t.deadline, t.doneOn) ? 'doneLate' : 'doneOnTime';
  return isOverdue(t.deadline, todayIso) ? 'overdue' : 'pending';
}

export interface AssignmentTally {
  /** Tasks not cancelled whose deadline falls in the period. */
  total: number;
  doneOnTime: number;
  doneLate: number;
  overdue: number;
  pending: number;
  /** Of the completed ones, reported but not yet confirmed. */
  unconfirmed: number;
}

export const emptyTally = (): AssignmentTally => ({ total: 0, doneOnTime: 0, doneLate: 0, overdue: 0, pending: 0, unconfirmed: 0 });

/** Counts the tasks whose deadline falls in `period`, as of `todayIso`. */
export function tally(tasks: readonly TaskFacts[], period: Period, todayIso: string): AssignmentTally {
  const out = emptyTally();
  for (const t of tasks) {
    if (t.deadline < period.from || t.deadline > period.to) continue;
    const o = outcomeOf(t, todayIso);
    if (o === 'cancelled') continue;
    out.total++;
    out[o]++;
    if (t.status === 'done') out.unconfirmed++;
  }
  return out;
}

/** The same counts per assignee, for per-member summaries. */
export function tallyByMember<T extends TaskFacts & { memberId: number }>(tasks: readonly T[], period: Period, todayIso: string): Map<number, AssignmentTally> {
  const byMember = new Map<number, T[]>();
  for (const t of tasks) byMember.set(t.memberId, [...(byMember.get(t.memberId) ?? []), t]);
  return new Map([...byMember].map(([id, list]) => [id, tally(list, period, todayIso)]));
}

/** Tasks serving one criterion only. */
export const forCriterion = <T extends { criterion: number }>(tasks: readonly T[], c: Criterion): T[] => tasks.filter((t) => t.criterion === c);

// ---- reminders ----------------------------------------------------------------------------------------

export interface ReminderSlot {
  /** Days before the deadline this slot stands for (0 = on the day); part of its idempotency key. */
  daysBefore: number;
  dueAt: number;
}

/**
 * When to remind: `daysBefore` each deadline at `hour` o'clock (cell zone), moved out of quiet hours
 * without dropping it (to the end of the quiet period if that is still before the deadline ends,
 * else to the evening before the quiet period began). Latest first.
 */
export function reminderSlots(deadline: string, daysBefore: readonly number[], hour: number, tz: string, quiet: QuietHours): ReminderSlot[] {
  const end = deadlineEnd(deadline, tz);
  const day = parseIso(deadline);
  const time = `${String(hour).padStart(2, '0')}:00`;
  return [...new Set(daysBefore.filter((d) => d >= 0))]
    .sort((a, b) => b - a)
    .map((d) => ({ daysBefore: d, dueAt: shiftOutOfQuiet(zonedInstant(addDays(day, -d), time, tz), end, tz, quiet) }));
}

/**
 * The reminder to send at `now`: the latest slot already due that came after the task was
 * assigned, while the deadline day has not ended and it is not quiet time. After downtime only the
 * latest due slot goes out; an earlier one never reopens once a later one is due.
 */
export function dueReminder(slots: readonly ReminderSlot[], assignedAt: number, now: number, deadline: string, tz: string, quiet: QuietHours): ReminderSlot | null {
  if (now >= deadlineEnd(deadline, tz) || isQuiet(now, tz, quiet)) return null;
  const due = slots.filter((s) => s.dueAt <= now && s.dueAt > assignedAt);
  return due.length > 0 ? due.reduce((a, b) => (b.dueAt > a.dueAt ? b : a)) : null;
}

/** Overdue notices go out this long after the deadline at most (an old task entered late gets none). */
export const OVERDUE_WINDOW_DAYS = 14;

/** When the "past its deadline" notice is due: the day after the deadline at `hour`, out of quiet hours. */
export function overdueAt(deadline: string, hour: number, tz: string, quiet: QuietHours): number {
  return nextAwake(zonedInstant(addDays(parseIso(deadline), 1), `${String(hour).padStart(2, '0')}:00`, tz), tz, quiet);
}

/** Whether to send the overdue notice at `now` (once, keyed by the deadline): due, not quiet, assigned before it was due, within the window. */
export function overdueDue(deadline: string, assignedAt: number, now: number, hour: number, tz: string, quiet: QuietHours): boolean {
  const at = overdueAt(deadline, hour, tz, quiet);
  if (now < at || at <= assignedAt || isQuiet(now, tz, quiet)) return false;
  return now < deadlineEnd(isoOf(addDays(parseIso(deadline), OVERDUE_WINDOW_DAYS)), tz);
}
