import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import type { PrivilegedAction } from '../domain/roles.js';
import { expectedFor, inputServices, inputSnapshot, outboxFor, type InputServices } from './assignments.testing.js';
import type { Caller } from './context.js';
import { actorKinds, cloneWorld, errorCode, openWorld, seedCell, standingInCell, type CellFixture, type TestWorld } from './testing.js';

let template: TestWorld;
let f: CellFixture;
let w: TestWorld;
let s: InputServices;

beforeAll(() => {
  template = openWorld();
  f = seedCell(template);
});
afterAll(() => template.close());
beforeEach(() => {
  w = cloneWorld(template);
  s = inputServices(w);
});
afterEach(() => w.close());

const utc = (iso: string): number => Date.parse(`${iso}Z`);
const t = (key: string, params?: Record<string, string | number>) => w.translator.for('vi')(key, params);
const sec = (): Caller => f.actors.secretary.caller;

const cases: { name: string; rule: PrivilegedAction; writes: boolean; run: (c: Caller) => unknown }[] = [
  { name: 'view', rule: 'monthlyCheck.view', writes: false, run: (c) => s.monthlyCheck.view(c, f.cell.id, '2026-03') },
  { name: 'indicators', rule: 'monthlyCheck.view', writes: false, run: (c) => s.monthlyCheck.indicators(c, f.cell.id, '2026-03', t) },
  { name: 'mark', rule: 'monthlyCheck.mark', writes: true, run: (c) => s.monthlyCheck.mark(c, f.cell.id, '2026-03', 2, 'met') },
  { name: 'note', rule: 'monthlyCheck.mark', writes: true, run: (c) => s.monthlyCheck.note(c, f.cell.id, '2026-03', 3, 'Chưa họp chuyên đề') },
];

describe.each(cases)('$name (rule $rule): every role', (action) => {
  const rows = actorKinds.map((kind) => {
    const outcome = expectedFor(action.rule, standingInCell[kind]);
    return { kind, outcome, label: outcome.allowed ? 'allowed' : `refused with ${outcome.code}` };
  });
  it.each(rows)('$kind: $label', ({ kind, outcome }) => {
    const before = inputSnapshot(w.store);
    const checks = () => w.store.sqlite.prepare('SELECT * FROM monthly_checks ORDER BY id').all();
    const checksBefore = checks();
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
    expect(checks()).toEqual(checksBefore);
  });
});

