import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import { codeSlot } from '../domain/meetings.js';
import { zonedInstant } from '../domain/meetings-time.js';
import { AttendanceService } from './meetings-attendance.js';
import { cleanLink, cleanText, superiorTarget } from './meetings.js';
import { draft, keyed, markAllSent, meetingKit, outbox, type MeetingKit } from './meetings.testing.js';
import { cloneWorld, DAY, MINUTE, openWorld, seedCell, type CellFixture, type TestWorld } from './testing.js';

const HCM = 'Asia/Ho_Chi_Minh';
const HOUR = 60 * MINUTE;
const at = (date: string, time: string) => zonedInstant(date, time, HCM);
const codeOf = (e: unknown) => (e instanceof DomainError ? e.code : String(e));
const thrown = async (fn: () => unknown) => {
  try {
    await fn();
    return 'none';
  } catch (e) {
    return codeOf(e);
  }
};

let template: TestWorld;
let f: CellFixture;
let w: TestWorld;
let k: MeetingKit;

beforeAll(() => {
  template = openWorld();
  f = seedCell(template);
});
afterAll(() => template.close());
beforeEach(() => {
  w = cloneWorld(template);
  k = meetingKit(w);
});
afterEach(() => w.close());

const sec = () => f.actors.secretary.caller;
const expectedPeople = () => [f.actors.secretary.personId, f.actors.deputy.personId, f.actors.committee.personId, f.actors.member.personId].sort();

describe('creating a meeting', () => {
  it('invites exactly those expected (not exempt, left, pending or outsiders), through the outbox as a bulk message', async () => {
    const { meeting, invited, warnings } = await k.meetings.create(sec(), f.cell.id, draft());
    expect(invited).toBe(4);
    expect(warnings).toEqual([{ code: 'quarterWithoutThematic', daysLeft: 16 }]);
    const invitations = keyed(w.store, new RegExp(`^mtg:${meeting.id}:inv:`));
    expect(invitations.map((r) => r.personId).sort()).toEqual(expectedPeople());
    expect(invitations.every((r) => r.payload.bulk === true && r.essential)).toBe(true);
    const zalo = invitations.find((r) => r.personId === f.actors.committee.personId);
    expect(zalo?.channel).toBe('zalo');
    expect(String(zalo?.payload.text)).toContain('Kính gửi đồng chí Lê Văn Cường');
    expect(String(zalo?.payload.text)).toContain('Chủ Nhật, 15/03/2026, 14:00');
    const target = k.repo.attendee(meeting.id, f.targetMember.id);
    expect(target).toMatchObject({ expected: false, exempt: true, invited: false });
    // The audit log records who created it.
    expect(w.repos.audit.byAction(f.cell.id, 'meeting.create')).toHaveLength(1);
  });

  it('warns (never refuses) about length, notice and a quarter without a thematic meeting', async () => {
    const { warnings } = await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-10', time: '20:00', durationMinutes: 60 }));
    expect(warnings.map((x) => x.code)).toEqual(['tooShort', 'lateNotice', 'quarterWithoutThematic']);
    const thematic = k.meetings.preview(sec(), f.cell.id, draft({ kind: 'thematic', date: '2026-03-20' }));
    expect(thematic.warnings).toEqual([]);
  });

  it('refuses a start in the past, bad lengths and links that are not http(s)', async () => {
    expect(await thrown(() => k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-10', time: '09:59' })))).toBe('MEETING.PAST');
    expect(await thrown(() => k.meetings.create(sec(), f.cell.id, draft({ durationMinutes: 5 })))).toBe('MEETING.DURATION_INVALID');
    expect(await thrown(() => k.meetings.create(sec(), f.cell.id, draft({ onlineLink: 'javascript:alert(1)' })))).toBe('MEETING.LINK_INVALID');
    expect(outbox(w.store)).toEqual([]);
  });

  it('waits for the morning to invite when created in quiet hours', async () => {
    w.clock.set(at('2026-03-10', '22:30'));
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft());
    const rows = keyed(w.store, new RegExp(`^mtg:${meeting.id}:inv:`));
    expect(new Set(rows.map((r) => r.nextAttemptAt))).toEqual(new Set([at('2026-03-11', '07:00')]));
    expect(k.meetings.meeting(meeting.id).invitedAt).toBe(at('2026-03-11', '07:00'));
  });

  it('notifies the superior contact when it is a chat, else waits for the secretary to tick', async () => {
    const first = (await k.meetings.create(sec(), f.cell.id, draft())).meeting;
    expect(k.meetings.superiorState(first)).toBe('none');
    expect(k.meetings.markSuperiorNotified(sec(), first.id)).toMatchObject({ superiorNotifiedVia: 'tick', superiorNotifiedBy: f.actors.secretary.personId });
    w.services.settings.set(sec(), f.cell.id, 'meetings', 'superiorContact', 'telegram:777000');
    const second = (await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-16' }))).meeting;
    const notice = keyed(w.store, new RegExp(`^mtg:${second.id}:superior:`));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ channel: 'telegram', chatId: '777000' });
    expect(String(notice[0]?.payload.text)).toContain('kính báo cấp ủy cấp trên');
    expect(k.meetings.superiorState(k.meetings.meeting(second.id))).toBe('queued');
  });
});

