import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import type { PrivilegedAction } from '../domain/roles.js';
import { ResidenceRepo } from '../store/repos/residence.js';
import { expectedFor, inputServices, inputSnapshot, outboxFor, type InputServices } from './assignments.testing.js';
import type { Caller } from './context.js';
import { actorKinds, addMember, addPerson, cloneWorld, errorCode, openWorld, seedCell, standingInCell, type CellFixture, type TestWorld } from './testing.js';

let template: TestWorld;
let f: CellFixture;
let w: TestWorld;
let s: InputServices;
let repo: ResidenceRepo;

beforeAll(() => {
  template = openWorld();
  f = seedCell(template);
});
afterAll(() => template.close());
beforeEach(() => {
  w = cloneWorld(template);
  s = inputServices(w);
  repo = new ResidenceRepo(w.store.db);
});
afterEach(() => w.close());

const utc = (iso: string): number => Date.parse(`${iso}Z`);
const sec = (): Caller => f.actors.secretary.caller;
const memberId = (): number => f.members.member?.id ?? 0;
const committeeId = (): number => f.members.committee?.id ?? 0;

const cases: { name: string; rule: PrivilegedAction; writes: boolean; setup?: () => void; run: (c: Caller) => unknown }[] = [
  { name: 'exemptionOf', rule: 'residence.view', writes: false, run: (c) => s.residence.exemptionOf(c, memberId()) },
  { name: 'status', rule: 'residence.view', writes: false, run: (c) => s.residence.status(c, f.cell.id, 2026) },
  { name: 'setExempt (a reason)', rule: 'residence.manage', writes: true, run: (c) => s.residence.setExempt(c, memberId(), 'soldier') },
  {
    name: 'setExempt (cleared)',
    rule: 'residence.manage',
    writes: true,
    setup: () => repo.setExemption({ memberId: memberId(), cellId: f.cell.id, reason: 'police', setBy: 1, now: 0 }),
    run: (c) => s.residence.setExempt(c, memberId(), null),
  },
  { name: 'tick (handed in)', rule: 'residence.manage', writes: true, run: (c) => s.residence.tick(c, f.cell.id, 2026, memberId(), true) },
  {
    name: 'tick (untick)',
    rule: 'residence.manage',
    writes: true,
    setup: () => void repo.addComment({ cellId: f.cell.id, memberId: memberId(), year: 2026, receivedOn: '2026-03-01', recordedBy: 1, createdAt: 0 }),
    run: (c) => s.residence.tick(c, f.cell.id, 2026, memberId(), false),
  },
];

describe.each(cases)('$name (rule $rule): every role', (action) => {
  const rows = actorKinds.map((kind) => {
    const outcome = expectedFor(action.rule, standingInCell[kind]);
    return { kind, outcome, label: outcome.allowed ? 'allowed' : `refused with ${outcome.code}` };
  });
  it.each(rows)('$kind: $label', ({ kind, outcome }) => {
    action.setup?.();
    const before = inputSnapshot(w.store);
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
  });
});

describe('exemptions and ticks', () => {
  it('sets and clears the residenceExempt field', () => {
    expect(s.residence.exemptionOf(sec(), memberId()).reason).toBeNull();
    expect(s.residence.setExempt(sec(), memberId(), 'student').reason).toBe('student');
    expect(s.residence.exemptionOf(f.actors.committee.caller, memberId()).reason).toBe('student');
    expect(s.residence.setExempt(sec(), memberId(), 'police').reason).toBe('police');
    expect(s.residence.setExempt(sec(), memberId(), null).reason).toBeNull();
    expect(repo.exemption(memberId())).toBeUndefined();
  });

  it.each([
    ['an unknown reason', () => s.residence.setExempt(sec(), memberId(), 'retired'), 'RESIDENCE.REASON_INVALID'],
    ['a member who left', () => s.residence.setExempt(sec(), f.members.left?.id ?? 0, 'soldier'), 'MEMBER.NOT_FOUND'],
    ['ticking an exempt member', () => (s.residence.setExempt(sec(), memberId(), 'soldier'), s.residence.tick(sec(), f.cell.id, 2026, memberId(), true)), 'RESIDENCE.EXEMPT'],
    ['ticking a member exempt from activities', () => s.residence.tick(sec(), f.cell.id, 2026, f.targetMember.id, true), 'RESIDENCE.NOT_EXPECTED'],
    ['ticking for next year', () => s.residence.tick(sec(), f.cell.id, 2027, memberId(), true), 'RESIDENCE.YEAR_INVALID'],
    ['ticking two years back', () => s.residence.tick(sec(), f.cell.id, 2024, memberId(), true), 'RESIDENCE.YEAR_INVALID'],
    ['ticking a member of another cell', () => s.residence.tick(sec(), f.cell.id, 2026, w.repos.members.inCell(f.otherCell.id, f.actors.otherSecretary.personId)?.id ?? 0, true), 'MEMBER.NOT_FOUND'],
  ])('refuses %s, changing nothing of the comments', (_label, run, code) => {
    const comments = () => w.store.sqlite.prepare('SELECT * FROM residence_comments').all();
    const before = comments();
    expect(errorCode(run)).toBe(code);
    expect(comments()).toEqual(before);
  });

  it('lists who is expected, who handed in, and who is exempt', () => {
    s.residence.setExempt(sec(), committeeId(), 'soldier');
    const ticked = s.residence.tick(sec(), f.cell.id, 2026, memberId(), true);
    expect(ticked.counts).toEqual({ expected: 3, received: 1, missing: 2, exempt: 1 });
    expect(ticked.rows.map((r) => [r.member.fullName, r.expected, r.exemptReason, r.receivedOn])).toEqual([
      ['Lê Văn Cường', false, 'soldier', null],
      ['Nguyễn Văn An', true, null, null],
      ['Phạm Thị Dung', true, null, '2026-03-10'],
      ['Trần Thị Bình', true, null, null],
    ]);
    // Ticking twice records once; unticking removes it.
    s.residence.tick(sec(), f.cell.id, 2026, memberId(), true);
    expect(w.store.sqlite.prepare('SELECT count(*) FROM residence_comments').pluck().get()).toBe(1);
    expect(s.residence.tick(sec(), f.cell.id, 2026, memberId(), false).counts.received).toBe(0);
    expect(s.residence.counts(f.cell.id, 2026, '2026-03-10')).toEqual({ expected: 3, received: 0, missing: 3, exempt: 1 });
  });
});

