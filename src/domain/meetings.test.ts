import { describe, expect, it } from 'vitest';
import {
  attendanceHeader,
  checkInStatus,
  checkInWindow,
  codeSlot,
  codeValidUntil,
  dueOccurrences,
  dueReminder,
  invitationTime,
  isCheckInOpen,
  minimumMinutes,
  normaliseCheckInCode,
  occurrenceDate,
  patternsFrom,
  planWarnings,
  quarterWarning,
  quorum,
  quorumRequired,
  quorumUnreachable,
  reconcile,
  reminderAudience,
  reminderSlots,
  removalLevel,
  statusAfterVerdict,
  statusAtClose,
  unexcusedMonths,
  type AttendeeFacts,
  type PlannedMeeting,
} from './meetings.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, zonedInstant } from './meetings-time.js';
import { rulesOn } from './rules.js';

const HCM = 'Asia/Ho_Chi_Minh';
const quiet = { from: '21:00', to: '07:00' };
const rules = rulesOn('2026-11-01');
const at = (date: string, time: string, tz = HCM) => zonedInstant(date, time, tz);

describe('planning warnings (Hướng dẫn 42-HD/BTCTW)', () => {
  const start = at('2026-11-26', '14:00');
  const base: PlannedMeeting = { kind: 'regular', withThematic: false, startsAt: start, durationMinutes: 90 };

  it('needs 90 minutes, 120 with a thematic part in the same session', () => {
    expect(minimumMinutes({ kind: 'regular', withThematic: false }, rules)).toBe(90);
    expect(minimumMinutes({ kind: 'regular', withThematic: true }, rules)).toBe(120);
    expect(minimumMinutes({ kind: 'thematic', withThematic: false }, rules)).toBe(90);
    const codes = (m: typeof base) => planWarnings(m, start - 3 * DAY_MS, HCM, rules, true).map((w) => w.code);
    expect(codes(base)).toEqual([]);
    expect(codes({ ...base, durationMinutes: 89 })).toEqual(['tooShort']);
    expect(codes({ ...base, withThematic: true, durationMinutes: 90 })).toEqual(['tooShort']);
    expect(codes({ ...base, withThematic: true, durationMinutes: 120 })).toEqual([]);
    expect(planWarnings({ ...base, durationMinutes: 60 }, start - 3 * DAY_MS, HCM, rules, true)[0]).toEqual({ code: 'tooShort', minimum: 90, planned: 60 });
    // A committee meeting has no minimum length in the rules.
    expect(codes({ ...base, kind: 'committee', durationMinutes: 45 })).toEqual([]);
  });

  it('warns when the first invitation goes out less than 24 hours ahead', () => {
    const w = (lead: number) => planWarnings(base, start - lead, HCM, rules, true).filter((x) => x.code === 'lateNotice');
    expect(w(24 * HOUR_MS)).toEqual([]);
    expect(w(24 * HOUR_MS - MINUTE_MS)).toEqual([{ code: 'lateNotice', hours: 23, noticeHours: 24 }]);
    expect(w(2 * HOUR_MS)).toEqual([{ code: 'lateNotice', hours: 2, noticeHours: 24 }]);
  });

  it('warns when the quarter ends within 30 days without a thematic meeting', () => {
    const dec = { ...base, startsAt: at('2026-12-10', '14:00') };
    expect(planWarnings(base, start - 3 * DAY_MS, HCM, rules, false)).toEqual([]); // 35 days left
    expect(planWarnings(dec, dec.startsAt - 3 * DAY_MS, HCM, rules, false)).toEqual([{ code: 'quarterWithoutThematic', daysLeft: 21 }]);
    expect(planWarnings({ ...dec, kind: 'thematic' }, dec.startsAt - 3 * DAY_MS, HCM, rules, false)).toEqual([]);
    expect(planWarnings({ ...dec, withThematic: true, durationMinutes: 120 }, dec.startsAt - 3 * DAY_MS, HCM, rules, false)).toEqual([]);
    expect(quarterWarning('2026-11-30', false)).toBeNull(); // 31 days left
    expect(quarterWarning('2026-12-01', false)).toEqual({ code: 'quarterWithoutThematic', daysLeft: 30 });
    expect(quarterWarning('2026-12-31', false)).toEqual({ code: 'quarterWithoutThematic', daysLeft: 0 });
    expect(quarterWarning('2026-12-31', true)).toBeNull();
    expect(quarterWarning('2026-03-15', false, 14)).toBeNull();
    expect(quarterWarning('2026-03-17', false, 14)).toEqual({ code: 'quarterWithoutThematic', daysLeft: 14 });
  });
});

