/**
 * Roster fixtures on top of `testing.ts`: the roll service built the way modules.ts builds it
 * (DuesService + the vocabulary of every locale), raw grids with the template's Vietnamese
 * headers, and a snapshot that also covers the tables an import writes. Not imported by the bot.
 */
import { rosterFields, type RawCell, type RawGrid, type RosterField, type RosterVocabulary } from '../domain/roster.js';
import { rosterVocabulary } from '../reports/roster-files.js';
import type { Store } from '../store/db.js';
import { DuesService } from './dues.js';
import { RosterService } from './roster.js';
import { snapshot, type DbSnapshot, type Row, type TestWorld } from './testing.js';

export interface RosterKit {
  roster: RosterService;
  dues: DuesService;
  vocabulary: RosterVocabulary;
}

export function rosterKit(w: TestWorld): RosterKit {
  const deps = { store: w.store, repos: w.repos, clock: w.clock, translator: w.translator, settings: { defaultTimezone: 'Asia/Ho_Chi_Minh', defaultLocale: 'vi' as const, inviteTtlDays: 7 } };
  const dues = new DuesService(deps, w.services.access, w.services.settings);
  const vocabulary = rosterVocabulary(w.translator);
  return { roster: new RosterService(deps, w.services.access, w.services.settings, dues, vocabulary), dues, vocabulary };
}

/** The template's header row, as locales/vi.json `rosterFiles.columns` writes it. */
export const viHeaders: Record<RosterField, string> = {
  fullName: 'Họ và tên',
  role: 'Chức vụ đảng',
  membership: 'Chính thức / Dự bị',
  membershipSince: 'Ngày kết nạp / chính thức',
  exemption: 'Miễn sinh hoạt',
  exemptionFrom: 'Miễn từ ngày',
  exemptionTo: 'Miễn đến ngày',
  attachedTemporarily: 'Sinh hoạt tạm thời',
  collectsDues: 'Thu đảng phí',
  duesCategory: 'Đối tượng đảng phí',
  incomeBase: 'Thu nhập tính đảng phí',
  reviewForm: 'Mẫu kiểm điểm',
  partyGroup: 'Tổ đảng',
};

export type GridRow = Partial<Record<RosterField, RawCell>>;

/** A sheet as the reader gives it: the header row on line 1, one data row per entry from line 2. */
export function grid(rows: readonly GridRow[], fields: readonly RosterField[] = rosterFields): RawGrid {
  return {
    headers: fields.map((f) => viHeaders[f]),
    rows: rows.map((r, i) => ({ line: i + 2, cells: fields.map((f) => r[f] ?? null) })),
  };
}

const tables = ['roster_imports', 'dues_bases', 'dues_charges', 'persons', 'accounts'] as const;
type Extra = (typeof tables)[number];

export interface RosterSnapshot extends DbSnapshot {
  extra: Record<Extra, Row[]>;
  audit: Row[];
}

/** Everything an import, an invite or a join can touch. */
export function rosterSnapshot(store: Store): RosterSnapshot {
  const extra = Object.fromEntries(tables.map((t) => [t, store.sqlite.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all() as Row[]])) as RosterSnapshot['extra'];
  return { ...snapshot(store), extra, audit: store.sqlite.prepare('SELECT * FROM audit_log ORDER BY id').all() as Row[] };
}

export interface AuditEntry {
  id: number;
  cellId: number | null;
  actorPersonId: number | null;
  action: string;
  targetMemberId: number | null;
  details: Record<string, unknown> | null;
  raw: string | null;
}

/** Audit rows (of one action, when named), details parsed; `raw` is the stored JSON text. */
export function auditRows(store: Store, action?: string): AuditEntry[] {
  const rows = store.sqlite.prepare('SELECT id, cell_id, actor_person_id, action, target_member_id, details FROM audit_log ORDER BY id').all() as {
    id: number;
    cell_id: number | null;
    actor_person_id: number | null;
    action: string;
    target_member_id: number | null;
    details: string | null;
  }[];
  return rows
    .filter((r) => action === undefined || r.action === action)
    .map((r) => ({ id: r.id, cellId: r.cell_id, actorPersonId: r.actor_person_id, action: r.action, targetMemberId: r.target_member_id, details: r.details === null ? null : (JSON.parse(r.details) as Record<string, unknown>), raw: r.details }));
}

export interface ImportRecord {
  id: number;
  cellId: number;
  importedBy: number | null;
  fileName: string;
  status: string;
  rows: unknown[];
  resolutions: Record<string, number>;
  created: number;
  changed: number;
  unchanged: number;
  decidedAt: number | null;
}

export function importRows(store: Store): ImportRecord[] {
  const rows = store.sqlite.prepare('SELECT * FROM roster_imports ORDER BY id').all() as Record<string, unknown>[];
  return rows.map((r) => ({
    id: Number(r.id),
    cellId: Number(r.cell_id),
    importedBy: r.imported_by === null ? null : Number(r.imported_by),
    fileName: String(r.file_name),
    status: String(r.status),
    rows: JSON.parse(String(r.rows)) as unknown[],
    resolutions: JSON.parse(String(r.resolutions)) as Record<string, number>,
    created: Number(r.created),
    changed: Number(r.changed),
    unchanged: Number(r.unchanged),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  }));
}

/** A plain count, e.g. count(store, 'members', 'cell_id = ?', 1). */
export function count(store: Store, table: string, where = '1', ...params: unknown[]): number {
  return Number(
    store.sqlite
      .prepare(`SELECT count(*) FROM ${table} WHERE ${where}`)
      .pluck()
      .get(...params),
  );
}
