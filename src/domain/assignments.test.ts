import { describe, expect, it } from 'vitest';
import {
  assignmentEvents,
  assignmentStatuses,
  checkDeadline,
  checkDoneOn,
  checkNote,
  checkTitle,
  completionDay,
  deadlineEnd,
  dueReminder,
  isActive,
  isCompleted,
  isFinished,
  isLateCompletion,
  nextStatus,
  outcomeOf,
  overdueAt,
  overdueDue,
  parseDeadline,
  quickDeadlines,
  reminderSlots,
  stateOf,
  tally,
  tallyByMember,
  type AssignmentEvent,
  type AssignmentStatus,
  type TaskFacts,
} from './assignments.js';

const HCM = 'Asia/Ho_Chi_Minh';
const NY = 'America/New_York';
const quiet = { from: '21:00', to: '07:00' };
const noQuiet = { from: '00:00', to: '00:00' };
/** An instant given as UTC wall time. */
const utc = (iso: string): number => Date.parse(`${iso}Z`);
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('nextStatus: every state against every event', () => {
  // Written out independently of the module: what each press may do in each state.
  const table: Record<AssignmentStatus, Partial<Record<AssignmentEvent, AssignmentStatus>>> = {
    open: { accept: 'accepted', block: 'blocked', done: 'done', confirm: 'confirmed', cancel: 'cancelled' },
    accepted: { block: 'blocked', done: 'done', confirm: 'confirmed', cancel: 'cancelled' },
    blocked: { block: 'blocked', resume: 'accepted', done: 'done', confirm: 'confirmed', cancel: 'cancelled' },
    done: { confirm: 'confirmed', return: 'accepted' },
    confirmed: {},
    cancelled: {},
  };
  for (const s of assignmentStatuses) {
    for (const e of assignmentEvents) {
      const want = table[s][e] ?? null;
      it(`${s} + ${e} → ${want ?? 'refused'}`, () => expect(nextStatus(s, e)).toBe(want));
    }
  }

  it('classifies the states', () => {
    expect(assignmentStatuses.filter(isFinished)).toEqual(['confirmed', 'cancelled']);
    expect(assignmentStatuses.filter(isCompleted)).toEqual(['done', 'confirmed']);
    expect(assignmentStatuses.filter(isActive)).toEqual(['open', 'accepted', 'blocked']);
  });
});

describe('typed text', () => {
  it('accepts a task title, normalising spaces', () => {
    expect(checkTitle('  Chuẩn bị   báo cáo  quý ')).toEqual({ ok: true, value: 'Chuẩn bị báo cáo quý' });
    expect(checkTitle('abc')).toEqual({ ok: true, value: 'abc' });
    expect(checkTitle('x'.repeat(300)).ok).toBe(true);
  });

  it('refuses titles too short, too long, commands and ID numbers', () => {
    expect(checkTitle('ab')).toEqual({ ok: false, code: 'ASSIGNMENT.TITLE_INVALID' });
    expect(checkTitle('x'.repeat(301))).toEqual({ ok: false, code: 'ASSIGNMENT.TITLE_INVALID' });
    expect(checkTitle('/congviec')).toEqual({ ok: false, code: 'ASSIGNMENT.TITLE_INVALID' });
    expect(checkTitle('Liên hệ số 079123456789')).toEqual({ ok: false, code: 'MEMBER.ID_NUMBER' });
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkTitle('Đạt'.repeat(100)).ok).toBe(true);
    expect(checkTitle('Đạt'.repeat(100) + 'x').ok).toBe(false);
  });

  it('checks notes', () => {
    expect(checkNote(' Thiếu kinh phí \r\n in tài liệu ')).toEqual({ ok: true, value: 'Thiếu kinh phí \n in tài liệu' });
    expect(checkNote('a')).toEqual({ ok: false, code: 'ASSIGNMENT.NOTE_INVALID' });
    expect(checkNote('x'.repeat(1001))).toEqual({ ok: false, code: 'ASSIGNMENT.NOTE_INVALID' });
    expect(checkNote('x'.repeat(1000)).ok).toBe(true);
    expect(checkNote('CCCD 001203004005')).toEqual({ ok: false, code: 'MEMBER.ID_NUMBER' });
  });
});

