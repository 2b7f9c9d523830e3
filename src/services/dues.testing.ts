/**
 * Dues fixtures on top of `testing.ts`: the dues services over a test world, a collector, and a
 * snapshot that covers the dues tables too (a refusal must leave all of them untouched).
 * Not imported by the bot.
 */
import { duesNotices } from '../conversation/features/dues.js';
import type { Store } from '../store/db.js';
import type { MemberRow } from '../store/repos/members.js';
import { DuesCycle } from './dues-cycle.js';
import { DuesReports } from './dues-reports.js';
import { DuesService } from './dues.js';
import { addMember, addPerson, snapshot, type CellFixture, type DbSnapshot, type Row, type TestPerson, type TestWorld } from './testing.js';

export interface DuesKit {
  dues: DuesService;
  reports: DuesReports;
  cycle: DuesCycle;
}

export function duesKit(w: TestWorld): DuesKit {
  const deps = { store: w.store, repos: w.repos, clock: w.clock, translator: w.translator, settings: { defaultTimezone: 'Asia/Ho_Chi_Minh', defaultLocale: 'vi' as const, inviteTtlDays: 7 } };
  const dues = new DuesService(deps, w.services.access, w.services.settings);
  return { dues, reports: new DuesReports(deps, dues), cycle: new DuesCycle(deps, dues, w.services.settings, w.services.notifier, duesNotices) };
}

/** A plain member charged with collecting dues (the collectsDues flag, set through the member service). */
export function addCollector(w: TestWorld, f: CellFixture, externalId = '150'): { person: TestPerson; member: MemberRow } {
  const person = addPerson(w, 'telegram', externalId, 'Thu');
  const row = addMember(w, f.cell.id, person, 'Lương Thị Thu');
  const member = w.services.members.setCollectsDues(f.actors.secretary.caller, row.id, true);
  return { person, member };
}

const duesTables = ['dues_bases', 'dues_reliefs', 'dues_charges', 'dues_payments', 'dues_corrections'] as const;

export interface DuesSnapshot extends DbSnapshot {
  dues: Record<(typeof duesTables)[number], Row[]>;
  outboxCount: number;
}

export function duesSnapshot(store: Store): DuesSnapshot {
  const dues = Object.fromEntries(duesTables.map((t) => [t, store.sqlite.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all() as Row[]])) as DuesSnapshot['dues'];
  return { ...snapshot(store), dues, outboxCount: Number(store.sqlite.prepare('SELECT count(*) FROM outbox').pluck().get()) };
}

/** Outbox rows whose idempotency key starts with `prefix`, with the text of their message. */
export function outboxWith(store: Store, prefix: string): { key: string; personId: number | null; chatId: string; text: string; essential: boolean }[] {
  const rows = store.sqlite.prepare('SELECT idempotency_key AS key, person_id AS personId, chat_id AS chatId, payload, essential FROM outbox WHERE idempotency_key LIKE ? ORDER BY id').all(`${prefix}%`) as { key: string; personId: number | null; chatId: string; payload: string; essential: number }[];
  return rows.map((r) => ({ key: r.key, personId: r.personId, chatId: r.chatId, text: String((JSON.parse(r.payload) as { text?: string }).text ?? ''), essential: r.essential === 1 }));
}
