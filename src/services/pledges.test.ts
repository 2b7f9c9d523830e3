import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import type { PrivilegedAction } from '../domain/roles.js';
import { PledgeRepo, type PledgeRow } from '../store/repos/pledges.js';
import { expectedFor, inputServices, inputSnapshot, outboxFor, type InputServices } from './assignments.testing.js';
import type { Caller } from './context.js';
import { actorKinds, cloneWorld, errorCode, openWorld, seedCell, standingInCell, type ActorKind, type CellFixture, type TestWorld } from './testing.js';

let template: TestWorld;
let f: CellFixture;
let w: TestWorld;
let s: InputServices;
let repo: PledgeRepo;

beforeAll(() => {
  template = openWorld();
  f = seedCell(template);
});
afterAll(() => template.close());
beforeEach(() => {
  w = cloneWorld(template);
  s = inputServices(w);
  repo = new PledgeRepo(w.store.db);
});
afterEach(() => w.close());

const utc = (iso: string): number => Date.parse(`${iso}Z`);
const full = { sections: { study: ['Học chuyên đề năm 2026'], practice: ['Nêu gương nơi làm việc'], actionPlan: ['Hoàn thành đúng hạn mọi nhiệm vụ'] } };

function pledge(memberId: number, status: PledgeRow['status'] = 'draft', year = 2026, extra: Partial<PledgeRow> = {}): PledgeRow {
  const now = w.clock.now();
  return repo.insert({ cellId: f.cell.id, memberId, year, status, content: full, submittedAt: status === 'submitted' ? now : null, createdAt: now, updatedAt: now, ...extra });
}

const ownMemberId = (kind: ActorKind): number => f.members[kind]?.id ?? f.targetMember.id;

interface Case {
  name: string;
  rule: PrivilegedAction;
  writes: boolean;
  setup?: (kind: ActorKind) => void;
  run: (caller: Caller) => unknown;
}

const cases: Case[] = [
  { name: 'years', rule: 'pledge.write', writes: false, run: (c) => s.pledges.years(c, f.cell.id) },
  { name: 'mine', rule: 'pledge.write', writes: false, run: (c) => s.pledges.mine(c, f.cell.id, 2026) },
  { name: 'write', rule: 'pledge.write', writes: true, run: (c) => s.pledges.write(c, f.cell.id, 2026, 'study', 'Học chuyên đề', 'append') },
  { name: 'submit (own complete draft)', rule: 'pledge.write', writes: true, setup: (k) => void pledge(ownMemberId(k)), run: (c) => s.pledges.submit(c, f.cell.id, 2026) },
  { name: 'withdraw (own submitted)', rule: 'pledge.write', writes: true, setup: (k) => void pledge(ownMemberId(k), 'submitted'), run: (c) => s.pledges.withdraw(c, f.cell.id, 2026) },
  {
    name: 'writeSelfCheck (own submitted, in July)',
    rule: 'pledge.write',
    writes: true,
    setup: (k) => {
      pledge(ownMemberId(k), 'submitted');
      w.clock.set(utc('2026-07-02T03:00:00'));
    },
    run: (c) => s.pledges.writeSelfCheck(c, f.cell.id, 2026, 'Đã thực hiện tốt', 'append'),
  },
  { name: 'status', rule: 'pledge.status', writes: false, run: (c) => s.pledges.status(c, f.cell.id, 2026) },
  { name: 'read (another member’s submitted pledge)', rule: 'pledge.read', writes: false, setup: () => void pledge(f.targetMember.id, 'submitted'), run: (c) => s.pledges.read(c, repo.of(f.targetMember.id, 2026)?.id ?? 0) },
];