describe('parseDeadline', () => {
  const now = utc('2026-11-24T03:00:00'); // Tuesday 24/11/2026, 10:00 in Hà Nội
  it('reads ISO dates from quick-choice buttons', () => {
    expect(parseDeadline('2026-11-30', now, HCM)).toBe('2026-11-30');
    expect(parseDeadline('2026-02-29', now, HCM)).toBeNull();
    expect(parseDeadline('2028-02-29', now, HCM)).toBe('2028-02-29');
  });
  it('reads typed dates', () => {
    expect(parseDeadline('30/11/2026', now, HCM)).toBe('2026-11-30');
    expect(parseDeadline('5/1/2027', now, HCM)).toBe('2027-01-05');
    expect(parseDeadline('31/12/26', now, HCM)).toBe('2026-12-31');
    expect(parseDeadline('31/02/2027', now, HCM)).toBeNull();
    expect(parseDeadline('không rõ', now, HCM)).toBeNull();
  });
  it('takes a day and month without year as the next such day', () => {
    expect(parseDeadline('30/11', now, HCM)).toBe('2026-11-30');
    expect(parseDeadline('20/11', now, HCM)).toBe('2027-11-20');
    expect(parseDeadline('15/1', now, HCM)).toBe('2027-01-15');
  });
  it('reads words', () => {
    expect(parseDeadline('mai', now, HCM)).toBe('2026-11-25');
    expect(parseDeadline('hôm nay', now, HCM)).toBe('2026-11-24');
    expect(parseDeadline('thứ Năm', now, HCM)).toBe('2026-11-26');
    expect(parseDeadline('T5', now, HCM)).toBe('2026-11-26');
  });
  it('reads "today" in the cell zone, not in UTC', () => {
    const lateEvening = utc('2026-11-24T18:30:00'); // 01:30 on 25/11 in Hà Nội, still 24/11 in UTC
    expect(parseDeadline('hôm nay', lateEvening, HCM)).toBe('2026-11-25');
    expect(parseDeadline('hôm nay', lateEvening, 'UTC')).toBe('2026-11-24');
  });
});

describe('checkDeadline and checkDoneOn', () => {
  const today = '2026-11-24';
  it('allows past deadlines back to 1 January of last year, and two years ahead', () => {
    expect(checkDeadline('2025-01-01', today)).toBeNull();
    expect(checkDeadline('2024-12-31', today)).toBe('ASSIGNMENT.DEADLINE_INVALID');
    expect(checkDeadline('2026-11-23', today)).toBeNull();
    expect(checkDeadline('2028-11-24', today)).toBeNull();
    expect(checkDeadline('2028-11-25', today)).toBe('ASSIGNMENT.DEADLINE_INVALID');
  });
  it('allows completion days up to today', () => {
    expect(checkDoneOn(today, today)).toBeNull();
    expect(checkDoneOn('2026-11-25', today)).toBe('ASSIGNMENT.DATE_INVALID');
    expect(checkDoneOn('2025-01-01', today)).toBeNull();
    expect(checkDoneOn('2024-12-31', today)).toBe('ASSIGNMENT.DATE_INVALID');
  });
});

describe('quickDeadlines across month and year ends', () => {
  it.each([
    ['2026-11-24', '2026-12-01', '2026-11-30', '2026-12-31'],
    ['2026-12-28', '2027-01-04', '2026-12-31', '2027-01-31'],
    ['2027-01-31', '2027-02-07', '2027-01-31', '2027-02-28'],
    ['2028-01-31', '2028-02-07', '2028-01-31', '2028-02-29'],
    ['2026-02-25', '2026-03-04', '2026-02-28', '2026-03-31'],
    ['2026-04-30', '2026-05-07', '2026-04-30', '2026-05-31'],
  ])('%s → a week %s, month end %s, next month end %s', (today, week, end, next) => {
    expect(quickDeadlines(today)).toEqual({ inAWeek: week, endOfMonth: end, endOfNextMonth: next });
  });
});