describe('recurring regular meeting', () => {
  it('falls on day N, clamped to the month end', () => {
    expect(occurrenceDate({ type: 'dayOfMonth', day: 5 }, 2026, 11)).toBe('2026-11-05');
    expect(occurrenceDate({ type: 'dayOfMonth', day: 31 }, 2026, 11)).toBe('2026-11-30');
    expect(occurrenceDate({ type: 'dayOfMonth', day: 31 }, 2026, 2)).toBe('2026-02-28');
    expect(occurrenceDate({ type: 'dayOfMonth', day: 30 }, 2028, 2)).toBe('2028-02-29');
  });

  it('falls on the nth or last weekday of the month', () => {
    expect(occurrenceDate({ type: 'nthWeekday', nth: 1, weekday: 5 }, 2026, 11)).toBe('2026-11-06'); // first Friday
    expect(occurrenceDate({ type: 'nthWeekday', nth: 1, weekday: 0 }, 2026, 11)).toBe('2026-11-01'); // the 1st is a Sunday
    expect(occurrenceDate({ type: 'nthWeekday', nth: 4, weekday: 4 }, 2026, 11)).toBe('2026-11-26');
    expect(occurrenceDate({ type: 'nthWeekday', nth: -1, weekday: 1 }, 2026, 11)).toBe('2026-11-30'); // last Monday
    expect(occurrenceDate({ type: 'nthWeekday', nth: -1, weekday: 6 }, 2026, 2)).toBe('2026-02-28');
  });

  it('reads both patterns off a chosen date', () => {
    expect(patternsFrom('2026-11-06')).toEqual({ dayOfMonth: { type: 'dayOfMonth', day: 6 }, nthWeekday: { type: 'nthWeekday', nth: 1, weekday: 5 } });
    expect(patternsFrom('2026-11-26').nthWeekday).toEqual({ type: 'nthWeekday', nth: 4, weekday: 4 });
    expect(patternsFrom('2026-11-30').nthWeekday).toEqual({ type: 'nthWeekday', nth: -1, weekday: 1 });
  });

  it('creates each month ahead of time, once the lead time is reached, across the year end', () => {
    const p = { type: 'dayOfMonth' as const, day: 5 };
    expect(dueOccurrences(p, '14:00', at('2026-11-27', '10:00'), HCM)).toEqual([]);
    expect(dueOccurrences(p, '14:00', at('2026-11-28', '14:00'), HCM)).toEqual([{ month: '2026-12', startsAt: at('2026-12-05', '14:00') }]);
    expect(dueOccurrences(p, '14:00', at('2026-12-29', '14:00'), HCM)).toEqual([{ month: '2027-01', startsAt: at('2027-01-05', '14:00') }]);
    // The day itself before the start: this month's is still due; after the start it is not.
    expect(dueOccurrences(p, '14:00', at('2026-12-05', '13:00'), HCM)).toEqual([{ month: '2026-12', startsAt: at('2026-12-05', '14:00') }]);
    expect(dueOccurrences(p, '14:00', at('2026-12-05', '15:00'), HCM)).toEqual([]);
    // Occurrences before the rule existed are never created.
    expect(dueOccurrences(p, '14:00', at('2026-12-01', '10:00'), HCM, 7, at('2026-12-10', '00:00'))).toEqual([]);
  });
});

