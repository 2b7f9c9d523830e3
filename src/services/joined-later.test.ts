/**
 * Members imported from the roll have no chat account until they open their personal invite: what
 * the scheduled jobs could not send them meanwhile reaches them on the first run after they join
 * (a meeting's invitation, its reminders and check-in button; this month's dues reminder; the card
 * of a task given before), exactly once. An invitation the platform refused (the member had
 * blocked the bot) goes again once they write to the bot.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { zonedInstant } from '../domain/meetings-time.js';
import type { MemberRow } from '../store/repos/members.js';
import { inputServices, outboxFor, type InputServices } from './assignments.testing.js';
import type { Caller } from './context.js';
import { duesKit, outboxWith, type DuesKit } from './dues.testing.js';
import { hashCode } from './invites.js';
import { draft, keyed, markAllSent, meetingKit, type MeetingKit } from './meetings.testing.js';
import { operatorImporter } from './roster.js';
import { grid, rosterKit, type GridRow, type RosterKit } from './roster.testing.js';
import { addMember, addPerson, cloneWorld, DAY, MINUTE, openWorld, seedCell, type CellFixture, type TestPerson, type TestWorld } from './testing.js';

const HCM = 'Asia/Ho_Chi_Minh';
const HOUR = 60 * MINUTE;
const at = (date: string, time: string): number => zonedInstant(date, time, HCM);

let template: TestWorld;
let f: CellFixture;
let w: TestWorld;
let roster: RosterKit;

beforeAll(() => {
  template = openWorld();
  f = seedCell(template);
});
afterAll(() => template.close());
beforeEach(() => {
  w = cloneWorld(template);
  roster = rosterKit(w);
});
afterEach(() => w.close());

const sec = (): Caller => f.actors.secretary.caller;
const XUAN = 'Nguyễn Thị Xuân';

/** Imports one member from a roll file, the operator's way: an active member whose person has no chat account. */
function importMember(row: GridRow = { fullName: XUAN }): MemberRow {
  const outcome = roster.roster.preview(operatorImporter, f.cell.id, grid([row]), 'danh-sach.xlsx');
  if (!outcome.ok) throw new Error(`unexpected problems: ${JSON.stringify(outcome.problems)}`);
  roster.roster.apply(operatorImporter, outcome.preview.importId);
  const member = w.repos.members.list(f.cell.id, ['active']).find((m) => m.fullName === row.fullName);
  if (!member) throw new Error('not imported');
  expect(w.repos.people.accountsOf(member.personId)).toEqual([]);
  return member;
}

/** The member opens their personal invite on Telegram and answers "Đúng". */
function join(member: MemberRow, externalId = '600'): TestPerson {
  const issued = roster.roster.personalInvites(sec(), f.cell.id).issued.find((i) => i.member.id === member.id);
  if (!issued) throw new Error('no personal invite');
  const person = addPerson(w, 'telegram', externalId, 'Xuân');
  const { invite } = w.services.invites.check(person.personId, issued.code);
  expect(invite.id).toBe(w.repos.invites.byHash(hashCode(issued.code))?.id);
  const joined = w.services.invites.joinPersonal(person.personId, invite.id, { code: issued.code });
  expect(joined).toMatchObject({ id: member.id, personId: person.personId, status: 'active' });
  return person;
}