describe('answers and the group card', () => {
  it('keeps one card in the group: a pending version is replaced, a sent one is edited in place', async () => {
    w.services.cells.linkGroup(sec(), f.cell.id, '-100555');
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft());
    const cards = () => keyed(w.store, new RegExp(`^mtg:${meeting.id}:card:`));
    expect(cards()).toHaveLength(1);
    k.meetings.rsvp(f.actors.member.caller, meeting.id, 'attend');
    k.meetings.rsvp(f.actors.deputy.caller, meeting.id, 'maybe');
    expect(cards()).toHaveLength(1);
    expect(String(cards()[0]?.payload.text)).toContain('Tham dự: 1 · Vắng: 0 · Chưa chắc: 1 · Chưa trả lời: 2');
    markAllSent(w.store, w.clock.now());
    k.meetings.rsvp(f.actors.member.caller, meeting.id, 'absent');
    const [first, edit] = cards();
    expect(edit?.replaceRef).toBe(first?.sentRef);
    expect(edit?.replaceRef).not.toBeNull();
    // While a version is being sent, the next one names it and the sender edits what it sent.
    w.store.sqlite.prepare("UPDATE outbox SET status = 'sending' WHERE id = ?").run(edit?.id);
    await k.meetings.rsvp(f.actors.deputy.caller, meeting.id, 'attend');
    expect(cards()[2]?.payload.replaceKey).toBe(`mtg:${meeting.id}:card:1`);
    expect(String(edit?.payload.text)).toContain('Tham dự: 0 · Vắng: 1');
    // Zalo members get no card and no count updates.
    expect(outbox(w.store).filter((r) => r.channel === 'zalo').map((r) => r.idempotencyKey)).toEqual([`mtg:${meeting.id}:inv:p${f.actors.committee.personId}`]);
  });

  it('lets answers change until the start, then refuses', async () => {
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft());
    k.meetings.rsvp(f.actors.member.caller, meeting.id, 'absent');
    k.meetings.giveReason(f.actors.member.caller, meeting.id, 'Đi công tác');
    expect(k.repo.attendee(meeting.id, f.members.member?.id as number)).toMatchObject({ rsvp: 'absent', reason: 'Đi công tác' });
    // Leaders get the reason with buttons to accept it or not.
    const cards = keyed(w.store, new RegExp(`^mtg:${meeting.id}:rsn:`));
    expect(cards.map((r) => r.personId).sort()).toEqual([f.actors.secretary.personId, f.actors.deputy.personId].sort());
    k.meetings.rsvp(f.actors.member.caller, meeting.id, 'attend');
    expect(k.repo.attendee(meeting.id, f.members.member?.id as number)).toMatchObject({ rsvp: 'attend', reason: null });
    w.clock.set(meeting.startsAt);
    expect(await thrown(() => k.meetings.rsvp(f.actors.member.caller, meeting.id, 'maybe'))).toBe('MEETING.STARTED');
  });

  it('tells everyone invited of a new time, and of a cancellation, after which answers are refused', async () => {
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft());
    await k.meetings.reschedule(sec(), meeting.id, '2026-03-16', '19:30', 120);
    const moved = keyed(w.store, /:chg:rescheduled:/);
    expect(moved.map((r) => r.personId).sort()).toEqual(expectedPeople());
    expect(String(moved[0]?.payload.text)).toContain('chuyển từ Chủ Nhật, 15/03/2026, 14:00 sang Thứ Hai, 16/03/2026, 19:30');
    await k.meetings.addMaterial(sec(), meeting.id, 'Dự thảo nghị quyết', 'https://example.vn/nq.pdf');
    expect(k.meetings.meeting(meeting.id).materials).toEqual([{ title: 'Dự thảo nghị quyết', url: 'https://example.vn/nq.pdf' }]);
    await k.meetings.cancel(sec(), meeting.id);
    expect(keyed(w.store, /:chg:cancelled:/)).toHaveLength(4);
    expect(await thrown(() => k.meetings.rsvp(f.actors.member.caller, meeting.id, 'attend'))).toBe('MEETING.CANCELLED');
    expect(await thrown(() => k.meetings.cancel(sec(), meeting.id))).toBe('MEETING.CANCELLED');
  });
});