describe('reminders', () => {
  const offsets = [4320, 1440, 120];
  const start = at('2026-11-26', '14:00');

  it('are due 3 days, 1 day and 2 hours before, the last one final', () => {
    expect(reminderSlots(start, offsets, HCM, quiet)).toEqual([
      { offset: 4320, dueAt: start - 3 * DAY_MS, final: false },
      { offset: 1440, dueAt: start - DAY_MS, final: false },
      { offset: 120, dueAt: start - 2 * HOUR_MS, final: true },
    ]);
  });

  it('move out of quiet hours, never dropped', () => {
    const early = at('2026-11-26', '08:00');
    const slots = reminderSlots(early, offsets, HCM, quiet);
    // 2 hours before 08:00 is 06:00 (quiet) → 07:00.
    expect(slots[2]?.dueAt).toBe(at('2026-11-26', '07:00'));
    const veryEarly = at('2026-11-26', '06:30');
    expect(reminderSlots(veryEarly, offsets, HCM, quiet)[2]?.dueAt).toBe(at('2026-11-25', '20:59'));
    const late = at('2026-11-26', '22:30');
    // 3 days and 1 day before 22:30 fall in quiet hours → the next morning at 07:00.
    expect(reminderSlots(late, offsets, HCM, quiet).map((s) => s.dueAt)).toEqual([at('2026-11-24', '07:00'), at('2026-11-26', '07:00'), at('2026-11-26', '20:30')]);
  });

  it('ignore nonsense offsets and duplicates', () => {
    expect(reminderSlots(start, [120, 120, 0, -5], HCM, quiet)).toEqual([{ offset: 120, dueAt: start - 2 * HOUR_MS, final: true }]);
  });

  it('send the latest due slot after the invitation, before the start, outside quiet hours', () => {
    const slots = reminderSlots(start, offsets, HCM, quiet);
    const invited = start - 5 * DAY_MS;
    const due = (now: number) => dueReminder(slots, start, invited, now, HCM, quiet)?.offset ?? null;
    expect(due(start - 3 * DAY_MS - MINUTE_MS)).toBeNull();
    expect(due(start - 3 * DAY_MS)).toBe(4320);
    // A 3-day reminder missed by an hour is still sent.
    expect(due(start - 3 * DAY_MS + HOUR_MS)).toBe(4320);
    expect(due(start - DAY_MS)).toBe(1440);
    // After two days of downtime only the latest due slot goes out.
    expect(due(start - 3 * HOUR_MS)).toBe(1440);
    expect(due(start - 2 * HOUR_MS)).toBe(120);
    expect(due(start - MINUTE_MS)).toBe(120);
    // Never once the meeting has started.
    expect(due(start)).toBeNull();
    expect(due(start + HOUR_MS)).toBeNull();
  });

  it('are not sent in quiet hours, even when overdue; they wait for the morning', () => {
    const evening = at('2026-11-26', '19:00');
    const slots = reminderSlots(evening, offsets, HCM, quiet);
    expect(dueReminder(slots, evening, evening - 5 * DAY_MS, at('2026-11-23', '22:00'), HCM, quiet)).toBeNull();
    expect(dueReminder(slots, evening, evening - 5 * DAY_MS, at('2026-11-24', '07:00'), HCM, quiet)?.offset).toBe(4320);
  });

  it('skip slots that came before the invitation', () => {
    const slots = reminderSlots(start, offsets, HCM, quiet);
    const invited = start - 2 * DAY_MS; // created two days ahead: the 3-day reminder makes no sense
    expect(dueReminder(slots, start, invited, start - 2 * DAY_MS + HOUR_MS, HCM, quiet)).toBeNull();
    expect(dueReminder(slots, start, invited, start - DAY_MS, HCM, quiet)?.offset).toBe(1440);
    expect(dueReminder(slots, start, start - HOUR_MS, start - 30 * MINUTE_MS, HCM, quiet)).toBeNull();
  });

  it('go to those who have not answered or are unsure, and finally to those who will attend', () => {
    expect(reminderAudience(null, false)).toBe('nudge');
    expect(reminderAudience('maybe', false)).toBe('nudge');
    expect(reminderAudience('attend', false)).toBeNull();
    expect(reminderAudience('absent', false)).toBeNull();
    expect(reminderAudience(null, true)).toBe('nudge');
    expect(reminderAudience('attend', true)).toBe('final');
    expect(reminderAudience('absent', true)).toBeNull();
  });

  it('let invitations wait for the morning only when there is time', () => {
    const night = at('2026-11-25', '22:00');
    expect(invitationTime(night, at('2026-11-28', '14:00'), HCM, quiet)).toBe(at('2026-11-26', '07:00'));
    expect(invitationTime(night, at('2026-11-26', '06:30'), HCM, quiet)).toBe(night);
    expect(invitationTime(at('2026-11-25', '10:00'), at('2026-11-28', '14:00'), HCM, quiet)).toBe(at('2026-11-25', '10:00'));
  });
});

describe('check-in window', () => {
  const start = at('2026-11-26', '14:00');
  const w = checkInWindow(start, 30, 60);

  it('opens 30 minutes before and closes 60 after the start', () => {
    expect(w).toEqual({ opensAt: start - 30 * MINUTE_MS, closesAt: start + 60 * MINUTE_MS });
    expect(isCheckInOpen(w, start - 31 * MINUTE_MS)).toBe(false);
    expect(isCheckInOpen(w, start - 30 * MINUTE_MS)).toBe(true);
    expect(isCheckInOpen(w, start + 59 * MINUTE_MS)).toBe(true);
    expect(isCheckInOpen(w, start + 60 * MINUTE_MS)).toBe(false);
  });

  it('marks check-ins after the start late', () => {
    expect(checkInStatus(start - MINUTE_MS, start)).toBe('present');
    expect(checkInStatus(start, start)).toBe('present');
    expect(checkInStatus(start + 1, start)).toBe('late');
    expect(checkInStatus(start + 4 * MINUTE_MS, start, 5)).toBe('present');
  });

  it('rotates codes every five minutes and accepts the previous one', () => {
    const slot = codeSlot(start);
    expect(codeSlot(start + 5 * MINUTE_MS)).toBe(slot + 1);
    expect(codeValidUntil(slot)).toBeGreaterThan(start + 5 * MINUTE_MS);
    expect(codeValidUntil(slot)).toBeLessThanOrEqual(start + 10 * MINUTE_MS);
    expect(normaliseCheckInCode('482 913')).toBe('482913');
    expect(normaliseCheckInCode('482-913')).toBe('482913');
    expect(normaliseCheckInCode('48291')).toBeNull();
    expect(normaliseCheckInCode('abc123')).toBeNull();
  });
});