describe('meetings', () => {
  let k: MeetingKit;
  beforeEach(() => {
    k = meetingKit(w);
  });

  const tick = async (t: number): Promise<void> => {
    w.clock.set(t);
    await k.jobs.run(t, false);
  };
  const invitations = (meetingId: number) => keyed(w.store, new RegExp(`^mtg:${meetingId}:inv:`));

  it('invites a member who joins after the meeting was announced on the next tick, once, and reminds them after that', async () => {
    const xuan = importMember();
    const { meeting, invited } = await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-20' }));
    // Everyone with an account is invited; the imported member has nowhere to be written to yet.
    expect(invited).toBe(4);
    expect(invitations(meeting.id)).toHaveLength(4);
    expect(k.repo.attendee(meeting.id, xuan.id)).toMatchObject({ expected: true, invited: false, personId: xuan.personId });
    // The secretary's report names them as not reached.
    expect(k.attendance.report(sec(), meeting.id).unreachable).toEqual([{ fullName: XUAN, reason: '' }]);
    await tick(w.clock.now());
    expect(invitations(meeting.id)).toHaveLength(4);

    // Joined in the same instant as the tick before (the roll's fingerprint alone would not see it).
    const person = join(xuan);
    await tick(w.clock.now());
    const theirs = invitations(meeting.id).filter((r) => r.personId === person.personId);
    expect(theirs.map((r) => r.idempotencyKey)).toEqual([`mtg:${meeting.id}:inv:p${person.personId}`]);
    expect(theirs[0]).toMatchObject({ channel: 'telegram', chatId: '600', status: 'pending' });
    expect(String(theirs[0]?.payload.text)).toContain(`Kính gửi đồng chí ${XUAN}`);
    expect(k.repo.attendee(meeting.id, xuan.id)).toMatchObject({ invited: true, personId: person.personId });
    expect(k.attendance.report(sec(), meeting.id).unreachable).toEqual([]);

    // Never twice: not on the next tick, nor after it was sent.
    await tick(w.clock.now() + MINUTE);
    markAllSent(w.store, w.clock.now());
    await tick(w.clock.now() + MINUTE);
    expect(invitations(meeting.id)).toHaveLength(5);

    // The reminders reach them like everyone else, once per slot.
    await tick(meeting.startsAt - 3 * DAY + HOUR);
    await tick(meeting.startsAt - 3 * DAY + 2 * HOUR);
    const reminders = keyed(w.store, /:rem:/).filter((r) => r.personId === person.personId);
    expect(reminders.map((r) => r.idempotencyKey)).toEqual([`mtg:${meeting.id}:rem:${meeting.startsAt}:4320:p${person.personId}`]);
  });

  it('sends no reminder from a slot that came before the late invitation, but the next one', async () => {
    const xuan = importMember();
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-20' }));
    await tick(meeting.startsAt - 3 * DAY + HOUR);
    expect(keyed(w.store, /:rem:\d+:4320:/)).toHaveLength(4);
    const person = join(xuan);
    await tick(w.clock.now() + MINUTE);
    const theirs = () => keyed(w.store, new RegExp(`^mtg:${meeting.id}:`)).filter((r) => r.personId === person.personId);
    expect(theirs().map((r) => r.idempotencyKey)).toEqual([`mtg:${meeting.id}:inv:p${person.personId}`]);
    await tick(w.clock.now() + HOUR);
    expect(theirs()).toHaveLength(1);
    await tick(meeting.startsAt - DAY);
    expect(theirs().map((r) => r.idempotencyKey)).toEqual([`mtg:${meeting.id}:inv:p${person.personId}`, `mtg:${meeting.id}:rem:${meeting.startsAt}:1440:p${person.personId}`]);
  });

  it('in a large cell too: the final reminder goes to every attendee, not to the member invited after its slot', async () => {
    const xuan = importMember();
    const attendees = Array.from({ length: 55 }, (_, i) => {
      const person = addPerson(w, 'telegram', String(7000 + i), 'Đảng viên');
      addMember(w, f.cell.id, person, `Trần Văn Viên ${i + 1}`);
      return person;
    });
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-20' }));
    w.clock.advance(MINUTE);
    for (const a of attendees) k.meetings.rsvp(a.caller, meeting.id, 'attend');
    // They join after the 2-hour slot came due, before anyone's tick saw it.
    w.clock.set(meeting.startsAt - 2 * HOUR + MINUTE);
    const person = join(xuan);
    await tick(w.clock.now());
    const final = keyed(w.store, /:rem:\d+:120:/);
    expect(final.map((r) => r.personId).sort()).toEqual([...attendees.map((a) => a.personId), f.actors.secretary.personId, f.actors.deputy.personId, f.actors.committee.personId, f.actors.member.personId].sort());
    expect(keyed(w.store, new RegExp(`^mtg:${meeting.id}:`)).filter((r) => r.personId === person.personId).map((r) => r.idempotencyKey)).toEqual([`mtg:${meeting.id}:inv:p${person.personId}`]);
  });

  it('invites in the morning a member who joins in quiet hours', async () => {
    const xuan = importMember();
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-20' }));
    w.clock.set(at('2026-03-12', '22:30'));
    const person = join(xuan);
    await tick(w.clock.now());
    const theirs = invitations(meeting.id).filter((r) => r.personId === person.personId);
    expect(theirs.map((r) => r.nextAttemptAt)).toEqual([at('2026-03-13', '07:00')]);
  });

  it('sends the check-in button to a member who joins after the start, while check-in is open', async () => {
    const xuan = importMember();
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft({ kind: 'extraordinary', date: '2026-03-10', time: '10:20' }));
    await tick(w.clock.now());
    const buttons = () => keyed(w.store, /:ci:/);
    expect(buttons()).toHaveLength(4);
    w.clock.set(meeting.startsAt + 5 * MINUTE);
    const person = join(xuan);
    await tick(w.clock.now());
    await tick(w.clock.now() + MINUTE);
    expect(buttons().filter((r) => r.personId === person.personId).map((r) => r.idempotencyKey)).toEqual([`mtg:${meeting.id}:ci:${meeting.startsAt}:p${person.personId}`]);
    // After the start there is nothing to invite to any more.
    expect(invitations(meeting.id).some((r) => r.personId === person.personId)).toBe(false);
    expect(k.attendance.checkInButton(person.caller, meeting.id)).toMatchObject({ status: 'late', already: false });
  });

  it('keeps reminding a member whose membership moved to another person (a linked account), without inviting again', async () => {
    const committee = f.actors.committee;
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-20' }));
    await tick(w.clock.now());
    // They started the bot on Telegram too, and linked their Zalo account to it: the membership moves with it.
    const telegram = addPerson(w, 'telegram', '610', 'Cường');
    const { code } = w.services.identity.createLinkCode(telegram.personId, 'telegram');
    w.services.identity.redeemLinkCode(committee.account, code);
    expect(w.repos.members.get(f.members.committee?.id ?? 0)?.personId).toBe(telegram.personId);
    await tick(meeting.startsAt - 3 * DAY + HOUR);
    expect(k.repo.attendee(meeting.id, f.members.committee?.id ?? 0)).toMatchObject({ personId: telegram.personId, invited: true });
    expect(invitations(meeting.id)).toHaveLength(4);
    const reminders = keyed(w.store, /:rem:/).filter((r) => r.personId === telegram.personId);
    expect(reminders.map((r) => r.idempotencyKey)).toEqual([`mtg:${meeting.id}:rem:${meeting.startsAt}:4320:p${telegram.personId}`]);
  });

  it('sends an invitation the platform refused again once the member writes to the bot, once', async () => {
    const member = f.actors.member;
    const { meeting } = await k.meetings.create(sec(), f.cell.id, draft({ date: '2026-03-20' }));
    const first = `mtg:${meeting.id}:inv:p${member.personId}`;
    // The sender tried: Telegram said the member blocked the bot.
    w.clock.advance(MINUTE);
    w.store.sqlite.prepare("UPDATE outbox SET status = 'failed', last_error = 'Forbidden: bot was blocked by the user', next_attempt_at = ? WHERE idempotency_key = ?").run(w.clock.now(), first);
    w.repos.people.markUnreachable('telegram', member.account.externalId, 'Forbidden: bot was blocked by the user');
    await tick(w.clock.now() + MINUTE);
    const theirs = () => invitations(meeting.id).filter((r) => r.personId === member.personId);
    expect(theirs().map((r) => r.idempotencyKey)).toEqual([first]);
    expect(k.attendance.report(sec(), meeting.id).unreachable).toEqual([{ fullName: 'Phạm Thị Dung', reason: 'Forbidden: bot was blocked by the user' }]);

    // They unblock the bot and write to it.
    w.clock.advance(HOUR);
    w.repos.people.touchAccount('telegram', member.account.externalId, 'Dung', w.clock.now());
    await tick(w.clock.now());
    await tick(w.clock.now() + MINUTE);
    expect(theirs().map((r) => [r.idempotencyKey, r.status])).toEqual([
      [first, 'failed'],
      [`${first}:r1`, 'pending'],
    ]);
    expect(k.attendance.report(sec(), meeting.id).unreachable).toEqual([]);
    markAllSent(w.store, w.clock.now());
    await tick(w.clock.now() + MINUTE);
    expect(theirs()).toHaveLength(2);
  });
});

