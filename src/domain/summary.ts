import { daysInMonth, isValidDate } from './dates.js';

/**
 * The secretary's summary (/tongket): periods, cadence, per-member figures, the three-month rule
 * and a transparent engagement score. Pure: data and "today" are passed in.
 */

/** A span of calendar days in the cell's time zone, both ends included (ISO yyyy-mm-dd). */
export interface SummaryPeriod {
  from: string;
  to: string;
}

export const periodKinds = ['month', 'lastMonth', 'quarter', 'half', 'year'] as const;
export type PeriodKind = (typeof periodKinds)[number];

const pad = (n: number): string => String(n).padStart(2, '0');
const monthEnd = (y: number, m: number): string => `${y}-${pad(m)}-${pad(daysInMonth(y, m))}`;

/** The period a button names, around `today`: calendar month, previous month, quarter, half-year, year. */
export function periodOf(kind: PeriodKind, today: string): SummaryPeriod {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  switch (kind) {
    case 'month':
      return { from: `${y}-${pad(m)}-01`, to: monthEnd(y, m) };
    case 'lastMonth': {
      const py = m === 1 ? y - 1 : y;
      const pm = m === 1 ? 12 : m - 1;
      return { from: `${py}-${pad(pm)}-01`, to: monthEnd(py, pm) };
    }
    case 'quarter': {
      const first = Math.floor((m - 1) / 3) * 3 + 1;
      return { from: `${y}-${pad(first)}-01`, to: monthEnd(y, first + 2) };
    }
    case 'half':
      return m <= 6 ? { from: `${y}-01-01`, to: `${y}-06-30` } : { from: `${y}-07-01`, to: `${y}-12-31` };
    case 'year':
      return { from: `${y}-01-01`, to: `${y}-12-31` };
  }
}

/** The longest range /tongket accepts (five years), so a typo cannot ask for a century. */
export const MAX_RANGE_DAYS = 5 * 366;

/** A typed range "01/01/2026-30/06/2026" (also with " - ", "–" or "đến"); null when it is not one. */
export function parseRange(input: string): SummaryPeriod | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*(?:-|–|—|đến|den|to)\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/i.exec(input);
  if (!m) return null;
  const [d1, m1, y1, d2, m2, y2] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (!isValidDate(y1, m1, d1) || !isValidDate(y2, m2, d2)) return null;
  const from = `${y1}-${pad(m1)}-${pad(d1)}`;
  const to = `${y2}-${pad(m2)}-${pad(d2)}`;
  if (from > to) return null;
  if (daysBetween(from, to) > MAX_RANGE_DAYS) return null;
  return { from, to };
}

export function daysBetween(from: string, to: string): number {
  const a = Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) - 1, Number(from.slice(8, 10)));
  const b = Date.UTC(Number(to.slice(0, 4)), Number(to.slice(5, 7)) - 1, Number(to.slice(8, 10)));
  return Math.round((b - a) / 86_400_000);
}