describe('the tick: reminders', () => {
  it('reminds those who have not answered (or are unsure) at 3 days, 1 day and 2 hours, with a final one to attendees, once each', async () => {
    const start = at('2026-03-20', '14:00');
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-20' }));
    k.meetings.rsvp(f.actors.member.caller, meeting.id, 'attend');
    k.meetings.rsvp(f.actors.deputy.caller, meeting.id, 'maybe');
    k.meetings.rsvp(f.actors.committee.caller, meeting.id, 'absent');
    const run = async (t: number) => {
      w.clock.set(t);
      await k.jobs.run(t, false);
    };
    const reminders = () => keyed(w.store, /:rem:/);
    await run(start - 3 * DAY - MINUTE);
    expect(reminders()).toEqual([]);
    await run(start - 3 * DAY + HOUR); // an hour late: still useful
    expect(reminders().map((r) => r.personId).sort()).toEqual([f.actors.secretary.personId, f.actors.deputy.personId].sort());
    await run(start - 3 * DAY + 2 * HOUR);
    expect(reminders()).toHaveLength(2); // idempotent
    await run(start - DAY);
    expect(reminders()).toHaveLength(4);
    await run(start - 2 * HOUR);
    const last = reminders().filter((r) => r.idempotencyKey.includes(':120:'));
    expect(last.map((r) => r.personId).sort()).toEqual([f.actors.secretary.personId, f.actors.deputy.personId, f.actors.member.personId].sort());
    const final = last.find((r) => r.personId === f.actors.member.personId);
    expect(String(final?.payload.text)).toContain('Nhắc lần cuối');
    expect(final?.payload.expiresAt).toBe(start);
    expect(final?.essential).toBe(false);
    expect(reminders().some((r) => r.personId === f.actors.committee.personId)).toBe(false);
  });

  it('after downtime sends only the latest useful reminder, and none once the meeting started', async () => {
    const start = at('2026-03-20', '14:00');
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-20' }));
    w.clock.set(start - 5 * HOUR);
    await k.jobs.run(start - 5 * HOUR, false);
    expect(new Set(keyed(w.store, /:rem:/).map((r) => r.idempotencyKey.split(':')[4]))).toEqual(new Set(['1440']));
    w.clock.set(start + MINUTE);
    await k.jobs.run(start + MINUTE, false);
    expect(keyed(w.store, /:rem:/).some((r) => r.idempotencyKey.includes(':120:'))).toBe(false);
    expect(meeting.id).toBeGreaterThan(0);
  });

  it('moves reminders out of quiet hours (early meeting), and follows a new time after a reschedule', async () => {
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-20', time: '07:30' }));
    // 2 hours before 07:30 is 05:30 (quiet): sent at 07:00 instead, not before.
    w.clock.set(at('2026-03-20', '06:59'));
    await k.jobs.run(w.clock.now(), false);
    expect(keyed(w.store, /:rem:\d+:120:/)).toEqual([]);
    w.clock.set(at('2026-03-20', '07:00'));
    await k.jobs.run(w.clock.now(), false);
    expect(keyed(w.store, /:rem:\d+:120:/)).toHaveLength(4);
    w.clock.set(at('2026-03-20', '07:10'));
    await k.meetings.reschedule(sec(), meeting.id, '2026-03-25', '14:00');
    w.clock.set(at('2026-03-24', '14:00'));
    await k.jobs.run(w.clock.now(), false);
    expect(keyed(w.store, new RegExp(`:rem:${at('2026-03-25', '14:00')}:1440:`))).toHaveLength(4);
  });

  it('warns the leaders a day ahead when answers make the quorum unreachable', async () => {
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-20' }));
    k.meetings.rsvp(f.actors.member.caller, meeting.id, 'absent');
    k.meetings.rsvp(f.actors.committee.caller, meeting.id, 'absent');
    w.clock.set(meeting.startsAt - 2 * DAY);
    await k.jobs.run(w.clock.now(), false);
    expect(keyed(w.store, /:quorumwarn:/)).toEqual([]);
    w.clock.set(meeting.startsAt - DAY);
    await k.jobs.run(w.clock.now(), false);
    const warned = keyed(w.store, /:quorumwarn:/);
    expect(warned.map((r) => r.personId).sort()).toEqual([f.actors.secretary.personId, f.actors.deputy.personId].sort());
    expect(String(warned[0]?.payload.text)).toContain('nhiều nhất 2/4');
  });
});