describe('dues', () => {
  let d: DuesKit;
  beforeEach(() => {
    d = duesKit(w);
  });
  const april = (member: MemberRow) => d.dues.repo.chargeFor(member.id, '2026-04');

  it("sends this month's reminder to a member who joins after the reminder day, once", () => {
    const xuan = importMember({ fullName: XUAN, duesCategory: 'Lương hưu', incomeBase: '6.000.000' });
    const reminderDay = Date.parse('2026-04-05T09:00:00+07:00');
    w.clock.set(reminderDay);
    const first = d.cycle.run(reminderDay);
    expect(first.reminders).toBeGreaterThan(0);
    const mine = () => outboxWith(w.store, `dues:remind:${xuan.id}:`);
    expect(mine()).toEqual([]);
    // Not marked as reminded: nobody could be told.
    expect(april(xuan)?.remindedAt).toBeNull();
    expect(d.cycle.run(reminderDay + MINUTE).reminders).toBe(0);

    w.clock.set(Date.parse('2026-04-12T10:00:00+07:00'));
    const person = join(xuan);
    expect(d.cycle.run(w.clock.now()).reminders).toBe(1);
    expect(mine()).toMatchObject([{ key: `dues:remind:${xuan.id}:2026-04`, personId: person.personId, chatId: '600' }]);
    expect(mine()[0]?.text).toContain('Đảng phí tháng 04/2026');
    expect(april(xuan)?.remindedAt).toBe(w.clock.now());
    expect(d.cycle.run(w.clock.now() + MINUTE).reminders).toBe(0);
    expect(mine()).toHaveLength(1);
  });
});