const person = (over: Partial<AttendeeFacts> & { memberId: number }): AttendeeFacts => ({
  fullName: `Đảng viên ${over.memberId}`,
  membership: 'full',
  expected: true,
  exempt: false,
  rsvp: null,
  status: null,
  reason: null,
  verdict: null,
  ...over,
});

describe('statuses at close and after a verdict', () => {
  it('gives each absentee their status', () => {
    expect(statusAtClose(person({ memberId: 1, status: 'late' }))).toBe('late');
    expect(statusAtClose(person({ memberId: 1 }))).toBe('unexcused');
    expect(statusAtClose(person({ memberId: 1, reason: 'ốm' }))).toBe('absent');
    expect(statusAtClose(person({ memberId: 1, reason: 'ốm', verdict: 'accepted' }))).toBe('excused');
    expect(statusAtClose(person({ memberId: 1, reason: 'ốm', verdict: 'rejected' }))).toBe('unexcused');
    expect(statusAtClose(person({ memberId: 1, expected: false, exempt: true }))).toBe('exempt');
    expect(statusAtClose(person({ memberId: 1, expected: false }))).toBeNull();
  });

  it('applies a verdict only to those who did not attend, after the close', () => {
    expect(statusAfterVerdict('absent', 'accepted')).toBe('excused');
    expect(statusAfterVerdict('unexcused', 'accepted')).toBe('excused');
    expect(statusAfterVerdict('absent', 'rejected')).toBe('unexcused');
    expect(statusAfterVerdict('excused', 'rejected')).toBe('unexcused');
    expect(statusAfterVerdict('present', 'rejected')).toBe('present');
    expect(statusAfterVerdict(null, 'accepted')).toBeNull();
  });
});

describe('quorum (more than half, or two thirds, of expected full members)', () => {
  it.each([
    [0, 'half', 1],
    [1, 'half', 1],
    [2, 'half', 2],
    [3, 'half', 2],
    [4, 'half', 3],
    [9, 'half', 5],
    [10, 'half', 6],
    [0, 'twoThirds', 1],
    [3, 'twoThirds', 2],
    [4, 'twoThirds', 3],
    [9, 'twoThirds', 6],
    [10, 'twoThirds', 7],
  ] as const)('%i expected, %s → %i needed', (expected, rule, needed) => {
    expect(quorumRequired(expected, rule)).toBe(needed);
  });

  it('is met exactly at the threshold for every size up to 30', () => {
    for (const rule of ['half', 'twoThirds'] as const) {
      for (let n = 1; n <= 30; n++) {
        const required = quorumRequired(n, rule);
        for (let present = 0; present <= n; present++) {
          const people = Array.from({ length: n }, (_, i) => person({ memberId: i, status: i < present ? 'present' : 'unexcused' }));
          const q = quorum(people, rule);
          expect(q.met, `${rule} ${present}/${n}`).toBe(present >= required);
          expect(rule === 'half' ? present * 2 > n : present * 3 >= n * 2).toBe(present >= required);
        }
      }
    }
  });

  it('counts only expected full members: probationary attend but do not count; exempt are not expected; late counts', () => {
    const people = [
      person({ memberId: 1, status: 'present' }),
      person({ memberId: 2, status: 'late' }),
      person({ memberId: 3, status: 'unexcused' }),
      person({ memberId: 4, status: 'excused' }),
      person({ memberId: 5, membership: 'probationary', status: 'present' }),
      person({ memberId: 6, membership: 'probationary', status: 'present' }),
      person({ memberId: 7, expected: false, exempt: true, status: 'present' }),
      person({ memberId: 8, expected: false, exempt: true, status: 'exempt' }),
    ];
    expect(quorum(people, 'half')).toEqual({ expectedFull: 4, presentFull: 2, required: 3, met: false });
    expect(quorum([...people, person({ memberId: 9, status: 'present' })], 'half')).toEqual({ expectedFull: 5, presentFull: 3, required: 3, met: true });
  });

  it('is unreachable before the meeting when too many full members said they will be absent', () => {
    const five = (absent: number) => Array.from({ length: 5 }, (_, i) => person({ memberId: i, rsvp: i < absent ? 'absent' : i === 4 ? 'maybe' : null }));
    expect(quorumUnreachable(five(2), 'half')).toBe(false);
    expect(quorumUnreachable(five(3), 'half')).toBe(true);
    expect(quorumUnreachable(five(1), 'twoThirds')).toBe(false);
    expect(quorumUnreachable(five(2), 'twoThirds')).toBe(true);
    // Probationary answers do not matter.
    expect(quorumUnreachable([...five(2), person({ memberId: 9, membership: 'probationary', rsvp: 'absent' })], 'half')).toBe(false);
  });
});

