import { describe, expect, it } from 'vitest';
import { cadence, daysBetween, engagementScore, exemptIn, meetingLine, membersInPeriod, monthsOf, parseRange, percent, periodOf, quartersOf, summarise, threeMonthCounts, type SummaryInputs, type SummaryMeeting, type SummaryMember } from './summary.js';

describe('periods', () => {
  it('this month, last month (across the new year), quarter, half-year and year', () => {
    expect(periodOf('month', '2026-02-10')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(periodOf('month', '2028-02-10')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(periodOf('lastMonth', '2026-01-05')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(periodOf('lastMonth', '2026-03-31')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(periodOf('quarter', '2026-05-20')).toEqual({ from: '2026-04-01', to: '2026-06-30' });
    expect(periodOf('quarter', '2026-12-31')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodOf('half', '2026-06-30')).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(periodOf('half', '2026-07-01')).toEqual({ from: '2026-07-01', to: '2026-12-31' });
    expect(periodOf('year', '2026-11-24')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
  });

  it('typed ranges: the usual forms, and refusals that change nothing', () => {
    expect(parseRange('01/01/2026-30/06/2026')).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(parseRange(' 1/1/2026 - 30/6/2026 ')).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(parseRange('01/01/2026 đến 31/03/2026')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(parseRange('01/01/2026–01/01/2026')).toEqual({ from: '2026-01-01', to: '2026-01-01' });
    expect(parseRange('30/06/2026-01/01/2026')).toBeNull();
    expect(parseRange('31/02/2026-01/03/2026')).toBeNull();
    expect(parseRange('01/01/2000-01/01/2026')).toBeNull();
    expect(parseRange('hôm qua')).toBeNull();
    expect(parseRange('')).toBeNull();
    expect(daysBetween('2026-01-01', '2026-12-31')).toBe(364);
  });

  it('months and quarters a period touches', () => {
    expect(monthsOf({ from: '2025-11-15', to: '2026-02-01' })).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(quartersOf({ from: '2025-11-15', to: '2026-04-01' })).toEqual(['2025-Q4', '2026-Q1', '2026-Q2']);
    expect(percent(null)).toBe('—');
    expect(percent(2 / 3)).toBe('67 %');
  });
});

const mem = (memberId: number, patch: Partial<SummaryMember> = {}): SummaryMember => ({ memberId, fullName: `M${memberId}`, membership: 'full', status: 'active', joinedOn: '2020-01-01', leftOn: null, exemptions: [], ...patch });
const meeting = (meetingId: number, date: string, kind: SummaryMeeting['kind'], attendees: [number, boolean, string | null][], withThematic = false): SummaryMeeting => ({
  meetingId,
  kind,
  withThematic,
  date,
  attendees: attendees.map(([memberId, expected, status]) => ({ memberId, membership: 'full', expected, status })),
});

describe('members in a period', () => {
  const p = { from: '2026-01-01', to: '2026-03-31' };
  it('counts those who joined or left inside it, not those outside it', () => {
    const list = [mem(1), mem(2, { joinedOn: '2026-02-10' }), mem(3, { status: 'left', leftOn: '2026-01-15' }), mem(4, { joinedOn: '2026-04-01' }), mem(5, { status: 'left', leftOn: '2025-12-31' }), mem(6, { joinedOn: null })];
    expect(membersInPeriod(list, p).map((m) => m.memberId)).toEqual([1, 2, 3, 6]);
  });
  it('exempt when any exemption overlaps the period', () => {
    expect(exemptIn(mem(1, { exemptions: [{ from: '2026-03-31', to: null }] }), p)).toBe(true);
    expect(exemptIn(mem(1, { exemptions: [{ from: '2025-01-01', to: '2025-12-31' }] }), p)).toBe(false);
    expect(exemptIn(mem(1, { exemptions: [{ from: '2025-01-01', to: '2026-01-01' }] }), p)).toBe(true);
  });
});

describe('cadence: a regular meeting every month, a thematic one every quarter', () => {
  const year = { from: '2026-01-01', to: '2026-12-31' };
  it('months not yet started are not due; the running month is not missed yet', () => {
    const c = cadence([meeting(1, '2026-01-10', 'regular', []), meeting(2, '2026-03-10', 'regular', [], true)], year, '2026-04-15');
    expect(c.monthsDue).toEqual(['2026-01', '2026-02', '2026-03', '2026-04']);
    expect(c.monthsHeld).toEqual(['2026-01', '2026-03']);
    expect(c.monthsMissed).toEqual(['2026-02']);
    expect(c.quartersDue).toEqual(['2026-Q1', '2026-Q2']);
    expect(c.quartersHeld).toEqual(['2026-Q1']);
    expect(c.quartersMissed).toEqual([]);
  });
  it('a thematic meeting never stands in for the monthly one; extraordinary meetings count for neither', () => {
    const c = cadence([meeting(1, '2026-01-10', 'thematic', []), meeting(2, '2026-02-10', 'extraordinary', [])], { from: '2026-01-01', to: '2026-03-31' }, '2026-12-01');
    expect(c.monthsHeld).toEqual([]);
    expect(c.monthsMissed).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(c.quartersHeld).toEqual(['2026-Q1']);
  });
  it('a thematic meeting elsewhere in the quarter counts for a one-month period', () => {
    const c = cadence([meeting(2, '2026-03-10', 'regular', [])], { from: '2026-03-01', to: '2026-03-31' }, '2026-12-01', [meeting(1, '2026-02-10', 'thematic', []), meeting(2, '2026-03-10', 'regular', [])]);
    expect(c.quartersHeld).toEqual(['2026-Q1']);
    expect(c.monthsHeld).toEqual(['2026-03']);
  });
});

describe('meeting lines and quorum', () => {
  it('late counts as present; exempt attendees are not expected; quorum by the cell rule', () => {
    const m = meeting(1, '2026-01-10', 'regular', [
      [1, true, 'present'],
      [2, true, 'late'],
      [3, true, 'unexcused'],
      [4, false, 'present'],
    ]);
    expect(meetingLine(m, 'half')).toMatchObject({ expected: 3, present: 2, quorum: { expectedFull: 3, presentFull: 2, required: 2, met: true } });
    expect(meetingLine(m, 'twoThirds').quorum).toEqual({ expectedFull: 3, presentFull: 2, required: 2, met: true });
    const few = meeting(2, '2026-02-10', 'regular', [
      [1, true, 'present'],
      [2, true, 'excused'],
      [3, true, 'unexcused'],
    ]);
    expect(meetingLine(few, 'half').quorum.met).toBe(false);
    expect(meetingLine(meeting(3, '2026-02-10', 'regular', []), 'half')).toMatchObject({ expected: 0, rate: null, quorum: { required: 1, met: false } });
  });
});

describe('three-month rule', () => {
  it('distinct months, regular meetings only, unexcused only; unpaid months that are over', () => {
    const ms = [
      meeting(1, '2026-01-10', 'regular', [[1, true, 'unexcused']]),
      meeting(2, '2026-01-20', 'extraordinary', [[1, true, 'unexcused']]),
      meeting(3, '2026-02-10', 'thematic', [[1, true, 'unexcused']]),
      meeting(4, '2026-03-10', 'regular', [[1, true, 'excused']]),
      meeting(5, '2026-04-10', 'regular', [[1, true, 'unexcused']]),
      meeting(6, '2026-05-10', 'regular', [[1, false, 'exempt']]),
    ];
    const charges = [
      { memberId: 1, month: '2026-01', due: 50_000, paid: 0 },
      { memberId: 1, month: '2026-02', due: 50_000, paid: 20_000 },
      { memberId: 1, month: '2026-03', due: 0, paid: 0 },
      { memberId: 1, month: '2026-04', due: null, paid: 0 },
      { memberId: 1, month: '2026-05', due: 50_000, paid: 0 },
      { memberId: 2, month: '2026-01', due: 50_000, paid: 0 },
    ];
    expect(threeMonthCounts(1, ms, charges, '2026-05-20')).toEqual({ unexcusedMonths: 2, unpaidMonths: 2 });
    expect(threeMonthCounts(1, ms, charges, '2026-06-01')).toEqual({ unexcusedMonths: 2, unpaidMonths: 3 });
  });
});

describe('engagement score', () => {
  it('weights 40/30/20/10, leaving out parts with nothing to measure', () => {
    expect(engagementScore({ attendance: 1, dues: 1, assignments: 1, pledge: 1 })?.total).toBe(100);
    expect(engagementScore({ attendance: 0.5, dues: 1, assignments: 0, pledge: 0 })?.total).toBe(50);
    expect(engagementScore({ attendance: 1, dues: 1, pledge: 0 })?.total).toBe(88);
    expect(engagementScore({ pledge: 1 })?.total).toBe(100);
    expect(engagementScore({})).toBeNull();
  });
});

describe('summarise', () => {
  const base = (patch: Partial<SummaryInputs>): SummaryInputs => ({
    period: { from: '2026-01-01', to: '2026-03-31' },
    today: '2026-11-24',
    quorumRule: 'half',
    members: [],
    meetings: [],
    charges: [],
    assignments: [],
    pledged: new Set(),
    reviewed: null,
    openFeedback: new Map(),
    anonymousFeedback: 0,
    yearMeetings: [],
    yearCharges: [],
    ...patch,
  });

  it('exempt and departed members are on neither list; flags at 2 (warn) and 3 (threshold)', () => {
    const ms = [1, 2, 3].map((i) =>
      meeting(i, `2026-0${i}-10`, 'regular', [
        [1, true, 'present'],
        [2, true, 'unexcused'],
        [3, false, 'exempt'],
        [4, true, i < 3 ? 'unexcused' : null],
      ]),
    );
    const s = summarise(
      base({
        members: [mem(1), mem(2), mem(3, { exemptions: [{ from: '2025-01-01', to: null }] }), mem(4, { status: 'left', leftOn: '2026-02-28' })],
        meetings: ms,
        yearMeetings: ms,
        pledged: new Set([1]),
        reviewed: new Set([1, 3]),
      }),
    );
    expect(s.commend.map((m) => m.memberId)).toEqual([1]);
    expect(s.remind.map((m) => m.memberId)).toEqual([2]);
    expect(s.members.find((m) => m.memberId === 3)).toMatchObject({ exempt: true, score: null, reviewed: null, expected: 0 });
    expect(s.members.find((m) => m.memberId === 4)).toMatchObject({ leftInPeriod: true, score: null, reviewed: null });
    expect(s.flags).toEqual([
      { memberId: 2, fullName: 'M2', unexcusedMonths: 3, unpaidMonths: 0, level: 'threshold' },
      { memberId: 4, fullName: 'M4', unexcusedMonths: 2, unpaidMonths: 0, level: 'warn' },
    ]);
    expect(s.pledges).toEqual({ registered: 1, of: 2 });
    expect(s.reviews).toEqual({ submitted: 1, of: 2 });
  });

  it('tasks: on time, late when done after the deadline or still open after it, cancelled ignored', () => {
    const s = summarise(
      base({
        today: '2026-03-15',
        members: [mem(1)],
        assignments: [
          { memberId: 1, deadline: '2026-01-31', status: 'confirmed', doneOn: '2026-01-31' },
          { memberId: 1, deadline: '2026-01-31', status: 'done', doneOn: '2026-02-01' },
          { memberId: 1, deadline: '2026-02-28', status: 'blocked', doneOn: null },
          { memberId: 1, deadline: '2026-03-31', status: 'accepted', doneOn: null },
          { memberId: 1, deadline: '2026-02-01', status: 'cancelled', doneOn: null },
          { memberId: 1, deadline: '2026-04-01', status: 'open', doneOn: null },
        ],
      }),
    );
    expect(s.assignments).toEqual({ total: 4, onTime: 1, late: 2, open: 1 });
  });

  it('dues: months after today are not yet due; amounts owed and paid', () => {
    const s = summarise(
      base({
        today: '2026-02-10',
        members: [mem(1)],
        charges: [
          { memberId: 1, month: '2026-01', due: 50_000, paid: 50_000 },
          { memberId: 1, month: '2026-02', due: 50_000, paid: 0 },
          { memberId: 1, month: '2026-03', due: 50_000, paid: 0 },
        ],
      }),
    );
    expect(s.members[0]).toMatchObject({ duesMonths: 2, duesPaidMonths: 1, duesOwed: 50_000, duesPaid: 50_000 });
    expect(s.dues).toEqual({ due: 100_000, paid: 50_000, memberMonths: 2, paidMemberMonths: 1 });
  });
});
