import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import type { PrivilegedAction } from '../domain/roles.js';
import { AssignmentRepo, type AssignmentRow } from '../store/repos/assignments.js';
import type { MemberRow } from '../store/repos/members.js';
import { expectedFor, inputServices, inputSnapshot, outboxFor, type InputServices } from './assignments.testing.js';
import type { Caller } from './context.js';
import { actorKinds, addMember, addPerson, cloneWorld, errorCode, openWorld, seedCell, standingInCell, T0, type ActorKind, type CellFixture, type TestWorld } from './testing.js';

let template: TestWorld;
let f: CellFixture;
let w: TestWorld;
let s: InputServices;
let repo: AssignmentRepo;

beforeAll(() => {
  template = openWorld();
  f = seedCell(template);
});
afterAll(() => template.close());
beforeEach(() => {
  w = cloneWorld(template);
  s = inputServices(w);
  repo = new AssignmentRepo(w.store.db);
});
afterEach(() => w.close());

const utc = (iso: string): number => Date.parse(`${iso}Z`);
const sec = (): Caller => f.actors.secretary.caller;
const target = (): MemberRow => f.targetMember;

/** A task inserted directly in a given state (the services reach it in several steps). */
function task(memberId: number, status: AssignmentRow['status'] = 'open', extra: Partial<AssignmentRow> = {}): AssignmentRow {
  const now = w.clock.now();
  return repo.insert({ cellId: f.cell.id, memberId, assignedBy: f.members.secretary?.id ?? 0, title: 'Chuẩn bị báo cáo quý', criterion: 3, deadline: '2026-03-31', status, createdAt: now, updatedAt: now, ...extra });
}

/** The actor's own membership in the fixture cell, when they have one; else the target's (so the refusal is about standing, not ownership). */
function ownMemberId(kind: ActorKind): number {
  return f.members[kind]?.id ?? target().id;
}

interface Case {
  name: string;
  rule: PrivilegedAction;
  writes: boolean;
  /** The task the action is aimed at, created before the snapshot. */
  setup?: (kind: ActorKind) => AssignmentRow;
  run: (caller: Caller, taskId: number) => unknown;
}

const doneExtra = { doneAt: T0, doneOn: '2026-03-10' };

const cases: Case[] = [
  { name: 'assignable', rule: 'assignment.manage', writes: false, run: (c) => s.assignments.assignable(c, f.cell.id) },
  { name: 'checkInput', rule: 'assignment.manage', writes: false, run: (c) => s.assignments.checkInput(c, f.cell.id, { title: 'Viết tin bài', deadline: '2026-03-20', criterion: 1, memberId: target().id }) },
  { name: 'create', rule: 'assignment.manage', writes: true, run: (c) => s.assignments.create(c, f.cell.id, { memberId: target().id, title: 'Viết tin bài', deadline: '2026-03-20', criterion: 1 }) },
  { name: 'mine', rule: 'assignment.respond', writes: false, run: (c) => s.assignments.mine(c, f.cell.id) },
  { name: 'ofCell', rule: 'assignment.view', writes: false, run: (c) => s.assignments.ofCell(c, f.cell.id) },
  { name: 'get (another member’s task)', rule: 'assignment.view', writes: false, setup: () => task(target().id), run: (c, id) => s.assignments.get(c, id) },
  { name: 'respond accept (own task)', rule: 'assignment.respond', writes: true, setup: (k) => task(ownMemberId(k)), run: (c, id) => s.assignments.respond(c, id, 'accept') },
  { name: 'respond block (own task)', rule: 'assignment.respond', writes: true, setup: (k) => task(ownMemberId(k), 'accepted'), run: (c, id) => s.assignments.respond(c, id, 'block', 'Thiếu tài liệu') },
  { name: 'respond resume (own task)', rule: 'assignment.respond', writes: true, setup: (k) => task(ownMemberId(k), 'blocked'), run: (c, id) => s.assignments.respond(c, id, 'resume') },
  { name: 'respond done (own task)', rule: 'assignment.respond', writes: true, setup: (k) => task(ownMemberId(k), 'accepted'), run: (c, id) => s.assignments.respond(c, id, 'done') },
  { name: 'confirm', rule: 'assignment.manage', writes: true, setup: () => task(target().id, 'done', doneExtra), run: (c, id) => s.assignments.confirm(c, id) },
  { name: 'confirm (not reported, with a day)', rule: 'assignment.manage', writes: true, setup: () => task(target().id, 'accepted'), run: (c, id) => s.assignments.confirm(c, id, '2026-03-09') },
  { name: 'sendBack', rule: 'assignment.manage', writes: true, setup: () => task(target().id, 'done', doneExtra), run: (c, id) => s.assignments.sendBack(c, id, 'Còn thiếu số liệu') },
  { name: 'cancel', rule: 'assignment.manage', writes: true, setup: () => task(target().id), run: (c, id) => s.assignments.cancel(c, id) },
  { name: 'changeDeadline', rule: 'assignment.manage', writes: true, setup: () => task(target().id), run: (c, id) => s.assignments.changeDeadline(c, id, '2026-04-15') },
];