describe('check-in', () => {
  const openMeeting = async () => (await k.meetings.create(sec(), f.cell.id, draft({ kind: 'extraordinary', date: '2026-03-10', time: '10:20' }))).meeting;

  it('by button (sent when the window opens), marking check-ins after the start late', async () => {
    const meeting = await openMeeting();
    await k.jobs.run(w.clock.now(), false);
    const buttons = keyed(w.store, /:ci:/);
    expect(buttons.map((r) => r.personId).sort()).toEqual(expectedPeople());
    expect(buttons[0]?.payload.expiresAt).toBe(meeting.startsAt + 60 * MINUTE);
    expect(k.attendance.checkInButton(f.actors.member.caller, meeting.id)).toMatchObject({ status: 'present', already: false });
    expect(k.attendance.checkInButton(f.actors.member.caller, meeting.id)).toMatchObject({ status: 'present', already: true });
    w.clock.set(meeting.startsAt + 5 * MINUTE);
    expect(k.attendance.checkInButton(f.actors.deputy.caller, meeting.id)).toMatchObject({ status: 'late' });
  });

  it('by a rotating code: the current and the previous code work, wrong codes are limited, buttons are refused', async () => {
    w.services.settings.set(sec(), f.cell.id, 'meetings', 'checkInMode', 'code');
    const meeting = await openMeeting();
    const { code } = k.attendance.code(sec(), meeting.id);
    expect(code).toMatch(/^\d{6}$/);
    expect(await thrown(() => k.attendance.checkInButton(f.actors.member.caller, meeting.id))).toBe('MEETING.CODE_REQUIRED');
    expect(k.attendance.checkInWithCode(f.actors.member.caller, `${code.slice(0, 3)} ${code.slice(3)}`)).toMatchObject({ status: 'present' });
    w.clock.advance(5 * MINUTE);
    expect(k.attendance.checkInWithCode(f.actors.deputy.caller, code)).toMatchObject({ status: 'present' });
    w.clock.advance(10 * MINUTE);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect(await thrown(() => k.attendance.checkInWithCode(f.actors.committee.caller, wrong))).toBe('MEETING.CODE_INVALID');
    const fresh = AttendanceService.codeAt(meeting, codeSlot(w.clock.now()));
    expect(await thrown(() => k.attendance.checkInWithCode(f.actors.committee.caller, fresh))).toBe('MEETING.CODE_TOO_MANY');
    w.clock.advance(11 * MINUTE);
    expect(k.attendance.checkInWithCode(f.actors.committee.caller, AttendanceService.codeAt(meeting, codeSlot(w.clock.now())))).toMatchObject({ status: 'late' });
    // The exempt member may still come: present, though not expected.
    expect(k.attendance.checkInWithCode(f.target.caller, AttendanceService.codeAt(meeting, codeSlot(w.clock.now())))).toMatchObject({ status: 'late' });
    expect(k.repo.attendee(meeting.id, f.targetMember.id)).toMatchObject({ expected: false, status: 'late' });
  });

  it('is refused outside the window', async () => {
    const later = (await k.meetings.create(sec(), f.cell.id, draft())).meeting;
    expect(await thrown(() => k.attendance.checkInButton(f.actors.member.caller, later.id))).toBe('MEETING.CHECKIN_NOT_OPEN');
    expect(await thrown(() => k.attendance.code(sec(), later.id))).toBe('MEETING.CHECKIN_NOT_OPEN');
    expect(await thrown(() => k.attendance.checkInWithCode(f.actors.member.caller, '123456'))).toBe('MEETING.CHECKIN_NOT_OPEN');
  });
});