describe('reconciliation and the minutes header', () => {
  const people = [
    person({ memberId: 1, fullName: 'Nguyễn Văn An', rsvp: 'attend', status: 'present' }),
    person({ memberId: 2, fullName: 'Trần Thị Bình', rsvp: 'attend', status: 'late' }),
    person({ memberId: 3, fullName: 'Lê Văn Cường', rsvp: null, status: 'present' }),
    person({ memberId: 4, fullName: 'Phạm Thị Dung', rsvp: 'attend', status: 'unexcused' }),
    person({ memberId: 5, fullName: 'Hoàng Văn Em', rsvp: 'maybe', status: 'unexcused' }),
    person({ memberId: 6, fullName: 'Đỗ Thị Giang', rsvp: 'absent', reason: 'công tác', status: 'absent' }),
    person({ memberId: 7, fullName: 'Vũ Văn Hải', rsvp: 'absent', reason: 'ốm', verdict: 'accepted', status: 'excused' }),
    person({ memberId: 8, fullName: 'Bùi Văn Khoa', membership: 'probationary', rsvp: 'absent', status: 'present' }),
    person({ memberId: 9, fullName: 'Ngô Thị Lan', expected: false, exempt: true, status: 'exempt' }),
    person({ memberId: 10, fullName: 'Đinh Văn Minh', expected: false, exempt: true, status: 'present' }),
  ];

  it('sorts everyone into attended, came without saying, excused and no-show', () => {
    const r = reconcile(people);
    const ids = (l: AttendeeFacts[]) => l.map((x) => x.memberId);
    expect(ids(r.attended)).toEqual([1, 2]);
    expect(ids(r.attendedWithoutRsvp)).toEqual([3, 8, 10]);
    expect(ids(r.excused)).toEqual([6, 7]);
    expect(ids(r.noShow)).toEqual([4, 5]);
  });

  it('gives totals of full and probationary members, exempt, present, and absentees by name with and without reason', () => {
    expect(attendanceHeader(people)).toEqual({
      total: 10,
      full: 9,
      probationary: 1,
      exempt: 2,
      present: 5,
      absentWithReason: ['Đỗ Thị Giang', 'Vũ Văn Hải'],
      absentWithoutReason: ['Hoàng Văn Em', 'Phạm Thị Dung'],
    });
  });
});

describe('the three-month rule', () => {
  const r = (date: string, status: AbsenceRecord['status'], kind: AbsenceRecord['kind'] = 'regular') => ({ date, status, kind });
  type AbsenceRecord = Parameters<typeof unexcusedMonths>[0][number];

  it('counts distinct months with an unexcused absence from the regular meeting, not necessarily consecutive', () => {
    const records = [
      r('2026-01-05', 'unexcused'),
      r('2026-01-20', 'unexcused', 'extraordinary'),
      r('2026-03-05', 'unexcused'),
      r('2026-03-25', 'unexcused'),
      r('2026-04-05', 'excused'),
      r('2026-05-05', 'absent'),
      r('2026-06-05', 'present'),
      r('2026-07-05', 'unexcused', 'thematic'),
      r('2025-12-05', 'unexcused'),
      r('2026-09-05', 'unexcused'),
    ];
    expect(unexcusedMonths(records, 2026)).toEqual(['2026-01', '2026-03', '2026-09']);
    expect(unexcusedMonths(records, 2025)).toEqual(['2025-12']);
  });

  it('tells the secretary at 2 and at 3 months', () => {
    expect(removalLevel(0, rules)).toBeNull();
    expect(removalLevel(1, rules)).toBeNull();
    expect(removalLevel(2, rules)).toBe('warn');
    expect(removalLevel(3, rules)).toBe('threshold');
    expect(removalLevel(5, rules)).toBe('threshold');
  });
});