describe.each(cases)('$name (rule $rule): every role', (action) => {
  const rows = actorKinds.map((kind) => {
    const outcome = expectedFor(action.rule, standingInCell[kind]);
    return { kind, outcome, label: outcome.allowed ? 'allowed' : `refused with ${outcome.code}` };
  });
  it.each(rows)('$kind: $label', ({ kind, outcome }) => {
    const caller = f.actors[kind].caller;
    const id = action.setup?.(kind).id ?? 0;
    const before = inputSnapshot(w.store);
    let thrown: unknown = null;
    try {
      action.run(caller, id);
    } catch (err) {
      thrown = err;
    }
    const after = inputSnapshot(w.store);
    if (outcome.allowed) {
      expect(thrown).toBeNull();
      if (action.writes) expect(after.auditCount).toBeGreaterThan(before.auditCount);
      else expect(after).toEqual(before);
      return;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe(outcome.code);
    expect(after).toEqual(before);
  });
});

describe('giving a task', () => {
  it('stores it and tells the member privately, with "Nhận" and "Gặp khó khăn"', () => {
    const row = s.assignments.create(sec(), f.cell.id, { memberId: target().id, title: '  Viết   tin bài tháng 3 ', deadline: '2026-03-20', criterion: 1 });
    expect(row).toMatchObject({ status: 'open', title: 'Viết tin bài tháng 3', criterion: 1, deadline: '2026-03-20', assignedBy: f.members.secretary?.id });
    const notices = outboxFor(w.store, f.target.personId);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.key).toBe(`asg:${row.id}:new`);
    expect(notices[0]?.text).toContain('Viết tin bài tháng 3');
    expect(notices[0]?.text).toContain('Thứ Sáu, 20/03/2026');
    expect(notices[0]?.text).toContain('Lãnh đạo thực hiện TỐT nhiệm vụ chính trị');
    expect(notices[0]?.choices).toEqual([`as:ok:${row.id}`, `as:bk:${row.id}`]);
  });

  it.each([
    ['a member who left', () => f.members.left?.id ?? 0, 'ASSIGNMENT.ASSIGNEE_INVALID'],
    ['a pending member', () => f.members.pending?.id ?? 0, 'ASSIGNMENT.ASSIGNEE_INVALID'],
    ['a member of another cell', () => w.repos.members.inCell(f.otherCell.id, f.actors.otherSecretary.personId)?.id ?? 0, 'ASSIGNMENT.ASSIGNEE_INVALID'],
    ['nobody', () => 99_999, 'ASSIGNMENT.ASSIGNEE_INVALID'],
  ])('refuses %s, changing nothing', (_label, memberId, code) => {
    const before = inputSnapshot(w.store);
    expect(errorCode(() => s.assignments.create(sec(), f.cell.id, { memberId: memberId(), title: 'Việc', deadline: '2026-03-20', criterion: 1 }))).toBe(code);
    expect(inputSnapshot(w.store)).toEqual(before);
  });

  it.each([
    [{ title: 'ab' }, 'ASSIGNMENT.TITLE_INVALID'],
    [{ title: 'Gọi số 079123456789' }, 'MEMBER.ID_NUMBER'],
    [{ deadline: '2024-12-31' }, 'ASSIGNMENT.DEADLINE_INVALID'],
    [{ deadline: '2028-03-11' }, 'ASSIGNMENT.DEADLINE_INVALID'],
    [{ criterion: 5 }, 'ASSIGNMENT.CRITERION_INVALID'],
    [{ criterion: 0 }, 'ASSIGNMENT.CRITERION_INVALID'],
  ])('refuses bad input %o, changing nothing', (bad, code) => {
    const before = inputSnapshot(w.store);
    expect(errorCode(() => s.assignments.create(sec(), f.cell.id, { memberId: target().id, title: 'Viết tin bài', deadline: '2026-03-20', criterion: 1, ...bad }))).toBe(code);
    expect(inputSnapshot(w.store)).toEqual(before);
  });

  it('accepts a deadline already past (a task entered from the notebook)', () => {
    expect(s.assignments.create(sec(), f.cell.id, { memberId: target().id, title: 'Việc giao từ tháng 1', deadline: '2026-01-31', criterion: 4 }).deadline).toBe('2026-01-31');
  });
});