describe('after the meeting', () => {
  it('closes by itself at the end of the window: statuses, reasons asked, report to leaders, quorum, header', async () => {
    w.services.cells.linkGroup(sec(), f.cell.id, '-100555');
    const meeting = (await k.meetings.create(sec(), f.cell.id, draft({ kind: 'regular', date: '2026-03-10', time: '10:20' }))).meeting;
    k.meetings.rsvp(f.actors.committee.caller, meeting.id, 'absent');
    k.meetings.giveReason(f.actors.committee.caller, meeting.id, 'Ốm');
    k.attendance.checkInButton(sec(), meeting.id);
    k.attendance.mark(sec(), meeting.id, f.targetMember.id, 'present');
    w.clock.set(meeting.startsAt + 59 * MINUTE);
    await k.jobs.run(w.clock.now(), false);
    expect(k.meetings.meeting(meeting.id).status).toBe('scheduled');
    w.clock.set(meeting.startsAt + 60 * MINUTE);
    await k.jobs.run(w.clock.now(), false);
    const closed = k.meetings.meeting(meeting.id);
    expect(closed).toMatchObject({ status: 'closed', closedBy: null });
    const status = (memberId: number) => k.repo.attendee(meeting.id, memberId)?.status;
    expect(status(f.members.secretary?.id as number)).toBe('present');
    expect(status(f.members.committee?.id as number)).toBe('absent');
    expect(status(f.members.member?.id as number)).toBe('unexcused');
    expect(status(f.targetMember.id)).toBe('present');
    expect(k.repo.attendee(meeting.id, f.targetMember.id)).toMatchObject({ markedBy: f.actors.secretary.personId, checkInMethod: 'manual' });
    // Those absent without a reason are asked for one; the leaders get the report.
    expect(keyed(w.store, /:ask:/).map((r) => r.personId).sort()).toEqual([f.actors.deputy.personId, f.actors.member.personId].sort());
    const report = keyed(w.store, /:report:/);
    expect(report.map((r) => r.personId).sort()).toEqual([f.actors.secretary.personId, f.actors.deputy.personId].sort());
    expect(String(report[0]?.payload.text)).toContain('CHƯA ĐỦ tỉ lệ');
    // A second close does nothing.
    expect(await k.attendance.close(null, meeting.id)).toBeNull();
    expect(await thrown(() => k.attendance.close(sec(), meeting.id))).toBe('MEETING.CLOSED');
    // The card says it is over.
    expect(String(keyed(w.store, /:card:/).at(-1)?.payload.text)).toContain('Đã kết thúc điểm danh: có mặt 2');

    // A reason given afterwards, then the cell's decision.
    k.meetings.giveReason(f.actors.member.caller, meeting.id, 'Con ốm đột xuất');
    expect(status(f.members.member?.id as number)).toBe('absent');
    const row = k.repo.attendee(meeting.id, f.members.member?.id as number);
    expect(k.attendance.decide(sec(), row?.id as number, true).changed).toBe(true);
    expect(status(f.members.member?.id as number)).toBe('excused');
    expect(k.attendance.decide(sec(), row?.id as number, true).changed).toBe(false);
    const committeeRow = k.repo.attendee(meeting.id, f.members.committee?.id as number);
    k.attendance.decide(f.actors.deputy.caller, committeeRow?.id as number, false);
    expect(status(f.members.committee?.id as number)).toBe('unexcused');

    const r = k.attendance.report(sec(), meeting.id);
    expect(r.quorum).toEqual({ expectedFull: 4, presentFull: 1, required: 3, met: false });
    expect(r.reconciliation.attendedWithoutRsvp.map((x) => x.memberId).sort()).toEqual([f.members.secretary?.id, f.targetMember.id].sort());
    const header = k.attendance.attendanceHeaderOf(meeting.id);
    expect(header.header).toEqual({ total: 5, full: 5, probationary: 0, exempt: 1, present: 2, absentWithReason: ['Phạm Thị Dung'], absentWithoutReason: ['Lê Văn Cường', 'Trần Thị Bình'] });
    expect(header.text('vi')).toBe(
      [
        'Tình hình đảng viên dự sinh hoạt chi bộ thường kỳ tháng 03/2026:',
        '- Tổng số đảng viên: 5 (chính thức: 5, dự bị: 0)',
        '- Số đảng viên miễn sinh hoạt: 1',
        '- Số đảng viên có mặt: 2',
        '- Số đảng viên vắng: 3',
        '- Vắng có lý do: 1: đồng chí Phạm Thị Dung',
        '- Vắng không lý do: 2: đồng chí Lê Văn Cường, đồng chí Trần Thị Bình',
      ].join('\n'),
    );
  });

  it('tells the secretary privately at 2 and at 3 months of unexcused absence from the regular meeting', async () => {
    w.services.cells.linkGroup(sec(), f.cell.id, '-100555');
    const hold = async (date: string) => {
      w.clock.set(at(date, '09:00'));
      const m = (await k.meetings.create(sec(), f.cell.id, draft({ date, time: '09:30' }))).meeting;
      w.clock.set(m.startsAt + 2 * HOUR);
      await k.jobs.run(w.clock.now(), false);
      return m;
    };
    await hold('2026-03-12');
    expect(keyed(w.store, /^rule3:/)).toEqual([]);
    await hold('2026-05-12');
    const warn = keyed(w.store, /^rule3:/);
    // Everyone but the exempt member missed both; only the secretary hears it, never the group.
    expect(new Set(warn.map((r) => r.personId))).toEqual(new Set([f.actors.secretary.personId]));
    expect(warn.every((r) => r.chatId !== '-100555')).toBe(true);
    expect(String(warn.find((r) => r.idempotencyKey.startsWith(`rule3:${f.members.member?.id}:`))?.payload.text)).toContain('2 tháng (03/2026, 05/2026)');
    await hold('2026-09-12');
    expect(k.attendance.unexcusedMonthsOf(f.members.member?.id as number, 2026)).toEqual(['2026-03', '2026-05', '2026-09']);
    const threshold = keyed(w.store, /^rule3:.*:threshold:/);
    expect(threshold.length).toBe(4);
    expect(String(threshold[0]?.payload.text)).toContain('đủ căn cứ để chi bộ xem xét');
  });
});