describe('assignments', () => {
  let s: InputServices;
  beforeEach(() => {
    s = inputServices(w);
  });
  const utc = (iso: string): number => Date.parse(`${iso}Z`);
  const run = (t: number, dryRun = false) => {
    w.clock.set(t);
    return s.assignments.runJob(t, dryRun);
  };

  it('sends the card of a task given before the member joined on the first run after, out of quiet hours, once', () => {
    const xuan = importMember();
    const task = s.assignments.create(sec(), f.cell.id, { memberId: xuan.id, title: 'Viết tin bài', deadline: '2026-03-20', criterion: 1 });
    expect(w.repos.outbox.byKey(`asg:${task.id}:new`)).toBeUndefined();
    expect(run(utc('2026-03-11T03:00:00'))).toEqual({ cards: 0, reminders: 0, overdue: 0 });
    // The 3-day reminder slot passes while they still have no account: nothing is queued, nothing counted.
    expect(run(utc('2026-03-17T02:00:00'))).toEqual({ cards: 0, reminders: 0, overdue: 0 });

    w.clock.set(utc('2026-03-17T15:30:00')); // 22:30 local
    const person = join(xuan);
    expect(run(w.clock.now())).toEqual({ cards: 0, reminders: 0, overdue: 0 });
    const before = outboxFor(w.store, person.personId);
    expect(run(utc('2026-03-18T01:00:00'), true)).toEqual({ cards: 1, reminders: 0, overdue: 0 });
    expect(outboxFor(w.store, person.personId)).toEqual(before);

    // 08:00 local: the card, and not the reminder of a slot that came before it.
    expect(run(utc('2026-03-18T01:00:00'))).toEqual({ cards: 1, reminders: 0, overdue: 0 });
    const cards = outboxFor(w.store, person.personId);
    expect(cards.map((n) => n.key)).toEqual([`asg:${task.id}:new`]);
    expect(cards[0]?.text).toContain('Viết tin bài');
    expect(cards[0]?.choices).toContain(`as:ok:${task.id}`);
    expect(run(utc('2026-03-18T01:01:00'))).toEqual({ cards: 0, reminders: 0, overdue: 0 });
    // The next reminder slot reaches them.
    expect(run(utc('2026-03-19T01:00:00'))).toEqual({ cards: 0, reminders: 1, overdue: 0 });
    expect(outboxFor(w.store, person.personId).map((n) => n.key)).toEqual([`asg:${task.id}:new`, `asg:${task.id}:rem:2026-03-20:1`]);
    // They can answer it.
    expect(s.assignments.respond(person.caller, task.id, 'accept').status).toBe('accepted');
  });

  it('sends no late card for a task that is finished, nor to a member who left', () => {
    const xuan = importMember();
    const done = s.assignments.create(sec(), f.cell.id, { memberId: xuan.id, title: 'Việc đã xong', deadline: '2026-03-20', criterion: 1 });
    s.assignments.confirm(sec(), done.id);
    const cancelled = s.assignments.create(sec(), f.cell.id, { memberId: xuan.id, title: 'Việc đã hủy', deadline: '2026-03-20', criterion: 1 });
    s.assignments.cancel(sec(), cancelled.id);
    const person = join(xuan);
    expect(run(utc('2026-03-11T03:00:00'))).toEqual({ cards: 0, reminders: 0, overdue: 0 });
    expect(outboxFor(w.store, person.personId)).toEqual([]);

    const yen = importMember({ fullName: 'Trần Văn Yên' });
    const open = s.assignments.create(sec(), f.cell.id, { memberId: yen.id, title: 'Việc mở', deadline: '2026-03-25', criterion: 1 });
    const other = join(yen, '601');
    w.services.members.remove(sec(), yen.id);
    expect(run(utc('2026-03-11T03:05:00'))).toEqual({ cards: 0, reminders: 0, overdue: 0 });
    expect(outboxFor(w.store, other.personId).filter((n) => n.key.startsWith(`asg:${open.id}:`))).toEqual([]);
  });
});