describe('late or on time', () => {
  it('ends a deadline day at midnight in the cell zone', () => {
    expect(deadlineEnd('2026-03-31', HCM)).toBe(utc('2026-03-31T17:00:00'));
    expect(deadlineEnd('2026-12-31', HCM)).toBe(utc('2026-12-31T17:00:00'));
    // New York: EST (UTC-5) before 8 March 2026, EDT (UTC-4) from then.
    expect(deadlineEnd('2026-03-07', NY)).toBe(utc('2026-03-08T05:00:00'));
    expect(deadlineEnd('2026-03-08', NY)).toBe(utc('2026-03-09T04:00:00'));
  });

  it('counts a completion by the calendar day in the cell zone', () => {
    const lateNight = utc('2026-03-31T16:30:00'); // 23:30 on 31/3 in Hà Nội
    const afterMidnight = utc('2026-03-31T17:00:00'); // 00:00 on 1/4 in Hà Nội, still 31/3 in UTC
    expect(completionDay(lateNight, HCM)).toBe('2026-03-31');
    expect(completionDay(afterMidnight, HCM)).toBe('2026-04-01');
    expect(completionDay(afterMidnight, 'UTC')).toBe('2026-03-31');
    expect(isLateCompletion('2026-03-31', completionDay(lateNight, HCM))).toBe(false);
    expect(isLateCompletion('2026-03-31', completionDay(afterMidnight, HCM))).toBe(true);
  });

  it('is on time on the deadline day itself, late from the next, across month ends', () => {
    expect(isLateCompletion('2026-02-28', '2026-02-28')).toBe(false);
    expect(isLateCompletion('2026-02-28', '2026-03-01')).toBe(true);
    expect(isLateCompletion('2028-02-28', '2028-02-29')).toBe(true);
    expect(isLateCompletion('2026-12-31', '2027-01-01')).toBe(true);
    expect(isLateCompletion('2026-12-31', '2026-12-01')).toBe(false);
  });

  const t = (status: AssignmentStatus, deadline: string, doneOn: string | null = null): TaskFacts => ({ status, deadline, doneOn });

  it.each<[TaskFacts, string, ReturnType<typeof stateOf>]>([
    [t('open', '2026-11-30'), '2026-11-24', { status: 'open', late: false, confirmed: false, awaitingConfirmation: false }],
    [t('open', '2026-11-30'), '2026-11-30', { status: 'open', late: false, confirmed: false, awaitingConfirmation: false }],
    [t('open', '2026-11-30'), '2026-12-01', { status: 'late', late: true, confirmed: false, awaitingConfirmation: false }],
    [t('accepted', '2026-11-30'), '2026-11-29', { status: 'accepted', late: false, confirmed: false, awaitingConfirmation: false }],
    [t('accepted', '2026-11-30'), '2026-12-01', { status: 'late', late: true, confirmed: false, awaitingConfirmation: false }],
    [t('blocked', '2026-11-30'), '2026-11-30', { status: 'blocked', late: false, confirmed: false, awaitingConfirmation: false }],
    [t('blocked', '2026-11-30'), '2027-01-01', { status: 'late', late: true, confirmed: false, awaitingConfirmation: false }],
    [t('done', '2026-11-30', '2026-11-30'), '2026-12-05', { status: 'done', late: false, confirmed: false, awaitingConfirmation: true }],
    [t('done', '2026-11-30', '2026-12-01'), '2026-12-05', { status: 'done', late: true, confirmed: false, awaitingConfirmation: true }],
    [t('confirmed', '2026-11-30', '2026-11-02'), '2026-11-03', { status: 'done', late: false, confirmed: true, awaitingConfirmation: false }],
    [t('confirmed', '2026-11-30', '2026-12-02'), '2026-12-03', { status: 'done', late: true, confirmed: true, awaitingConfirmation: false }],
    [t('cancelled', '2026-11-30'), '2026-12-31', { status: 'cancelled', late: false, confirmed: false, awaitingConfirmation: false }],
  ])('%o on %s', (task, today, want) => {
    expect(stateOf(task, today)).toEqual(want);
  });

  it('gives each task one outcome', () => {
    expect(outcomeOf(t('open', '2026-11-30'), '2026-11-30')).toBe('pending');
    expect(outcomeOf(t('open', '2026-11-30'), '2026-12-01')).toBe('overdue');
    expect(outcomeOf(t('blocked', '2026-11-30'), '2026-12-01')).toBe('overdue');
    expect(outcomeOf(t('done', '2026-11-30', '2026-11-30'), '2026-12-01')).toBe('doneOnTime');
    expect(outcomeOf(t('confirmed', '2026-11-30', '2026-12-01'), '2026-12-01')).toBe('doneLate');
    expect(outcomeOf(t('cancelled', '2026-11-30'), '2026-12-01')).toBe('cancelled');
  });
});

