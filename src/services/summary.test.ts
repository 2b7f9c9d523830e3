import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import { MonthlyCheckRepo } from '../store/repos/monthlyCheck.js';
import { SummaryRepo } from '../store/repos/summary.js';
import { expectedFor, inputServices, inputSnapshot } from './assignments.testing.js';
import type { Caller } from './context.js';
import { summaryText } from '../reports/summary-text.js';
import { SummaryService } from './summary.js';
import { actorKinds, cloneWorld, openWorld, seedCell, standingInCell, type CellFixture, type TestWorld } from './testing.js';

let template: TestWorld;
let f: CellFixture;
let w: TestWorld;
let summary: SummaryService;

beforeAll(() => {
  template = openWorld();
  f = seedCell(template);
});
afterAll(() => template.close());
beforeEach(() => {
  w = cloneWorld(template);
  const s = inputServices(w);
  summary = new SummaryService(s.deps, { access: w.services.access, settings: w.services.settings, repo: new SummaryRepo(w.store), indicators: s.indicators, monthlyChecks: new MonthlyCheckRepo(w.store.db), notifier: w.services.notifier, digestText: summaryText });
  s.indicators.add(...summary.indicatorSources());
});
afterEach(() => w.close());

const t = (key: string, params?: Record<string, string | number>) => w.translator.for('vi')(key, params);
const period = { from: '2026-01-01', to: '2026-03-31' };

const cases: { name: string; run: (c: Caller) => unknown }[] = [
  { name: 'view', run: (c) => summary.view(c, f.cell.id, period) },
  { name: 'scorecard', run: (c) => summary.scorecard(c, f.cell.id, period, t) },
];

describe.each(cases)('$name (rule summary.view): every role, and a refusal changes nothing', (action) => {
  const rows = actorKinds.map((kind) => {
    const outcome = expectedFor('summary.view', standingInCell[kind]);
    return { kind, outcome, label: outcome.allowed ? 'allowed' : `refused with ${outcome.code}` };
  });
  it.each(rows)('$kind: $label', ({ kind, outcome }) => {
    const before = inputSnapshot(w.store);
    let thrown: unknown = null;
    try {
      action.run(f.actors[kind].caller);
    } catch (err) {
      thrown = err;
    }
    expect(inputSnapshot(w.store)).toEqual(before);
    if (outcome.allowed) return expect(thrown).toBeNull();
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe(outcome.code);
  });
});

describe('roll-up (bot admins only)', () => {
  it.each(actorKinds.map((kind) => ({ kind })))('$kind', ({ kind }) => {
    const before = inputSnapshot(w.store);
    const caller = f.actors[kind].caller;
    if (kind === 'admin') {
      const all = summary.rollup(caller, period);
      expect(all.map((c) => c.cell.name)).toEqual(['Chi bộ Khu phố 3', 'Chi bộ Khu phố 7']);
    } else {
      expect(() => summary.rollup(caller, period)).toThrow(DomainError);
    }
    expect(inputSnapshot(w.store)).toEqual(before);
  });
});

describe('the summary of the fixture cell', () => {
  it('lists current members, with the exempt one marked, and the scorecard carries every criterion', () => {
    const cs = summary.view(f.actors.secretary.caller, f.cell.id, period);
    expect(cs.summary.members.find((m) => m.fullName === 'Hoàng Văn Mục')?.exempt).toBe(true);
    expect(cs.summary.members.some((m) => m.fullName === 'Vũ Văn Giang')).toBe(false);
    const card = summary.scorecard(f.actors.secretary.caller, f.cell.id, period, t);
    expect(card.map((c) => c.criterion)).toEqual([1, 2, 3, 4]);
    expect(card.map((c) => c.weight)).toEqual([30, 20, 25, 25]);
  });
});

describe('scheduled summaries', () => {
  it('the digest goes to the secretary only, once per month, on the first working day from 08:00', () => {
    const outbox = () => w.store.sqlite.prepare("SELECT idempotency_key AS key, person_id AS person FROM outbox WHERE idempotency_key LIKE 'summary.%' ORDER BY id").all() as { key: string; person: number }[];
    const at = (iso: string, hhmm: string) => Date.parse(`${iso}T${hhmm}:00+07:00`);
    expect(summary.runJob(at('2026-04-01', '07:59'), false)).toBe(0);
    expect(summary.runJob(at('2026-04-01', '08:00'), true)).toBe(0);
    expect(outbox()).toEqual([]);
    summary.runJob(at('2026-04-01', '08:00'), false);
    summary.runJob(at('2026-04-01', '15:00'), false);
    const digests = outbox();
    expect(digests.map((r) => r.key)).toEqual([`summary.digest:${f.cell.id}:2026-03:${f.actors.secretary.personId}`, `summary.digest:${f.otherCell.id}:2026-03:${f.actors.otherSecretary.personId}`]);
    summary.runJob(at('2026-06-15', '08:00'), false);
    const reminders = outbox().filter((r) => r.key.startsWith('summary.review:'));
    expect(reminders.map((r) => r.person).sort()).toEqual([f.actors.secretary.personId, f.actors.deputy.personId, f.actors.otherSecretary.personId].sort());
  });
});