describe('marking a month', () => {
  it('marks each criterion, keeps notes apart from marks, and summarises', () => {
    let v = s.monthlyCheck.view(sec(), f.cell.id, '2026-03');
    expect(v.marks.map((m) => m.result)).toEqual([null, null, null, null]);
    expect(v.summary).toEqual({ met: 0, notMet: 0, unmarked: 4, complete: false });
    s.monthlyCheck.note(sec(), f.cell.id, '2026-03', 3, 'Chưa tổ chức sinh hoạt chuyên đề quý I');
    s.monthlyCheck.mark(sec(), f.cell.id, '2026-03', 1, 'met');
    s.monthlyCheck.mark(sec(), f.cell.id, '2026-03', 2, 'met');
    s.monthlyCheck.mark(f.actors.deputy.caller, f.cell.id, '2026-03', 3, 'notMet');
    v = s.monthlyCheck.mark(sec(), f.cell.id, '2026-03', 4, 'met');
    expect(v.marks.map((m) => [m.criterion, m.result, m.note])).toEqual([
      [1, 'met', null],
      [2, 'met', null],
      [3, 'notMet', 'Chưa tổ chức sinh hoạt chuyên đề quý I'],
      [4, 'met', null],
    ]);
    expect(v.marks[2]?.markedBy).toBe('Trần Thị Bình');
    expect(v.summary).toEqual({ met: 3, notMet: 1, unmarked: 0, complete: true });
    // Marks can be changed; "-" clears a note.
    v = s.monthlyCheck.mark(sec(), f.cell.id, '2026-03', 3, 'met');
    v = s.monthlyCheck.note(sec(), f.cell.id, '2026-03', 3, '-');
    expect(v.marks[2]).toMatchObject({ result: 'met', note: null });
    expect(s.monthlyCheck.marksBetween(f.cell.id, '2026-01', '2026-12')).toEqual([{ month: '2026-03', marks: v.marks.map(({ criterion, result, note }) => ({ criterion, result, note })) }]);
  });

  it.each([
    ['a future month', () => s.monthlyCheck.mark(sec(), f.cell.id, '2026-04', 1, 'met'), 'MONTHLY_CHECK.MONTH_INVALID'],
    ['a month too old', () => s.monthlyCheck.mark(sec(), f.cell.id, '2024-02', 1, 'met'), 'MONTHLY_CHECK.MONTH_INVALID'],
    ['a malformed month', () => s.monthlyCheck.mark(sec(), f.cell.id, '2026-3', 1, 'met'), 'MONTHLY_CHECK.MONTH_INVALID'],
    ['criterion 5', () => s.monthlyCheck.mark(sec(), f.cell.id, '2026-03', 5, 'met'), 'MONTHLY_CHECK.CRITERION_INVALID'],
    ['an unknown result', () => s.monthlyCheck.mark(sec(), f.cell.id, '2026-03', 1, 'Đạt'), 'MONTHLY_CHECK.CRITERION_INVALID'],
    ['an overlong note', () => s.monthlyCheck.note(sec(), f.cell.id, '2026-03', 1, 'x'.repeat(501)), 'MONTHLY_CHECK.NOTE_INVALID'],
    ['a note with an ID number', () => s.monthlyCheck.note(sec(), f.cell.id, '2026-03', 1, 'CCCD 079123456789'), 'MEMBER.ID_NUMBER'],
  ])('refuses %s, changing nothing', (_label, run, code) => {
    const before = inputSnapshot(w.store);
    expect(errorCode(run)).toBe(code);
    expect(inputSnapshot(w.store)).toEqual(before);
  });

  it('lets the committee look but not mark', () => {
    expect(s.monthlyCheck.view(f.actors.committee.caller, f.cell.id, '2026-02').canMark).toBe(false);
    expect(s.monthlyCheck.view(f.actors.deputy.caller, f.cell.id, '2026-02').canMark).toBe(true);
  });
});

describe('the prompt after a regular meeting (the job)', () => {
  const meeting = (id: number, kind: string, startsAt: number, closedAt: number | null = startsAt + 7_200_000) => ({ id, cellId: f.cell.id, kind, startsAt, closedAt });
  const prompts = () => outboxFor(w.store, f.actors.secretary.personId).filter((n) => n.key.startsWith('mc:'));

  it('asks the secretary once to mark the month of a closed regular meeting', () => {
    s.closedMeetings.push(meeting(7, 'regular', utc('2026-03-05T07:00:00')), meeting(8, 'thematic', utc('2026-03-06T07:00:00')), meeting(9, 'regular', utc('2026-03-09T07:00:00'), null));
    const before = inputSnapshot(w.store);
    expect(s.monthlyCheck.runJob(utc('2026-03-05T10:00:00'), true)).toEqual({ prompts: 1 });
    expect(inputSnapshot(w.store)).toEqual(before);
    expect(s.monthlyCheck.runJob(utc('2026-03-05T15:00:00'), false)).toEqual({ prompts: 0 }); // 22:00: quiet
    s.monthlyCheck.runJob(utc('2026-03-05T10:00:00'), false);
    s.monthlyCheck.runJob(utc('2026-03-06T10:00:00'), false);
    expect(prompts().map((p) => p.key)).toEqual([`mc:prompt:7:p${f.actors.secretary.personId}`]);
    expect(prompts()[0]?.text).toContain('tháng 03/2026');
    expect(prompts()[0]?.choices).toEqual([`mc:m:${f.cell.id}:2026-03`]);
    expect(outboxFor(w.store, f.actors.deputy.personId)).toEqual([]);
  });

  it('does not ask when the month is already marked, nor a week later', () => {
    for (const c of [1, 2, 3, 4]) s.monthlyCheck.mark(sec(), f.cell.id, '2026-03', c, 'met');
    s.closedMeetings.push(meeting(7, 'regular', utc('2026-03-05T07:00:00')));
    expect(s.monthlyCheck.runJob(utc('2026-03-05T10:00:00'), false)).toEqual({ prompts: 0 });
    s.closedMeetings.push(meeting(10, 'regular', utc('2026-02-05T07:00:00')));
    expect(s.monthlyCheck.runJob(utc('2026-03-10T03:00:00'), false)).toEqual({ prompts: 0 });
  });
});