describe('a task from start to finish', () => {
  it('is accepted, blocked with a note, resumed, done, returned, done again and confirmed', () => {
    const row = s.assignments.create(f.actors.deputy.caller, f.cell.id, { memberId: target().id, title: 'Rà soát hồ sơ đảng viên', deadline: '2026-03-20', criterion: 3 });
    const me = f.target.caller;
    const deputyPerson = f.actors.deputy.personId;

    expect(s.assignments.respond(me, row.id, 'accept')).toMatchObject({ status: 'accepted' });
    expect(outboxFor(w.store, deputyPerson).at(-1)?.text).toContain('Hoàng Văn Mục đã nhận việc');

    const before = inputSnapshot(w.store);
    expect(errorCode(() => s.assignments.respond(me, row.id, 'block', ' '))).toBe('ASSIGNMENT.NOTE_INVALID');
    expect(inputSnapshot(w.store)).toEqual(before);
    const blocked = s.assignments.respond(me, row.id, 'block', 'Chưa có danh sách từ văn phòng');
    expect(blocked).toMatchObject({ status: 'blocked', blockNote: 'Chưa có danh sách từ văn phòng' });
    expect(outboxFor(w.store, deputyPerson).at(-1)?.text).toContain('Chưa có danh sách từ văn phòng');

    w.clock.advance(60_000);
    expect(s.assignments.respond(me, row.id, 'block', 'Vẫn chưa có danh sách')).toMatchObject({ status: 'blocked', blockNote: 'Vẫn chưa có danh sách' });
    expect(s.assignments.respond(me, row.id, 'resume')).toMatchObject({ status: 'accepted' });

    w.clock.set(utc('2026-03-15T04:00:00'));
    const done = s.assignments.respond(me, row.id, 'done');
    expect(done).toMatchObject({ status: 'done', doneOn: '2026-03-15' });
    const doneNotice = outboxFor(w.store, deputyPerson).at(-1);
    expect(doneNotice?.choices).toEqual([`as:cf:${row.id}`, `as:rt:${row.id}`]);

    const returned = s.assignments.sendBack(f.actors.deputy.caller, row.id, 'Thiếu hồ sơ của 2 đồng chí');
    expect(returned).toMatchObject({ status: 'accepted', doneOn: null, doneAt: null, returnNote: 'Thiếu hồ sơ của 2 đồng chí' });
    expect(outboxFor(w.store, f.target.personId).at(-1)?.text).toContain('Thiếu hồ sơ của 2 đồng chí');

    w.clock.set(utc('2026-03-18T04:00:00'));
    s.assignments.respond(me, row.id, 'done');
    const confirmed = s.assignments.confirm(sec(), row.id);
    expect(confirmed).toMatchObject({ status: 'confirmed', doneOn: '2026-03-18', confirmedBy: f.members.secretary?.id });
    expect(outboxFor(w.store, f.target.personId).at(-1)?.text).toContain('đã xác nhận công việc hoàn thành');

    // Nothing more can happen to it.
    for (const ev of ['accept', 'block', 'resume', 'done'] as const) expect(errorCode(() => s.assignments.respond(me, row.id, ev, 'ghi chú'))).toBe('ASSIGNMENT.STATE');
    expect(errorCode(() => s.assignments.cancel(sec(), row.id))).toBe('ASSIGNMENT.STATE');
    expect(errorCode(() => s.assignments.confirm(sec(), row.id))).toBe('ASSIGNMENT.STATE');
    const march = s.assignments.summary(f.cell.id, { from: '2026-03-01', to: '2026-03-31' });
    expect(march.all).toEqual({ total: 1, doneOnTime: 1, doneLate: 0, overdue: 0, pending: 0, unconfirmed: 0 });
    expect(march.byCriterion[3].doneOnTime).toBe(1);
    expect(march.byMember.get(target().id)?.doneOnTime).toBe(1);
  });

  it('is late when done after its deadline, and says so', () => {
    const row = s.assignments.create(sec(), f.cell.id, { memberId: target().id, title: 'Nộp bản kiểm điểm', deadline: '2026-03-05', criterion: 4 });
    s.assignments.respond(f.target.caller, row.id, 'done');
    s.assignments.confirm(sec(), row.id);
    const march = s.assignments.summary(f.cell.id, { from: '2026-03-01', to: '2026-03-31' });
    expect(march.all).toMatchObject({ total: 1, doneOnTime: 0, doneLate: 1 });
    expect(s.assignments.get(sec(), row.id).row.doneOn).toBe('2026-03-10');
  });

  it('lets a leader record completion on a given day, never a future one', () => {
    const row = task(target().id, 'accepted', { deadline: '2026-03-08' });
    const before = inputSnapshot(w.store);
    expect(errorCode(() => s.assignments.confirm(sec(), row.id, '2026-03-11'))).toBe('ASSIGNMENT.DATE_INVALID');
    expect(inputSnapshot(w.store)).toEqual(before);
    expect(s.assignments.confirm(sec(), row.id, '2026-03-07')).toMatchObject({ status: 'confirmed', doneOn: '2026-03-07' });
    expect(s.assignments.summary(f.cell.id, { from: '2026-03-01', to: '2026-03-31' }).all.doneOnTime).toBe(1);
  });

  it('refuses a member answering someone else’s task, changing nothing', () => {
    const row = task(target().id);
    const before = inputSnapshot(w.store);
    for (const kind of ['member', 'committee', 'deputy', 'secretary'] as const) {
      expect(errorCode(() => s.assignments.respond(f.actors[kind].caller, row.id, 'accept'))).toBe('ASSIGNMENT.NOT_YOURS');
    }
    expect(inputSnapshot(w.store)).toEqual(before);
  });

  it('lets a plain member see only their own tasks', () => {
    const other = task(target().id);
    const own = task(f.members.member?.id ?? 0);
    expect(s.assignments.mine(f.actors.member.caller, f.cell.id).map((v) => v.row.id)).toEqual([own.id]);
    expect(s.assignments.get(f.actors.member.caller, own.id).isAssignee).toBe(true);
    expect(errorCode(() => s.assignments.get(f.actors.member.caller, other.id))).toBe('AUTH.FORBIDDEN');
    expect(errorCode(() => s.assignments.get(f.actors.member.caller, 99_999))).toBe('ASSIGNMENT.NOT_FOUND');
  });

  it('acts once when two leaders press at the same time', () => {
    const row = task(target().id, 'done', { doneAt: T0, doneOn: '2026-03-10' });
    const stale = { ...row };
    s.assignments.confirm(sec(), row.id);
    // The second press was decided on the old state: the repository refuses to move it again.
    expect(repo.transition(stale.id, stale.status, { status: 'accepted' })).toBeUndefined();
    expect(errorCode(() => s.assignments.sendBack(f.actors.deputy.caller, row.id, 'Trả lại'))).toBe('ASSIGNMENT.STATE');
  });

  it('tells the secretaries and deputies when the assigner no longer leads the cell', () => {
    const row = s.assignments.create(f.actors.deputy.caller, f.cell.id, { memberId: target().id, title: 'Việc', deadline: '2026-03-20', criterion: 2 });
    w.services.members.setRole(sec(), f.members.deputy?.id ?? 0, 'member');
    s.assignments.respond(f.target.caller, row.id, 'accept');
    expect(outboxFor(w.store, f.actors.secretary.personId).some((n) => n.key.startsWith(`asg:${row.id}:accept:`))).toBe(true);
    expect(outboxFor(w.store, f.actors.deputy.personId).some((n) => n.key.startsWith(`asg:${row.id}:accept:`))).toBe(false);
  });

  it('moves the deadline of a running task only, and tells the member', () => {
    const row = task(target().id, 'blocked');
    expect(s.assignments.changeDeadline(sec(), row.id, '2026-04-30').deadline).toBe('2026-04-30');
    expect(outboxFor(w.store, f.target.personId).at(-1)?.text).toContain('đổi hạn');
    const done = task(target().id, 'done', { doneAt: T0, doneOn: '2026-03-10' });
    expect(errorCode(() => s.assignments.changeDeadline(sec(), done.id, '2026-04-30'))).toBe('ASSIGNMENT.STATE');
    expect(errorCode(() => s.assignments.changeDeadline(sec(), row.id, '2024-01-01'))).toBe('ASSIGNMENT.DEADLINE_INVALID');
  });
});