/** "dd/mm/yyyy" */
export const dmy = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** The months (yyyy-mm) a period touches, in order. */
export function monthsOf(p: SummaryPeriod): string[] {
  const out: string[] = [];
  let y = Number(p.from.slice(0, 4));
  let m = Number(p.from.slice(5, 7));
  const last = p.to.slice(0, 7);
  for (;;) {
    const key = `${y}-${pad(m)}`;
    out.push(key);
    if (key >= last) return out;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
}

/** The quarters ("yyyy-Qn") a period touches, in order. */
export function quartersOf(p: SummaryPeriod): string[] {
  const out: string[] = [];
  for (const month of monthsOf(p)) {
    const q = `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
    if (!out.includes(q)) out.push(q);
  }
  return out;
}

export const quarterOfMonth = (month: string): string => `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;

// ---------------------------------------------------------------------------------------------
// Inputs (plain rows the repository reads)

export interface SummaryMember {
  memberId: number;
  fullName: string;
  membership: 'full' | 'probationary';
  status: 'active' | 'left';
  joinedOn: string | null;
  leftOn: string | null;
  /** Exemptions from activities (miễn / tạm miễn sinh hoạt), ISO ranges, `to` null = open. */
  exemptions: { from: string; to: string | null }[];
}

export type SummaryMeetingKind = 'regular' | 'thematic' | 'extraordinary';

export interface SummaryMeeting {
  meetingId: number;
  kind: SummaryMeetingKind;
  withThematic: boolean;
  /** Local calendar date of the meeting. */
  date: string;
  attendees: SummaryAttendee[];
}

export interface SummaryAttendee {
  memberId: number;
  membership: 'full' | 'probationary';
  expected: boolean;
  /** present | late | excused | unexcused | absent (reason not yet ruled) | exempt | null */
  status: string | null;
}

export interface SummaryCharge {
  memberId: number;
  month: string;
  /** Null while the amount cannot be computed. */
  due: number | null;
  /** Confirmed payments for the month. */
  paid: number;
}

export interface SummaryAssignment {
  memberId: number;
  deadline: string;
  status: 'open' | 'accepted' | 'blocked' | 'done' | 'confirmed' | 'cancelled';
  doneOn: string | null;
}

export interface SummaryInputs {
  period: SummaryPeriod;
  /** The cell's today: months and deadlines after it are not yet due. */
  today: string;
  quorumRule: 'half' | 'twoThirds';
  members: SummaryMember[];
  meetings: SummaryMeeting[];
  charges: SummaryCharge[];
  assignments: SummaryAssignment[];
  /** Members with a submitted yearly commitment for the period's last year. */
  pledged: Set<number>;
  /** Self-criticism: null when no review season ended in the period, else who submitted. */
  reviewed: Set<number> | null;
  /** Named (open) feedback per member in the period. */
  openFeedback: Map<number, number>;
  /** Anonymous feedback in the period: a cell-wide count, nothing else. */
  anonymousFeedback: number;
  /** For the three-month rule: the whole calendar year of the period's end. */
  yearMeetings: SummaryMeeting[];
  yearCharges: SummaryCharge[];
  /** Meetings of every quarter the period touches (a thematic meeting counts for its whole quarter); defaults to `meetings`. */
  quarterMeetings?: SummaryMeeting[];
}

// ---------------------------------------------------------------------------------------------
// Outputs

export interface MeetingLine {
  meetingId: number;
  kind: SummaryMeetingKind;
  thematic: boolean;
  date: string;
  expected: number;
  present: number;
  rate: number | null;
  quorum: { expectedFull: number; presentFull: number; required: number; met: boolean };
}

export interface Cadence {
  /** Months of the period that have started: each needs a regular meeting. */
  monthsDue: string[];
  monthsHeld: string[];
  /** Months already over without a regular meeting (the current month is not missed yet). */
  monthsMissed: string[];
  quartersDue: string[];
  quartersHeld: string[];
  quartersMissed: string[];
}

export interface MemberLine {
  memberId: number;
  fullName: string;
  membership: 'full' | 'probationary';
  /** Joined or left inside the period. */
  joinedInPeriod: boolean;
  leftInPeriod: boolean;
  /** Exempt from activities at some time in the period. */
  exempt: boolean;
  expected: number;
  present: number;
  excused: number;
  unexcused: number;
  duesMonths: number;
  duesPaidMonths: number;
  duesOwedMonths: number;
  duesOwed: number;
  duesPaid: number;
  assignments: number;
  assignmentsOnTime: number;
  assignmentsLate: number;
  pledged: boolean;
  /** null when no self-criticism was due in the period. */
  reviewed: boolean | null;
  openFeedback: number;
  /** Three-month rule, in the calendar year of the period's end. */
  unexcusedMonths: number;
  unpaidMonths: number;
  score: EngagementScore | null;
}

export interface EngagementScore {
  /** 0–100, rounded. */
  total: number;
  parts: { key: ScorePart; rate: number; weight: number }[];
}

export type ScorePart = 'attendance' | 'dues' | 'assignments' | 'pledge';

export interface Summary {
  period: SummaryPeriod;
  year: number;
  meetings: MeetingLine[];
  cadence: Cadence;
  attendance: { expected: number; present: number; rate: number | null; quorumMet: number; quorumCounted: number };
  members: MemberLine[];
  dues: { due: number; paid: number; memberMonths: number; paidMemberMonths: number };
  assignments: { total: number; onTime: number; late: number; open: number };
  pledges: { registered: number; of: number };
  reviews: { submitted: number; of: number } | null;
  feedback: { open: number; anonymous: number };
  flags: { memberId: number; fullName: string; unexcusedMonths: number; unpaidMonths: number; level: 'warn' | 'threshold' }[];
  commend: MemberLine[];
  remind: MemberLine[];
}

// ---------------------------------------------------------------------------------------------
// The engagement score: an aid to the cell's own judgement, never a rating (Quy định 366).

/** Weights of the parts; a part with nothing to measure for a member is left out and the rest re-weighted. */
export const SCORE_WEIGHTS: Record<ScorePart, number> = { attendance: 40, dues: 30, assignments: 20, pledge: 10 };
/** Members at or above this score may be commended; below the remind threshold, reminded. */
export const COMMEND_AT = 90;
export const REMIND_BELOW = 60;
/** At most this many names on each list. */
export const LIST_MAX = 5;

const scoreParts = Object.keys(SCORE_WEIGHTS) as ScorePart[];

export function engagementScore(rates: Partial<Record<ScorePart, number>>): EngagementScore | null {
  const parts = scoreParts.filter((k) => rates[k] !== undefined).map((k) => ({ key: k, rate: rates[k] as number, weight: SCORE_WEIGHTS[k] }));
  const weight = parts.reduce((s, p) => s + p.weight, 0);
  if (weight === 0) return null;
  const total = Math.round((parts.reduce((s, p) => s + p.rate * p.weight, 0) / weight) * 100);
  return { total, parts };
}

// ---------------------------------------------------------------------------------------------

const within = (iso: string, p: SummaryPeriod): boolean => iso >= p.from && iso <= p.to;
/** One collator for every comparison (creating one per call is slow). */
const byName = new Intl.Collator('vi').compare;
const attendedStatus = (s: string | null): boolean => s === 'present' || s === 'late';
const unexcusedStatus = (s: string | null): boolean => s === 'unexcused';
const excusedStatus = (s: string | null): boolean => s === 'excused' || s === 'absent';

/** Members who belonged to the cell at some time in the period (pending and rejected never count). */
export function membersInPeriod(members: readonly SummaryMember[], p: SummaryPeriod): SummaryMember[] {
  return members.filter((m) => (m.joinedOn === null || m.joinedOn <= p.to) && (m.leftOn === null || m.leftOn >= p.from));
}

export function exemptIn(m: SummaryMember, p: SummaryPeriod): boolean {
  return m.exemptions.some((e) => e.from <= p.to && (e.to === null || e.to >= p.from));
}

/** Quorum: present full members against the expected full members, by the cell's rule. */
function quorumOf(expectedFull: number, presentFull: number, rule: 'half' | 'twoThirds'): MeetingLine['quorum'] {
  const required = Math.max(1, rule === 'half' ? Math.floor(expectedFull / 2) + 1 : Math.ceil((expectedFull * 2) / 3));
  return { expectedFull, presentFull, required, met: presentFull >= required };
}

export function meetingLine(m: SummaryMeeting, rule: 'half' | 'twoThirds'): MeetingLine {
  let expected = 0;
  let present = 0;
  let expectedFull = 0;
  let presentFull = 0;
  for (const a of m.attendees) {
    if (!a.expected) continue;
    const attended = attendedStatus(a.status);
    expected += 1;
    if (attended) present += 1;
    if (a.membership === 'full') {
      expectedFull += 1;
      if (attended) presentFull += 1;
    }
  }
  return {
    meetingId: m.meetingId,
    kind: m.kind,
    thematic: m.kind === 'thematic' || (m.kind === 'regular' && m.withThematic),
    date: m.date,
    expected,
    present,
    rate: expected ? present / expected : null,
    quorum: quorumOf(expectedFull, presentFull, rule),
  };
}

/** Regular meeting every month, a thematic one every quarter (domain brief, Meetings). */
export function cadence(meetings: readonly SummaryMeeting[], p: SummaryPeriod, today: string, quarterMeetings: readonly SummaryMeeting[] = meetings): Cadence {
  const current = today.slice(0, 7);
  const monthsDue = monthsOf(p).filter((m) => m <= current);
  const regularMonths = new Set(meetings.filter((m) => m.kind === 'regular').map((m) => m.date.slice(0, 7)));
  const monthsHeld = monthsDue.filter((m) => regularMonths.has(m));
  const monthsMissed = monthsDue.filter((m) => !regularMonths.has(m) && m < current);
  const currentQuarter = quarterOfMonth(current);
  const quartersDue = quartersOf(p).filter((q) => q <= currentQuarter);
  const thematicQuarters = new Set(quarterMeetings.filter((m) => m.kind === 'thematic' || (m.kind === 'regular' && m.withThematic)).map((m) => quarterOfMonth(m.date.slice(0, 7))));
  const quartersHeld = quartersDue.filter((q) => thematicQuarters.has(q));
  const quartersMissed = quartersDue.filter((q) => !thematicQuarters.has(q) && q < currentQuarter);
  return { monthsDue, monthsHeld, monthsMissed, quartersDue, quartersHeld, quartersMissed };
}

/** Three-month rule counts for one member in a calendar year (months that are over, regular meetings only). */
export function threeMonthCounts(memberId: number, yearMeetings: readonly SummaryMeeting[], yearCharges: readonly SummaryCharge[], today: string): { unexcusedMonths: number; unpaidMonths: number } {
  const t = tallies([], [], [], yearMeetings, yearCharges, today).get(memberId);
  return { unexcusedMonths: t?.absentMonths?.size ?? 0, unpaidMonths: t?.unpaidMonths?.size ?? 0 };
}

/**
 * What the summary counts for each member, gathered in one pass over each input (a cell-year is
 * thousands of attendance rows and charges) instead of one search or one copy per member.
 */
interface MemberTally {
  expected: number;
  present: number;
  excused: number;
  unexcused: number;
  /** Charges of the period with an amount due, in months already begun; of those, paid in full; what is owed; what was paid on all charges of the period. */
  duesMonths: number;
  duesPaidMonths: number;
  duesOwed: number;
  duesPaid: number;
  tasks: number;
  tasksOnTime: number;
  tasksLate: number;
  /** Three-month rule: months (of the year) with an unexcused absence from a regular meeting, and months over and not paid in full. */
  absentMonths: Set<string> | null;
  unpaidMonths: Set<string> | null;
  /** The last meeting (index) whose row was counted, per pass: a member has one row per meeting, and where a list repeats one, only the last counts (as a lookup by member would find it). */
  meetingSeen: number;
  regularSeen: number;
}

const newTally = (): MemberTally => ({ expected: 0, present: 0, excused: 0, unexcused: 0, duesMonths: 0, duesPaidMonths: 0, duesOwed: 0, duesPaid: 0, tasks: 0, tasksOnTime: 0, tasksLate: 0, absentMonths: null, unpaidMonths: null, meetingSeen: -1, regularSeen: -1 });

const isDone = (a: SummaryAssignment): boolean => a.status === 'done' || a.status === 'confirmed';

function tallies(meetings: readonly SummaryMeeting[], charges: readonly SummaryCharge[], assignments: readonly SummaryAssignment[], yearMeetings: readonly SummaryMeeting[], yearCharges: readonly SummaryCharge[], today: string): Map<number, MemberTally> {
  const out = new Map<number, MemberTally>();
  const of = (memberId: number): MemberTally => {
    let t = out.get(memberId);
    if (!t) out.set(memberId, (t = newTally()));
    return t;
  };
  const currentMonth = today.slice(0, 7);
  for (const [i, mt] of meetings.entries()) {
    for (let k = mt.attendees.length - 1; k >= 0; k--) {
      const a = mt.attendees[k] as SummaryAttendee;
      const t = of(a.memberId);
      if (t.meetingSeen === i) continue;
      t.meetingSeen = i;
      if (!a.expected) continue;
      t.expected += 1;
      if (attendedStatus(a.status)) t.present += 1;
      else if (excusedStatus(a.status)) t.excused += 1;
      else if (unexcusedStatus(a.status)) t.unexcused += 1;
    }
  }
  for (const c of charges) {
    const t = of(c.memberId);
    t.duesPaid += c.paid;
    if (c.due === null || c.due <= 0 || c.month > currentMonth) continue;
    t.duesMonths += 1;
    if (c.paid >= c.due) t.duesPaidMonths += 1;
    t.duesOwed += Math.max(0, c.due - c.paid);
  }
  for (const a of assignments) {
    const t = of(a.memberId);
    t.tasks += 1;
    if (isDone(a)) {
      if (a.doneOn !== null) {
        if (a.doneOn <= a.deadline) t.tasksOnTime += 1;
        else t.tasksLate += 1;
      }
    } else if (a.deadline < today) t.tasksLate += 1;
  }
  for (const [i, mt] of yearMeetings.entries()) {
    if (mt.kind !== 'regular') continue;
    const month = mt.date.slice(0, 7);
    for (let k = mt.attendees.length - 1; k >= 0; k--) {
      const a = mt.attendees[k] as SummaryAttendee;
      const t = of(a.memberId);
      if (t.regularSeen === i) continue;
      t.regularSeen = i;
      if (a.expected && unexcusedStatus(a.status)) (t.absentMonths ??= new Set()).add(month);
    }
  }
  for (const c of yearCharges) {
    if (c.month < currentMonth && c.due !== null && c.due > 0 && c.paid < c.due) (of(c.memberId).unpaidMonths ??= new Set()).add(c.month);
  }
  return out;
}

/** Amounts due in the period's months already begun, for members of the period. */
function duesDue(charges: readonly SummaryCharge[], members: ReadonlySet<number>, currentMonth: string): number {
  let due = 0;
  for (const c of charges) if (c.month <= currentMonth && c.due !== null && members.has(c.memberId)) due += c.due;
  return due;
}

export function summarise(input: SummaryInputs, removalWarnAt = 2, removalAt = 3): Summary {
  const p = input.period;
  const meetings = input.meetings.filter((m) => within(m.date, p)).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.meetingId - b.meetingId));
  const lines = meetings.map((m) => meetingLine(m, input.quorumRule));
  const year = Number(p.to.slice(0, 4));
  const people = membersInPeriod(input.members, p).sort((a, b) => byName(a.fullName, b.fullName) || a.memberId - b.memberId);
  const periodMonths = new Set(monthsOf(p));
  const charges = input.charges.filter((c) => periodMonths.has(c.month));
  const inPeriod = new Set(people.map((m) => m.memberId));
  const assignments = input.assignments.filter((a) => a.status !== 'cancelled' && within(a.deadline, p));
  const counted = tallies(meetings, charges, assignments, input.yearMeetings, input.yearCharges, input.today);
  const none = newTally();

  const memberLines: MemberLine[] = people.map((m) => {
    const t = counted.get(m.memberId) ?? none;
    const exempt = exemptIn(m, p);
    const rates: Partial<Record<ScorePart, number>> = {};
    if (t.expected > 0) rates.attendance = t.present / t.expected;
    if (t.duesMonths > 0) rates.dues = t.duesPaidMonths / t.duesMonths;
    const judged = t.tasksOnTime + t.tasksLate;
    if (judged > 0) rates.assignments = t.tasksOnTime / judged;
    if (!exempt) rates.pledge = input.pledged.has(m.memberId) ? 1 : 0;
    return {
      memberId: m.memberId,
      fullName: m.fullName,
      membership: m.membership,
      joinedInPeriod: m.joinedOn !== null && m.joinedOn > p.from && m.joinedOn <= p.to,
      leftInPeriod: m.leftOn !== null && within(m.leftOn, p),
      exempt,
      expected: t.expected,
      present: t.present,
      excused: t.excused,
      unexcused: t.unexcused,
      duesMonths: t.duesMonths,
      duesPaidMonths: t.duesPaidMonths,
      duesOwedMonths: t.duesMonths - t.duesPaidMonths,
      duesOwed: t.duesOwed,
      duesPaid: t.duesPaid,
      assignments: t.tasks,
      assignmentsOnTime: t.tasksOnTime,
      assignmentsLate: t.tasksLate,
      pledged: input.pledged.has(m.memberId),
      reviewed: input.reviewed === null || exempt || m.status === 'left' ? null : input.reviewed.has(m.memberId),
      openFeedback: input.openFeedback.get(m.memberId) ?? 0,
      unexcusedMonths: t.absentMonths?.size ?? 0,
      unpaidMonths: t.unpaidMonths?.size ?? 0,
      // Exempt members are not rated (Quy định 366), so they are on neither list.
      score: exempt || m.status === 'left' ? null : engagementScore(rates),
    };
  });

  const expected = lines.reduce((s, l) => s + l.expected, 0);
  const present = lines.reduce((s, l) => s + l.present, 0);
  const scored = memberLines.filter((m) => m.score !== null);
  const byScore = [...scored].sort((a, b) => (b.score?.total ?? 0) - (a.score?.total ?? 0) || byName(a.fullName, b.fullName));
  const flags = memberLines
    .filter((m) => m.unexcusedMonths >= removalWarnAt || m.unpaidMonths >= removalWarnAt)
    .map((m) => ({ memberId: m.memberId, fullName: m.fullName, unexcusedMonths: m.unexcusedMonths, unpaidMonths: m.unpaidMonths, level: (Math.max(m.unexcusedMonths, m.unpaidMonths) >= removalAt ? 'threshold' : 'warn') as 'warn' | 'threshold' }));
  const active = memberLines.filter((m) => !m.exempt && !m.leftInPeriod);
  return {
    period: p,
    year,
    meetings: lines,
    cadence: cadence(meetings, p, input.today, input.quarterMeetings ?? meetings),
    attendance: { expected, present, rate: expected ? present / expected : null, quorumMet: lines.filter((l) => l.quorum.met).length, quorumCounted: lines.length },
    members: memberLines,
    dues: {
      due: duesDue(charges, inPeriod, input.today.slice(0, 7)),
      paid: memberLines.reduce((s, m) => s + m.duesPaid, 0),
      memberMonths: memberLines.reduce((s, m) => s + m.duesMonths, 0),
      paidMemberMonths: memberLines.reduce((s, m) => s + m.duesPaidMonths, 0),
    },
    assignments: {
      total: assignments.length,
      onTime: memberLines.reduce((s, m) => s + m.assignmentsOnTime, 0),
      late: memberLines.reduce((s, m) => s + m.assignmentsLate, 0),
      open: assignments.filter((a) => !isDone(a) && a.deadline >= input.today).length,
    },
    pledges: { registered: active.filter((m) => m.pledged).length, of: active.length },
    reviews: input.reviewed === null ? null : { submitted: active.filter((m) => m.reviewed === true).length, of: active.length },
    feedback: { open: memberLines.reduce((s, m) => s + m.openFeedback, 0), anonymous: input.anonymousFeedback },
    flags,
    commend: byScore.filter((m) => (m.score?.total ?? 0) >= COMMEND_AT).slice(0, LIST_MAX),
    remind: [...byScore].reverse().filter((m) => (m.score?.total ?? 100) < REMIND_BELOW).slice(0, LIST_MAX),
  };
}

/** Percent as shown: "92 %"; null → "—". */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)} %`;
}