describe.each(cases)('$name (rule $rule): every role', (action) => {
  const rows = actorKinds.map((kind) => {
    const outcome = expectedFor(action.rule, standingInCell[kind]);
    return { kind, outcome, label: outcome.allowed ? 'allowed' : `refused with ${outcome.code}` };
  });
  it.each(rows)('$kind: $label', ({ kind, outcome }) => {
    action.setup?.(kind);
    const before = inputSnapshot(w.store);
    const beforePledges = w.store.sqlite.prepare('SELECT * FROM pledges ORDER BY id').all();
    let thrown: unknown = null;
    try {
      action.run(f.actors[kind].caller);
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
    expect(w.store.sqlite.prepare('SELECT * FROM pledges ORDER BY id').all()).toEqual(beforePledges);
  });
});

describe('writing and submitting', () => {
  const me = (): Caller => f.actors.member.caller;

  it('writes over several messages, edits a section, submits, takes back and resubmits', () => {
    s.pledges.write(me(), f.cell.id, 2026, 'study', 'Học chuyên đề năm 2026.', 'append');
    s.pledges.write(me(), f.cell.id, 2026, 'study', 'Đọc tác phẩm "Sửa đổi lối làm việc".', 'append');
    s.pledges.write(me(), f.cell.id, 2026, 'practice', 'Nêu gương.', 'append');
    const before = inputSnapshot(w.store);
    expect(errorCode(() => s.pledges.submit(me(), f.cell.id, 2026))).toBe('PLEDGE.INCOMPLETE');
    expect(inputSnapshot(w.store)).toEqual(before);
    s.pledges.write(me(), f.cell.id, 2026, 'actionPlan', 'Hoàn thành đúng hạn mọi nhiệm vụ.', 'append');
    const edited = s.pledges.write(me(), f.cell.id, 2026, 'practice', 'Giữ gìn đạo đức, lối sống giản dị.', 'replace');
    expect(edited.content.sections).toEqual({ study: ['Học chuyên đề năm 2026.', 'Đọc tác phẩm "Sửa đổi lối làm việc".'], practice: ['Giữ gìn đạo đức, lối sống giản dị.'], actionPlan: ['Hoàn thành đúng hạn mọi nhiệm vụ.'] });

    const submitted = s.pledges.submit(me(), f.cell.id, 2026);
    expect(submitted.pledge).toMatchObject({ status: 'submitted', submittedAt: w.clock.now() });
    expect(errorCode(() => s.pledges.submit(me(), f.cell.id, 2026))).toBe('PLEDGE.SUBMITTED');
    expect(errorCode(() => s.pledges.write(me(), f.cell.id, 2026, 'study', 'thêm', 'append'))).toBe('PLEDGE.SUBMITTED');
    expect(s.pledges.status(f.actors.committee.caller, f.cell.id, 2026).counts.submitted).toBe(1);

    expect(s.pledges.withdraw(me(), f.cell.id, 2026).pledge).toMatchObject({ status: 'draft', submittedAt: null });
    expect(s.pledges.status(f.actors.committee.caller, f.cell.id, 2026).counts).toMatchObject({ submitted: 0, drafts: 1 });
    expect(errorCode(() => s.pledges.withdraw(me(), f.cell.id, 2026))).toBe('PLEDGE.NOT_SUBMITTED');
    s.pledges.submit(me(), f.cell.id, 2026);
  });

  it('keeps drafts to their author; the secretary and deputy read submitted ones', () => {
    s.pledges.write(f.actors.member.caller, f.cell.id, 2026, 'study', 'Bản nháp riêng', 'append');
    const id = repo.of(f.members.member?.id ?? 0, 2026)?.id ?? 0;
    expect(s.pledges.read(f.actors.member.caller, id).content.sections.study).toEqual(['Bản nháp riêng']);
    expect(errorCode(() => s.pledges.read(f.actors.secretary.caller, id))).toBe('PLEDGE.NOT_FOUND');
    expect(errorCode(() => s.pledges.read(f.actors.otherSecretary.caller, id))).toBe('AUTH.NOT_MEMBER');
    expect(errorCode(() => s.pledges.read(f.actors.secretary.caller, 99_999))).toBe('PLEDGE.NOT_FOUND');
  });

  it('opens only this year, and from December the next', () => {
    expect(errorCode(() => s.pledges.write(f.actors.member.caller, f.cell.id, 2025, 'study', 'x', 'append'))).toBe('PLEDGE.YEAR_CLOSED');
    expect(errorCode(() => s.pledges.write(f.actors.member.caller, f.cell.id, 2027, 'study', 'x', 'append'))).toBe('PLEDGE.YEAR_CLOSED');
    w.clock.set(utc('2026-12-01T03:00:00'));
    expect(s.pledges.years(f.actors.member.caller, f.cell.id)).toEqual([2026, 2027]);
    expect(s.pledges.write(f.actors.member.caller, f.cell.id, 2027, 'study', 'x', 'append').pledge?.year).toBe(2027);
  });

  it('opens the self-check at mid-year, after submitting', () => {
    const me = f.actors.member.caller;
    pledge(f.members.member?.id ?? 0, 'submitted');
    expect(errorCode(() => s.pledges.writeSelfCheck(me, f.cell.id, 2026, 'Sớm quá', 'append'))).toBe('PLEDGE.SELF_CHECK_CLOSED');
    w.clock.set(utc('2026-07-01T03:00:00'));
    expect(s.pledges.writeSelfCheck(me, f.cell.id, 2026, 'Đã học xong chuyên đề.', 'append').selfCheck).toEqual(['Đã học xong chuyên đề.']);
    expect(s.pledges.writeSelfCheck(me, f.cell.id, 2026, 'Còn chậm một việc.', 'append').selfCheck).toEqual(['Đã học xong chuyên đề.', 'Còn chậm một việc.']);
    expect(s.pledges.writeSelfCheck(me, f.cell.id, 2026, 'Viết lại.', 'replace').selfCheck).toEqual(['Viết lại.']);
    expect(errorCode(() => s.pledges.writeSelfCheck(f.actors.committee.caller, f.cell.id, 2026, 'x', 'append'))).toBe('PLEDGE.NOT_SUBMITTED');
    expect(s.pledges.status(f.actors.secretary.caller, f.cell.id, 2026).counts.selfChecked).toBe(1);
  });

  it('counts only members expected to register (not the exempt one), and names everyone', () => {
    pledge(f.members.member?.id ?? 0, 'submitted');
    pledge(f.members.deputy?.id ?? 0, 'draft');
    pledge(f.targetMember.id, 'submitted'); // exempt since 1 March: registered anyway, not counted
    const st = s.pledges.status(f.actors.committee.caller, f.cell.id, 2026);
    expect(st.counts).toEqual({ expected: 4, submitted: 1, drafts: 1, notStarted: 2, selfChecked: 0 });
    expect(st.rows.map((r) => [r.member.fullName, r.status, r.expected])).toEqual([
      ['Hoàng Văn Mục', 'submitted', false],
      ['Lê Văn Cường', 'none', true],
      ['Nguyễn Văn An', 'none', true],
      ['Phạm Thị Dung', 'submitted', true],
      ['Trần Thị Bình', 'draft', true],
    ]);
  });
});

describe('the January reminder and the July self-check (the job)', () => {
  const prompts = (personId: number) => outboxFor(w.store, personId).filter((n) => n.key.startsWith('pledge:'));

  it('reminds those who have not registered at the start of the year, once, never the exempt', () => {
    w.clock.set(utc('2027-01-02T03:00:00'));
    s.pledges.write(f.actors.member.caller, f.cell.id, 2027, 'study', 'x', 'append'); // a draft is not a registration
    pledge(f.members.deputy?.id ?? 0, 'submitted', 2027);
    expect(s.pledges.runJob(utc('2027-01-05T00:30:00'), false)).toEqual({ reminders: 0, selfChecks: 0 }); // 07:30 local
    // Three in this cell (not the deputy, who registered, nor the exempt member) and the other cell's secretary.
    expect(s.pledges.runJob(utc('2027-01-05T01:00:00'), false)).toEqual({ reminders: 4, selfChecks: 0 });
    s.pledges.runJob(utc('2027-01-06T01:00:00'), false);
    const member = prompts(f.actors.member.personId);
    expect(member.map((n) => n.key)).toEqual([`pledge:remind:2027:m${f.members.member?.id}`]);
    expect(member[0]?.text).toContain('Đầu năm 2027');
    expect(member[0]?.choices).toEqual([`pl:y:${f.cell.id}:2027`]);
    expect(prompts(f.actors.deputy.personId)).toEqual([]);
    expect(prompts(f.target.personId)).toEqual([]);
    expect(prompts(f.actors.secretary.personId)).toHaveLength(1);
    expect(prompts(f.actors.committee.personId)).toHaveLength(1);
  });

  it('asks for the self-check in July, and the unregistered to register', () => {
    pledge(f.members.member?.id ?? 0, 'submitted');
    pledge(f.members.deputy?.id ?? 0, 'submitted', 2026, { selfCheck: ['Đã viết'] });
    const before = inputSnapshot(w.store);
    // The member, the secretary and the committee member here, and the other cell's secretary.
    expect(s.pledges.runJob(utc('2026-07-01T02:00:00'), true)).toEqual({ reminders: 0, selfChecks: 4 });
    expect(inputSnapshot(w.store)).toEqual(before);
    expect(s.pledges.runJob(utc('2026-07-01T15:00:00'), false)).toEqual({ reminders: 0, selfChecks: 0 }); // 22:00: quiet
    s.pledges.runJob(utc('2026-07-01T02:00:00'), false);
    s.pledges.runJob(utc('2026-07-02T02:00:00'), false);
    const member = prompts(f.actors.member.personId);
    expect(member.map((n) => n.key)).toEqual([`pledge:check:2026:m${f.members.member?.id}`]);
    expect(member[0]?.choices).toEqual([`pl:sc:${f.cell.id}:2026`]);
    expect(member[0]?.text).toContain('tự kiểm tra');
    expect(prompts(f.actors.deputy.personId)).toEqual([]);
    const committee = prompts(f.actors.committee.personId);
    expect(committee[0]?.choices).toEqual([`pl:y:${f.cell.id}:2026`]);
    expect(committee[0]?.text).toContain('chưa gửi bản đăng ký');
  });

  it('says nothing outside the two windows', () => {
    expect(s.pledges.runJob(utc('2026-03-10T03:00:00'), false)).toEqual({ reminders: 0, selfChecks: 0 });
    expect(s.pledges.runJob(utc('2026-08-05T03:00:00'), false)).toEqual({ reminders: 0, selfChecks: 0 });
  });
});