describe('counts for the scorecard', () => {
  it('counts members with a task running in the period', () => {
    task(target().id, 'open', { deadline: '2026-04-15' }); // given in March, due in April: runs in both
    task(f.members.member?.id ?? 0, 'cancelled', { deadline: '2026-03-20' });
    task(f.members.committee?.id ?? 0, 'confirmed', { deadline: '2026-02-20', doneOn: '2026-02-19' });
    expect([...s.assignments.membersWithTasks(f.cell.id, { from: '2026-03-01', to: '2026-03-31' })]).toEqual([target().id]);
    expect([...s.assignments.membersWithTasks(f.cell.id, { from: '2026-04-01', to: '2026-04-30' })]).toEqual([target().id]);
    expect([...s.assignments.membersWithTasks(f.cell.id, { from: '2026-02-01', to: '2026-02-28' })]).toEqual([]);
  });
});

describe('reminders and overdue notices (the job)', () => {
  function notices(personId: number) {
    return outboxFor(w.store, personId).filter((n) => n.key.includes(':rem:') || n.key.includes(':late:'));
  }

  it('reminds 3 and 1 days before at 08:00, once each, and only the latest after downtime', () => {
    const row = s.assignments.create(sec(), f.cell.id, { memberId: target().id, title: 'Viết tin bài', deadline: '2026-03-20', criterion: 1 });
    s.assignments.runJob(utc('2026-03-17T00:59:00'), false);
    expect(notices(f.target.personId)).toEqual([]);
    s.assignments.runJob(utc('2026-03-17T01:00:00'), false);
    s.assignments.runJob(utc('2026-03-17T05:00:00'), false);
    expect(notices(f.target.personId).map((n) => n.key)).toEqual([`asg:${row.id}:rem:2026-03-20:3`]);
    expect(notices(f.target.personId)[0]?.text).toContain('còn 3 ngày');
    s.assignments.runJob(utc('2026-03-19T02:00:00'), false);
    expect(notices(f.target.personId).map((n) => n.key)).toEqual([`asg:${row.id}:rem:2026-03-20:3`, `asg:${row.id}:rem:2026-03-20:1`]);

    const late = s.assignments.create(sec(), f.cell.id, { memberId: target().id, title: 'Việc khác', deadline: '2026-03-25', criterion: 1 });
    // Down from before the 3-day slot until after the 1-day slot: only the 1-day reminder goes out.
    s.assignments.runJob(utc('2026-03-24T05:00:00'), false);
    expect(notices(f.target.personId).filter((n) => n.key.startsWith(`asg:${late.id}:`)).map((n) => n.key)).toEqual([`asg:${late.id}:rem:2026-03-25:1`]);
  });

  it('keeps quiet hours, writes nothing on a dry run, and skips finished tasks and members who left', () => {
    const row = s.assignments.create(sec(), f.cell.id, { memberId: target().id, title: 'Viết tin bài', deadline: '2026-03-20', criterion: 1 });
    expect(s.assignments.runJob(utc('2026-03-17T15:00:00'), false)).toEqual({ cards: 0, reminders: 0, overdue: 0 }); // 22:00 local
    const before = inputSnapshot(w.store);
    expect(s.assignments.runJob(utc('2026-03-17T05:00:00'), true)).toEqual({ cards: 0, reminders: 1, overdue: 0 });
    expect(inputSnapshot(w.store)).toEqual(before);
    s.assignments.respond(f.target.caller, row.id, 'done');
    expect(s.assignments.runJob(utc('2026-03-19T05:00:00'), false)).toEqual({ cards: 0, reminders: 0, overdue: 0 });

    const leaver = addMember(w, f.cell.id, addPerson(w, 'telegram', '777', 'Tí'), 'Lý Văn Tí');
    const t2 = s.assignments.create(sec(), f.cell.id, { memberId: leaver.id, title: 'Việc', deadline: '2026-03-20', criterion: 1 });
    w.services.members.remove(sec(), leaver.id);
    s.assignments.runJob(utc('2026-03-19T05:00:00'), false);
    expect(outboxFor(w.store, leaver.personId).filter((n) => n.key.startsWith(`asg:${t2.id}:rem`))).toEqual([]);
  });

  it('tells the member and the assigner the morning after the deadline, once', () => {
    const row = s.assignments.create(f.actors.deputy.caller, f.cell.id, { memberId: target().id, title: 'Viết tin bài', deadline: '2026-03-20', criterion: 1 });
    s.assignments.runJob(utc('2026-03-21T00:30:00'), false);
    expect(notices(f.target.personId).some((n) => n.key.includes(':late:'))).toBe(false);
    s.assignments.runJob(utc('2026-03-21T01:00:00'), false);
    s.assignments.runJob(utc('2026-03-22T01:00:00'), false);
    expect(notices(f.target.personId).filter((n) => n.key.includes(':late:')).map((n) => n.key)).toEqual([`asg:${row.id}:late:2026-03-20`]);
    const leader = outboxFor(w.store, f.actors.deputy.personId).filter((n) => n.key.includes(':late:'));
    expect(leader.map((n) => n.key)).toEqual([`asg:${row.id}:late:2026-03-20:p${f.actors.deputy.personId}`]);
    expect(leader[0]?.text).toContain('đã quá hạn');
    expect(leader[0]?.choices).toContain(`as:cf:${row.id}`);
  });

  it('sends no overdue notice for a task entered after its deadline', () => {
    s.assignments.create(sec(), f.cell.id, { memberId: target().id, title: 'Việc cũ', deadline: '2026-03-01', criterion: 1 });
    expect(s.assignments.runJob(utc('2026-03-10T05:00:00'), false)).toEqual({ cards: 0, reminders: 0, overdue: 0 });
  });
});