describe('the tick: recurring meetings and the quarter', () => {
  it('creates each month’s regular meeting a week ahead, once', async () => {
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-15' }), 'dayOfMonth');
    expect(meeting.seriesKey).toBe(`rule:${meeting.ruleId}:2026-03`);
    w.clock.set(at('2026-04-07', '14:00'));
    await k.jobs.run(w.clock.now(), false);
    expect(k.repo.scheduledInCell(f.cell.id, at('2026-04-01', '00:00'))).toEqual([]);
    w.clock.set(at('2026-04-08', '14:00'));
    await k.jobs.run(w.clock.now(), false);
    await k.jobs.run(w.clock.now(), false);
    const april = k.repo.scheduledInCell(f.cell.id, at('2026-04-01', '00:00'));
    expect(april.map((m) => [m.seriesKey, m.startsAt])).toEqual([[`rule:${meeting.ruleId}:2026-04`, at('2026-04-15', '14:00')]]);
    expect(keyed(w.store, new RegExp(`^mtg:${april[0]?.id}:inv:`))).toHaveLength(4);
    expect(keyed(w.store, /:autocreated:/)).toHaveLength(2);
    k.meetings.stopRule(sec(), meeting.ruleId as number);
    w.clock.set(at('2026-05-10', '14:00'));
    await k.jobs.run(w.clock.now(), false);
    expect(k.repo.scheduledInCell(f.cell.id, at('2026-05-01', '00:00'))).toEqual([]);
  });

  it('warns the secretary once when the quarter is ending without a thematic meeting', async () => {
    await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-15' }));
    await k.jobs.run(w.clock.now(), false);
    await k.jobs.run(w.clock.now(), false);
    const warned = keyed(w.store, /^thematic:/);
    expect(warned.map((r) => r.personId)).toEqual([f.actors.secretary.personId]);
    expect(String(warned[0]?.payload.text)).toContain('Quý 1/2026');
  });

  it('does not warn when the quarter has a thematic meeting', async () => {
    await k.meetings.create(sec(), f.cell.id, draft({ kind: 'thematic', date: '2026-03-15' }));
    await k.jobs.run(w.clock.now(), false);
    expect(keyed(w.store, /^thematic:/)).toEqual([]);
  });

  it('writes nothing on a dry run', async () => {
    await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-11' }));
    const before = outbox(w.store).length;
    w.clock.set(at('2026-03-11', '12:00'));
    await k.jobs.run(w.clock.now(), true);
    expect(outbox(w.store).length).toBe(before);
  });
});