describe('tally', () => {
  const tasks = [
    { memberId: 1, status: 'confirmed', deadline: '2026-11-01', doneOn: '2026-10-30' }, // on time, on the period's first day
    { memberId: 1, status: 'done', deadline: '2026-11-15', doneOn: '2026-11-16' }, // late, unconfirmed
    { memberId: 2, status: 'accepted', deadline: '2026-11-20', doneOn: null }, // overdue on the 24th
    { memberId: 2, status: 'open', deadline: '2026-11-30', doneOn: null }, // pending, on the period's last day
    { memberId: 3, status: 'cancelled', deadline: '2026-11-10', doneOn: null }, // not counted
    { memberId: 3, status: 'confirmed', deadline: '2026-10-31', doneOn: '2026-10-31' }, // before the period
    { memberId: 3, status: 'open', deadline: '2026-12-01', doneOn: null }, // after the period
  ] as const satisfies readonly (TaskFacts & { memberId: number })[];
  const november = { from: '2026-11-01', to: '2026-11-30' };

  it('counts tasks due in the period, both ends included, without cancelled ones', () => {
    expect(tally(tasks, november, '2026-11-24')).toEqual({ total: 4, doneOnTime: 1, doneLate: 1, overdue: 1, pending: 1, unconfirmed: 1 });
  });

  it('turns pending into overdue as the days pass', () => {
    expect(tally(tasks, november, '2026-12-01')).toEqual({ total: 4, doneOnTime: 1, doneLate: 1, overdue: 2, pending: 0, unconfirmed: 1 });
  });

  it('counts per member', () => {
    const by = tallyByMember(tasks, november, '2026-11-24');
    expect(by.get(1)).toEqual({ total: 2, doneOnTime: 1, doneLate: 1, overdue: 0, pending: 0, unconfirmed: 1 });
    expect(by.get(2)).toEqual({ total: 2, doneOnTime: 0, doneLate: 0, overdue: 1, pending: 1, unconfirmed: 0 });
    expect(by.get(3)).toEqual({ total: 0, doneOnTime: 0, doneLate: 0, overdue: 0, pending: 0, unconfirmed: 0 });
  });

  it('counts a year across month ends', () => {
    expect(tally(tasks, { from: '2026-01-01', to: '2026-12-31' }, '2026-12-31')).toMatchObject({ total: 6, doneOnTime: 2, doneLate: 1, overdue: 3 });
  });
});

