import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssignmentRepo } from '../store/repos/assignments.js';
import { PledgeRepo } from '../store/repos/pledges.js';
import { inputServices, type InputServices } from './assignments.testing.js';
import { IndicatorRegistry, type IndicatorSource } from './indicators.js';
import { cloneWorld, openWorld, seedCell, type CellFixture, type TestWorld } from './testing.js';

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
const t = (key: string) => w.translator.for('vi')(key);
const march = { from: '2026-03-01', to: '2026-03-31' };

describe('IndicatorRegistry', () => {
  const source = (key: string, criterion: 1 | 2 | 3 | 4, value: IndicatorSource['value']): IndicatorSource => ({ key, criterion, label: () => key, value });

  it('reads every source, leaves out those with nothing to say and those that fail', () => {
    const r = new IndicatorRegistry();
    r.add(
      source('a', 1, () => ({ value: 3, target: '≥ 1' })),
      source('b', 2, () => null),
      source('c', 2, () => {
        throw new Error('broken');
      }),
      source('d', 4, () => ({ value: '1/2 (50 %)' })),
    );
    expect(r.read(1, march, t)).toEqual([
      { criterion: 1, key: 'a', label: 'a', value: 3, target: '≥ 1' },
      { criterion: 4, key: 'd', label: 'd', value: '1/2 (50 %)' },
    ]);
    expect(Object.keys(r.readByCriterion(1, march, t))).toEqual(['1', '2', '3', '4']);
    expect(r.readByCriterion(1, march, t)[2]).toEqual([]);
  });

  it('refuses a key registered twice', () => {
    const r = new IndicatorRegistry();
    r.add(source('a', 1, () => null));
    expect(() => r.add(source('a', 2, () => null))).toThrow(/twice/);
  });
});

describe('the inputs’ own indicators', () => {
  it('are registered with stable keys', () => {
    expect(s.indicators.list().map((x) => `${x.criterion}:${x.key}`)).toEqual([
      '1:assignments.onTime.c1',
      '2:assignments.onTime.c2',
      '3:assignments.onTime.c3',
      '4:assignments.onTime.c4',
      '3:assignments.membersWithTasks',
      '4:assignments.onTime',
      '4:pledges.registered',
      '4:residence.comments',
      '4:members.count',
    ]);
  });

  it('count what the data supports for a month', () => {
    const tasks = new AssignmentRepo(w.store.db);
    const now = w.clock.now();
    const add = (memberId: number, criterion: number, deadline: string, status: 'open' | 'confirmed' | 'done' | 'cancelled', doneOn: string | null = null) =>
      tasks.insert({ cellId: f.cell.id, memberId, assignedBy: f.members.secretary?.id ?? 0, title: 'Việc', criterion, deadline, status, doneOn, createdAt: now, updatedAt: now });
    const member = f.members.member?.id ?? 0;
    const committee = f.members.committee?.id ?? 0;
    add(member, 3, '2026-03-05', 'confirmed', '2026-03-04'); // on time
    add(member, 3, '2026-03-06', 'done', '2026-03-08'); // late
    add(committee, 1, '2026-03-08', 'open'); // overdue on the 10th
    add(committee, 1, '2026-03-25', 'open'); // not yet due: left out of "on time"
    add(member, 2, '2026-03-09', 'cancelled');
    new PledgeRepo(w.store.db).insert({ cellId: f.cell.id, memberId: member, year: 2026, status: 'submitted', content: {}, createdAt: now, updatedAt: now });

    const byKey = Object.fromEntries(s.indicators.read(f.cell.id, march, t).map((r) => [r.key, r]));
    expect(Object.keys(byKey)).toEqual(['assignments.onTime.c1', 'assignments.onTime.c3', 'assignments.membersWithTasks', 'assignments.onTime', 'pledges.registered', 'members.count']);
    expect(byKey['assignments.onTime.c1']).toMatchObject({ criterion: 1, value: '0/1 (0 %)', target: '100 %', label: 'Việc giao phục vụ tiêu chí này, hoàn thành đúng hạn' });
    expect(byKey['assignments.onTime.c3']).toMatchObject({ value: '1/2 (50 %)' });
    // Expected members: the secretary, deputy, committee member and member (the fifth is exempt).
    expect(byKey['assignments.membersWithTasks']).toMatchObject({ criterion: 3, value: '2/4 (50 %)', target: '100 %' });
    expect(byKey['assignments.onTime']).toMatchObject({ criterion: 4, value: '1/3 (33 %)' });
    expect(byKey['pledges.registered']).toMatchObject({ criterion: 4, value: '1/4 (25 %)', target: '100 %' });
    // On the rolls in March: five active and the one who left on the 10th.
    expect(byKey['members.count']).toMatchObject({ criterion: 4, value: 6 });
    expect(s.indicators.read(f.cell.id, { from: '2026-02-01', to: '2026-02-28' }, t).find((r) => r.key === 'members.count')?.value).toBe(0);
  });

  it('show residence comments once the reminder season has begun', () => {
    expect(s.indicators.read(f.cell.id, { from: '2026-09-01', to: '2026-09-30' }, t).some((r) => r.key === 'residence.comments')).toBe(false);
    w.clock.set(utc('2026-10-15T03:00:00'));
    s.residence.tick(f.actors.secretary.caller, f.cell.id, 2026, f.members.member?.id ?? 0, true);
    const october = s.indicators.read(f.cell.id, { from: '2026-10-01', to: '2026-10-31' }, t);
    expect(october.find((r) => r.key === 'residence.comments')).toMatchObject({ criterion: 4, value: '1/4 (25 %)', label: 'Đã nộp nhận xét nơi cư trú (mẫu 3-213)' });
  });
});