describe('input checks', () => {
  it('reads the superior contact as a chat only when it is one', () => {
    expect(superiorTarget('telegram:123456789')).toEqual({ channel: 'telegram', chatId: '123456789' });
    expect(superiorTarget('Zalo: abc123')).toEqual({ channel: 'zalo', chatId: 'abc123' });
    expect(superiorTarget('987654321')).toEqual({ channel: 'telegram', chatId: '987654321' });
    expect(superiorTarget('0912345678')).toBeNull(); // a phone number: the secretary ticks by hand
    expect(superiorTarget('Đ/c Lan, Văn phòng Đảng ủy')).toBeNull();
    expect(superiorTarget(null)).toBeNull();
  });

  it('keeps titles and links of materials, never anything else', () => {
    expect(cleanLink(' https://example.vn/tai-lieu ')).toBe('https://example.vn/tai-lieu');
    for (const bad of ['ftp://x.vn/a', 'javascript:alert(1)', 'example.vn', 'https://']) expect(() => cleanLink(bad)).toThrow(DomainError);
    expect(cleanText('  Hội trường  ')).toBe('Hội trường');
    expect(cleanText('')).toBeNull();
    expect(() => cleanText('', true)).toThrow(DomainError);
    expect(() => cleanText('x'.repeat(501))).toThrow(DomainError);
  });
});