describe('reminder schedule', () => {
  it('reminds 3 and 1 days before at 08:00 in the cell zone, latest first', () => {
    expect(reminderSlots('2026-11-30', [3, 1], 8, HCM, quiet)).toEqual([
      { daysBefore: 3, dueAt: utc('2026-11-27T01:00:00') },
      { daysBefore: 1, dueAt: utc('2026-11-29T01:00:00') },
    ]);
  });

  it('counts back across month ends and leap days', () => {
    expect(reminderSlots('2026-03-02', [3], 8, HCM, noQuiet)).toEqual([{ daysBefore: 3, dueAt: utc('2026-02-27T01:00:00') }]);
    expect(reminderSlots('2028-03-01', [1], 8, HCM, noQuiet)).toEqual([{ daysBefore: 1, dueAt: utc('2028-02-29T01:00:00') }]);
    expect(reminderSlots('2027-01-02', [3], 8, HCM, noQuiet)).toEqual([{ daysBefore: 3, dueAt: utc('2026-12-30T01:00:00') }]);
  });

  it('follows the cell zone, daylight saving included', () => {
    // 8 March 2026: New York moves from UTC-5 to UTC-4.
    expect(reminderSlots('2026-03-10', [3, 1], 8, NY, noQuiet)).toEqual([
      { daysBefore: 3, dueAt: utc('2026-03-07T13:00:00') },
      { daysBefore: 1, dueAt: utc('2026-03-09T12:00:00') },
    ]);
  });

  it('drops duplicates and negative days, keeps the day itself', () => {
    expect(reminderSlots('2026-11-30', [1, 3, 1, -2, 0], 8, HCM, noQuiet).map((s) => s.daysBefore)).toEqual([3, 1, 0]);
    expect(reminderSlots('2026-11-30', [], 8, HCM, noQuiet)).toEqual([]);
  });

  it('moves a reminder out of quiet hours without dropping it', () => {
    // 22:00 is quiet (21:00–07:00): three days before → 07:00 the next morning.
    const slots = reminderSlots('2026-11-30', [3, 0], 22, HCM, quiet);
    expect(slots[0]).toEqual({ daysBefore: 3, dueAt: utc('2026-11-28T00:00:00') });
    // On the deadline day the next morning is too late: the evening before quiet hours began (20:59).
    expect(slots[1]).toEqual({ daysBefore: 0, dueAt: utc('2026-11-30T13:59:00') });
  });

  it('sends only the latest due slot, after the task was given, before the deadline ends, outside quiet hours', () => {
    const deadline = '2026-11-30';
    const slots = reminderSlots(deadline, [3, 1], 8, HCM, quiet);
    const assigned = utc('2026-11-20T03:00:00');
    const at = (iso: string) => dueReminder(slots, assigned, utc(iso), deadline, HCM, quiet)?.daysBefore ?? null;
    expect(at('2026-11-27T00:59:00')).toBeNull();
    expect(at('2026-11-27T01:00:00')).toBe(3);
    expect(at('2026-11-28T10:00:00')).toBe(3); // 17:00 local, the next day: still the 3-day slot
    expect(at('2026-11-28T15:00:00')).toBeNull(); // 22:00 local: quiet
    expect(dueReminder(slots, assigned, utc('2026-11-28T15:00:00'), deadline, HCM, noQuiet)?.daysBefore).toBe(3);
    expect(at('2026-11-29T01:00:00')).toBe(1);
    expect(at('2026-11-30T16:59:00')).toBeNull(); // 23:59 local: quiet
    expect(dueReminder(slots, assigned, utc('2026-11-30T16:59:00'), deadline, HCM, noQuiet)?.daysBefore).toBe(1);
    expect(dueReminder(slots, assigned, utc('2026-11-30T17:00:00'), deadline, HCM, noQuiet)).toBeNull(); // the day has ended
  });

  it('skips slots that came before the task was given', () => {
    const deadline = '2026-11-30';
    const slots = reminderSlots(deadline, [3, 1], 8, HCM, quiet);
    const assigned = utc('2026-11-28T02:00:00'); // after the 3-day slot
    expect(dueReminder(slots, assigned, utc('2026-11-28T03:00:00'), deadline, HCM, quiet)).toBeNull();
    expect(dueReminder(slots, assigned, utc('2026-11-29T01:00:00'), deadline, HCM, quiet)?.daysBefore).toBe(1);
  });
});

describe('overdue notice', () => {
  const deadline = '2026-11-30';
  const assigned = utc('2026-11-20T03:00:00');
  it('is due the morning after the deadline', () => {
    expect(overdueAt(deadline, 8, HCM, quiet)).toBe(utc('2026-12-01T01:00:00'));
    expect(overdueDue(deadline, assigned, utc('2026-12-01T00:59:00'), 8, HCM, quiet)).toBe(false);
    expect(overdueDue(deadline, assigned, utc('2026-12-01T01:00:00'), 8, HCM, quiet)).toBe(true);
  });
  it('waits for the end of quiet hours', () => {
    expect(overdueAt(deadline, 23, HCM, quiet)).toBe(utc('2026-12-02T00:00:00'));
    expect(overdueDue(deadline, assigned, utc('2026-12-01T16:30:00'), 8, HCM, quiet)).toBe(false); // 23:30 local
  });
  it('is not sent for a task entered after it was already overdue, nor weeks later', () => {
    expect(overdueDue(deadline, utc('2026-12-03T00:00:00'), utc('2026-12-03T03:00:00'), 8, HCM, quiet)).toBe(false);
    expect(overdueDue(deadline, assigned, utc('2026-12-14T03:00:00'), 8, HCM, quiet)).toBe(true);
    expect(overdueDue(deadline, assigned, utc('2026-12-14T17:00:00'), 8, HCM, quiet)).toBe(false);
  });
  it('follows the cell zone', () => {
    expect(overdueAt('2026-03-07', 8, NY, noQuiet)).toBe(utc('2026-03-08T12:00:00'));
    expect(overdueAt('2026-03-06', 8, NY, noQuiet)).toBe(utc('2026-03-07T13:00:00'));
  });
});

describe('time helpers used above', () => {
  it('keeps the day arithmetic honest', () => {
    expect(deadlineEnd('2026-11-30', HCM) - deadlineEnd('2026-11-29', HCM)).toBe(DAY);
    expect(deadlineEnd('2026-03-08', NY) - deadlineEnd('2026-03-07', NY)).toBe(DAY - HOUR);
  });
});
