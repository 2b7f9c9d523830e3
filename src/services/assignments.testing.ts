/**
 * Test fixtures for the scorecard inputs (assignments, pledges, monthly check, residence): the
 * services built over a `TestWorld` the way src/modules.ts builds them, a snapshot of every table
 * they write, and the permission-table expectation. Not imported by the bot.
 */
import type { Store } from '../store/db.js';
import { AssignmentRepo } from '../store/repos/assignments.js';
import { MonthlyCheckRepo } from '../store/repos/monthlyCheck.js';
import { PledgeRepo } from '../store/repos/pledges.js';
import { ResidenceRepo } from '../store/repos/residence.js';
import { AssignmentService } from './assignments.js';
import type { ServiceDeps } from './context.js';
import { IndicatorRegistry } from './indicators.js';
import { inputIndicators } from './indicators-inputs.js';
import { MonthlyCheckService, type ClosedMeetings } from './monthlyCheck.js';
import { PledgeService } from './pledges.js';
import { ResidenceService } from './residence.js';
import { expectedOutcome, type Expectation, type Row, type TestWorld } from './testing.js';

export type ClosedMeetingRow = ReturnType<ClosedMeetings['closedSince']>[number];

export interface InputServices {
  deps: ServiceDeps;
  assignments: AssignmentService;
  pledges: PledgeService;
  residence: ResidenceService;
  monthlyCheck: MonthlyCheckService;
  indicators: IndicatorRegistry;
  /** The closed meetings the monthly check's job sees; tests push rows here. */
  closedMeetings: ClosedMeetingRow[];
}

export function inputServices(w: TestWorld): InputServices {
  const deps: ServiceDeps = { store: w.store, repos: w.repos, clock: w.clock, translator: w.translator, settings: { defaultTimezone: 'Asia/Ho_Chi_Minh', defaultLocale: 'vi', inviteTtlDays: 7 } };
  const shared = { access: w.services.access, notifier: w.services.notifier, settings: w.services.settings };
  const assignments = new AssignmentService(deps, { ...shared, repo: new AssignmentRepo(w.store.db) });
  const pledges = new PledgeService(deps, { ...shared, repo: new PledgeRepo(w.store.db) });
  const residence = new ResidenceService(deps, { ...shared, repo: new ResidenceRepo(w.store.db) });
  const indicators = new IndicatorRegistry();
  indicators.add(...inputIndicators({ deps, assignments, pledges, residence, shared: indicators.shared }));
  const closedMeetings: ClosedMeetingRow[] = [];
  const meetings: ClosedMeetings = { closedSince: (since) => closedMeetings.filter((m) => m.startsAt >= since) };
  const monthlyCheck = new MonthlyCheckService(deps, { ...shared, repo: new MonthlyCheckRepo(w.store.db), indicators, meetings });
  return { deps, assignments, pledges, residence, monthlyCheck, indicators, closedMeetings };
}

const tables = ['assignments', 'pledges', 'monthly_checks', 'residence_exemptions', 'residence_comments', 'members', 'outbox'] as const;

export interface InputSnapshot {
  tables: Record<(typeof tables)[number], Row[]>;
  auditCount: number;
}

/** Everything the inputs write (and the outbox, where notices go): what a refusal must leave untouched. */
export function inputSnapshot(store: Store): InputSnapshot {
  const out = {} as InputSnapshot['tables'];
  for (const t of tables) out[t] = store.sqlite.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all() as Row[];
  return { tables: out, auditCount: Number(store.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get()) };
}

/** Read straight from the permission table, plus which refusal explains it (the shared rule). */
export const expectedFor = expectedOutcome;
export type { Expectation };

/** Outbox rows (parsed) for one person, newest last. */
export function outboxFor(store: Store, personId: number): { key: string; text: string; choices: string[] }[] {
  const rows = store.sqlite.prepare('SELECT idempotency_key AS key, payload FROM outbox WHERE person_id = ? ORDER BY id').all(personId) as { key: string; payload: string }[];
  return rows.map((r) => {
    const p = JSON.parse(r.payload) as { text: string; choices?: { label: string; action: string }[][] };
    return { key: r.key, text: p.text, choices: (p.choices ?? []).flat().map((c) => c.action) };
  });
}