describe('the reminder before the review season (the job)', () => {
  const reminders = (personId: number) => outboxFor(w.store, personId).filter((n) => n.key.startsWith('res:'));

  it('reminds working members 30 days before the season, once, skipping the exempt and those who handed in', () => {
    w.clock.set(utc('2026-09-20T03:00:00'));
    s.residence.setExempt(sec(), committeeId(), 'police');
    s.residence.tick(sec(), f.cell.id, 2026, f.members.deputy?.id ?? 0, true);
    expect(s.residence.runJob(utc('2026-10-01T03:00:00'), false)).toEqual({ reminders: 0 });
    const before = inputSnapshot(w.store);
    // Here: the secretary and the member (the deputy handed in, the committee member is exempt, the target is exempt from activities); and the other cell's secretary.
    expect(s.residence.runJob(utc('2026-10-02T01:00:00'), true)).toEqual({ reminders: 3 });
    expect(inputSnapshot(w.store)).toEqual(before);
    expect(s.residence.runJob(utc('2026-10-02T15:00:00'), false)).toEqual({ reminders: 0 }); // 22:00: quiet
    s.residence.runJob(utc('2026-10-02T01:00:00'), false);
    s.residence.runJob(utc('2026-10-03T01:00:00'), false);
    const member = reminders(f.actors.member.personId);
    expect(member.map((n) => n.key)).toEqual([`res:remind:2026:m${memberId()}`]);
    expect(member[0]?.text).toContain('Kính gửi đồng chí Phạm Thị Dung');
    expect(member[0]?.text).toContain('3-213');
    expect(member[0]?.text).toContain('Quy định 213-QĐ/TW (02/01/2020)');
    expect(member[0]?.text).toContain('01/11/2026');
    expect(reminders(f.actors.committee.personId)).toEqual([]);
    expect(reminders(f.actors.deputy.personId)).toEqual([]);
    expect(reminders(f.target.personId)).toEqual([]);
    const secretary = reminders(f.actors.secretary.personId);
    expect(secretary.map((n) => n.key)).toEqual([`res:remind:2026:m${f.members.secretary?.id}`, `res:leaders:2026:p${f.actors.secretary.personId}`]);
    expect(secretary[1]?.text).toContain('Đã nhắc 2 đồng chí');
    expect(secretary[1]?.choices).toEqual([`rx:st:${f.cell.id}:2026`]);
  });

  it('looks at a cell once a day: a member approved later that day is reminded the next morning', () => {
    // Four here and the other cell's secretary.
    expect(s.residence.runJob(utc('2026-10-02T01:00:00'), false).reminders).toBe(5);
    const late = addMember(w, f.cell.id, addPerson(w, 'telegram', '778', 'Mới'), 'Trương Văn Mới');
    expect(s.residence.runJob(utc('2026-10-02T05:00:00'), false)).toEqual({ reminders: 0 });
    expect(s.residence.runJob(utc('2026-10-03T01:00:00'), false).reminders).toBe(6);
    expect(reminders(late.personId).map((n) => n.key)).toEqual([`res:remind:2026:m${late.id}`]);
    expect(reminders(f.actors.member.personId)).toHaveLength(1);
  });

  it('is silent when the cell turned it off', () => {
    w.services.settings.set(sec(), f.cell.id, 'residence', 'leadDays', 0);
    w.services.settings.set(f.actors.otherSecretary.caller, f.otherCell.id, 'residence', 'leadDays', 0);
    expect(s.residence.runJob(utc('2026-10-02T01:00:00'), false)).toEqual({ reminders: 0 });
  });
});
