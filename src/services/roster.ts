import { isoDateIn } from '../conversation/format.js';
import { monthOf, needsBase } from '../domain/dues.js';
import { DomainError } from '../domain/errors.js';
import { INVITE_CODE_LENGTH } from '../domain/invites.js';
import type { DuesCategory } from '../domain/members.js';
import { can } from '../domain/roles.js';
import {
  countPlan,
  nameKey,
  newRecord,
  planImport,
  readRoster,
  type FieldChange,
  type ImportPlan,
  type PlanCounts,
  type PlanRights,
  type RawGrid,
  type RosterExemption,
  type RosterProblem,
  type RosterRecord,
  type RosterRow,
  type RosterVocabulary,
} from '../domain/roster.js';
import type { MemberRow } from '../store/repos/members.js';
import { RosterRepo, type RosterImportRow, type RosterSnapshot } from '../store/repos/roster.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';
import type { DuesService } from './dues.js';
import { hashCode, newCode } from './invites.js';
import type { SettingsService } from './settings.js';

/** Who imports: a member with their rights, or the operator at the command line (every right, no person). */
export interface Importer {
  personId: number | null;
  /** The cell whose rights these are; null for the operator, who may import into any cell. */
  cellId: number | null;
  rights: PlanRights;
}

export const operatorImporter: Importer = { personId: null, cellId: null, rights: { setRole: true, setIncome: true } };

/** Previews nobody decided are cleared after this long: their rows may hold private income bases. */
export const PREVIEW_TTL_MS = 24 * 3_600_000;

export interface RosterPreview {
  importId: number;
  cellId: number;
  fileName: string;
  plan: ImportPlan;
  counts: PlanCounts;
  /** Members named by the plan (matched, candidates, missing), by id. */
  members: Map<number, MemberRow>;
  ignored: string[];
}

export type PreviewOutcome = { ok: true; preview: RosterPreview } | { ok: false; problems: RosterProblem[]; ignored: string[] };

export interface ImportResult {
  cellId: number;
  created: number;
  changed: number;
  unchanged: number;
  missing: MemberRow[];
  /** Active members with no chat account yet: they need a personal invite. */
  withoutChannel: number;
}

export interface PersonalInvite {
  member: MemberRow;
  code: string;
  expiresAt: number;
}

/**
 * The member roll in and out: a file is read and checked, previewed, then imported in one
 * transaction (or not at all); imported members get personal invites; the roll exports back.
 */
export class RosterService {
  readonly repo: RosterRepo;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly access: Access,
    private readonly settings: SettingsService,
    private readonly dues: DuesService,
    private readonly vocabulary: RosterVocabulary,
  ) {
    this.repo = new RosterRepo(deps.store.db);
  }

  /** The caller's rights for an import into this cell; refuses those who may not import at all. */
  importer(caller: Caller, cellId: number): Importer {
    const me = this.access.requireMember(caller, cellId, 'roster.import');
    const { actor } = this.access.actor(caller, cellId);
    return { personId: caller.personId, cellId, rights: { setRole: can(actor, 'member.setRole'), setIncome: can(actor, 'dues.setAmount') || me.collectsDues } };
  }

  /** The caller's rights for an import they sent; anyone else learns nothing about it. */
  importerFor(caller: Caller, importId: number): Importer {
    const row = this.repo.getImport(importId);
    if (!row || row.importedBy !== caller.personId) throw new DomainError('ROSTER.NOT_FOUND');
    return this.importer(caller, row.cellId);
  }

  private cellOf(cellId: number): { timezone: string } {
    const cell = this.deps.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return cell;
  }

  private today(cellId: number): string {
    return isoDateIn(this.deps.clock.now(), this.cellOf(cellId).timezone);
  }

  /** Reads and checks the file; when it is clean, keeps it as a preview for "Nhập" / "Hủy". */
  preview(importer: Importer, cellId: number, grid: RawGrid, fileName: string): PreviewOutcome {
    if (!this.fits(importer, cellId)) throw new DomainError('AUTH.FORBIDDEN');
    const today = this.today(cellId);
    const read = readRoster(grid, this.vocabulary, today);
    if (read.problems.length > 0) return { ok: false, problems: read.problems, ignored: read.ignored };
    const snapshot = this.repo.snapshot(cellId, monthOf(today));
    const plan = this.planRows(read.rows, snapshot, importer, new Map());
    if (plan.problems.length > 0) return { ok: false, problems: plan.problems, ignored: read.ignored };
    const now = this.deps.clock.now();
    const row = this.repo.transaction(() => {
      // One preview at a time per person and cell: a newer file replaces theirs (another leader's stays).
      this.repo.cancelOpen(cellId, importer.personId, now);
      return this.repo.insertImport({ cellId, importedBy: importer.personId, fileName: fileName.slice(0, 200), rows: read.rows, resolutions: {}, createdAt: now });
    });
    return { ok: true, preview: this.present(row, plan, snapshot, read.ignored) };
  }

  /** The preview as it stands now (after answers to ambiguous names). */
  current(importer: Importer, importId: number): RosterPreview {
    const row = this.open(importer, importId);
    const snapshot = this.repo.snapshot(row.cellId, monthOf(this.today(row.cellId)));
    return this.present(row, this.plan(row, snapshot, importer), snapshot, []);
  }

  /** Answers "which one?" for a name two members share: a member id, or 0 for a new member. */
  resolve(importer: Importer, importId: number, line: number, memberId: number): RosterPreview {
    const row = this.open(importer, importId);
    const snapshot = this.repo.snapshot(row.cellId, monthOf(this.today(row.cellId)));
    const plan = this.plan(row, snapshot, importer);
    const pending = plan.rows.find((r) => r.row.line === line);
    if (!pending || pending.kind !== 'ambiguous' || (memberId !== 0 && !pending.candidates.includes(memberId))) throw new DomainError('ROSTER.NOT_FOUND');
    const resolutions = { ...row.resolutions, [String(line)]: memberId };
    this.repo.setResolutions(importId, resolutions);
    return this.current(importer, importId);
  }

  /** Cancels the preview if it is still waiting (the CLI on its way out); never throws. */
  cancelIfOpen(importer: Importer, importId: number): void {
    const row = this.repo.getImport(importId);
    if (row?.status === 'preview' && row.importedBy === importer.personId) this.repo.decide(row.id, { status: 'cancelled', decidedAt: this.deps.clock.now() });
  }

  cancel(importer: Importer, importId: number): void {
    const row = this.open(importer, importId);
    if (!this.repo.decide(row.id, { status: 'cancelled', decidedAt: this.deps.clock.now() })) throw new DomainError('ROSTER.DECIDED');
  }

  /** Imports the previewed file in one transaction: all of it, or nothing. */
  apply(importer: Importer, importId: number): ImportResult {
    const row = this.open(importer, importId);
    const cellId = row.cellId;
    const today = this.today(cellId);
    const now = this.deps.clock.now();
    return this.repo.transaction(() => {
      // The roll may have changed since the preview: plan again against what is there now.
      const snapshot = this.repo.snapshot(cellId, monthOf(today));
      const plan = this.plan(row, snapshot, importer);
      if (plan.problems.length > 0) throw new DomainError('ROSTER.CHANGED');
      // A member the preview matched who has left the roll since would come back as someone new: not what the preview said.
      const gone = new Set(this.repo.leftSince(cellId, row.createdAt).map((m) => nameKey(m.fullName)));
      if (plan.rows.some((p) => p.kind === 'new' && gone.has(nameKey(p.row.fullName)))) throw new DomainError('ROSTER.CHANGED');
      const counts = countPlan(plan);
      if (counts.ambiguous > 0) throw new DomainError('ROSTER.AMBIGUOUS');
      if (!this.repo.decide(row.id, { status: 'applied', decidedAt: now, created: counts.created, changed: counts.changed, unchanged: counts.same })) throw new DomainError('ROSTER.DECIDED');
      const byId = new Map(snapshot.members.map((m) => [m.id, m]));
      this.create(importer, cellId, plan.rows.flatMap((p) => (p.kind === 'new' ? [p.row] : [])), today, now);
      for (const p of plan.rows) if (p.kind === 'changed') this.change(importer, byId.get(p.memberId) as MemberRow, p.row, p.changes, today, now);
      this.deps.repos.audit.record({ cellId, actorPersonId: importer.personId, action: 'roster.import', details: { importId: row.id, file: row.fileName, created: counts.created, changed: counts.changed, unchanged: counts.same }, createdAt: now });
      const after = this.repo.snapshot(cellId, monthOf(today));
      return {
        cellId,
        created: counts.created,
        changed: counts.changed,
        unchanged: counts.same,
        missing: plan.missing.map((id) => byId.get(id)).filter((m): m is MemberRow => m !== undefined),
        withoutChannel: after.members.filter((m) => m.status === 'active' && !after.onChannel.has(m.personId)).length,
      };
    });
  }

  /** An import still waiting for a decision, opened by someone who may decide it. */
  private open(importer: Importer, importId: number): RosterImportRow {
    const row = this.repo.getImport(importId);
    // Only the person who sent the file decides it (the operator's imports are decided at the command line);
    // anyone else learns nothing about it, not even whether it was decided.
    if (!row || row.importedBy !== importer.personId || !this.fits(importer, row.cellId)) throw new DomainError('ROSTER.NOT_FOUND');
    if (row.status !== 'preview') throw new DomainError('ROSTER.DECIDED');
    return row;
  }

  /** An importer's rights hold in their own cell only. */
  private fits(importer: Importer, cellId: number): boolean {
    return importer.cellId === null || importer.cellId === cellId;
  }

  /** Clears previews left undecided for a day (the scheduled tick). */
  expireStale(now: number): number {
    return this.repo.cancelOlderThan(now - PREVIEW_TTL_MS, now);
  }

  private plan(row: RosterImportRow, snapshot: RosterSnapshot, importer: Importer): ImportPlan {
    const resolved = new Map(Object.entries(row.resolutions).map(([line, id]) => [Number(line), id]));
    return this.planRows(row.rows, snapshot, importer, resolved);
  }

  private planRows(rows: readonly RosterRow[], snapshot: RosterSnapshot, importer: Importer, resolved: ReadonlyMap<number, number>): ImportPlan {
    const records = this.records(snapshot, importer.rights.setIncome);
    return planImport(rows, records, importer.rights, resolved);
  }

  private present(row: RosterImportRow, plan: ImportPlan, snapshot: RosterSnapshot, ignored: string[]): RosterPreview {
    return { importId: row.id, cellId: row.cellId, fileName: row.fileName, plan, counts: countPlan(plan), members: new Map(snapshot.members.map((m) => [m.id, m])), ignored };
  }

  /** The members as the roll shows them; the income base only when the reader may see it. */
  records(snapshot: RosterSnapshot, withIncome: boolean): RosterRecord[] {
    const exemptions = new Map<number, RosterExemption[]>();
    for (const e of snapshot.exemptions) exemptions.set(e.memberId, [...(exemptions.get(e.memberId) ?? []), { kind: e.kind, from: e.fromDate, to: e.toDate }]);
    return snapshot.members.map((m) => ({
      memberId: m.id,
      status: m.status === 'pending' ? 'pending' : 'active',
      fullName: m.fullName,
      role: m.role,
      membership: m.membership,
      membershipSince: m.membershipSince,
      exemptions: exemptions.get(m.id) ?? [],
      attachedTemporarily: m.attachment === 'temporary',
      collectsDues: m.collectsDues,
      duesCategory: (snapshot.bases.get(m.id)?.category as DuesCategory | undefined) ?? m.duesCategory,
      incomeBase: withIncome ? (snapshot.bases.get(m.id)?.incomeBase ?? null) : null,
      reviewForm: m.reviewForm,
      partyGroup: m.partyGroup,
    }));
  }

  /** New members in bulk; they have no dues charges yet, so their bases need no recomputing. */
  private create(importer: Importer, cellId: number, rows: RosterRow[], today: string, now: number): void {
    const records = rows.map(newRecord);
    const created = this.repo.createMembers(
      records.map((r) => ({
        cellId,
        fullName: r.fullName,
        role: r.role,
        status: 'active' as const,
        membership: r.membership,
        membershipSince: r.membershipSince,
        attachment: r.attachedTemporarily ? ('temporary' as const) : ('regular' as const),
        collectsDues: r.collectsDues,
        reviewForm: r.reviewForm,
        duesCategory: r.duesCategory,
        partyGroup: r.partyGroup,
        joinedOn: today,
        createdAt: now,
        updatedAt: now,
      })),
      now,
    );
    const month = monthOf(today);
    this.repo.insertExemptions(rows.flatMap((row, i) => (row.exemption ? [{ cellId, memberId: (created[i] as MemberRow).id, kind: row.exemption.kind, fromDate: row.exemption.from, toDate: row.exemption.to, createdAt: now }] : [])));
    this.repo.insertBases(rows.flatMap((row, i) => (row.incomeBase !== undefined ? [{ cellId, memberId: (created[i] as MemberRow).id, fromMonth: month, category: (records[i] as RosterRecord).duesCategory, incomeBase: needsBase((records[i] as RosterRecord).duesCategory) ? row.incomeBase : null, fixedAmount: null, createdBy: importer.personId, createdAt: now }] : [])));
    // The income base is private: the audit says that one was recorded, never the figure.
    this.repo.insertAudit(rows.map((row, i) => ({ cellId, actorPersonId: importer.personId, action: 'member.import', targetMemberId: (created[i] as MemberRow).id, details: { line: row.line, created: true, incomeBase: row.incomeBase !== undefined }, createdAt: now })));
  }

  private change(importer: Importer, member: MemberRow, row: RosterRow, changes: FieldChange[], today: string, now: number): void {
    const fields = new Set(changes.map((c) => c.field));
    const patch: Partial<MemberRow> = { updatedAt: now };
    if (fields.has('role') && row.role) patch.role = row.role;
    if (fields.has('membership') && row.membership) patch.membership = row.membership;
    if (fields.has('membershipSince') && row.membershipSince) patch.membershipSince = row.membershipSince;
    if (fields.has('attachedTemporarily')) patch.attachment = row.attachedTemporarily ? 'temporary' : 'regular';
    if (fields.has('collectsDues') && row.collectsDues !== undefined) patch.collectsDues = row.collectsDues;
    if (fields.has('reviewForm') && row.reviewForm) patch.reviewForm = row.reviewForm;
    if (fields.has('partyGroup') && row.partyGroup) patch.partyGroup = row.partyGroup;
    if (fields.has('duesCategory') && row.duesCategory) patch.duesCategory = row.duesCategory;
    const updated = this.repo.updateMember(member.id, patch) ?? member;
    const exemption = changes.find((c) => c.field === 'exemption');
    if (exemption && row.exemption) {
      const e = row.exemption;
      if (exemption.from !== null) this.repo.setExemptionEnd(member.id, e.kind, e.from, e.to);
      else this.repo.addExemption({ cellId: member.cellId, memberId: member.id, kind: e.kind, fromDate: e.from, toDate: e.to, createdAt: now });
    }
    if (fields.has('incomeBase') || (fields.has('duesCategory') && this.hasBasis(member))) {
      // A category or income change starts a new basis this month; earlier months keep theirs.
      const current = this.dues.repo.basesOf(member.id).filter((b) => b.fromMonth <= monthOf(today)).at(-1);
      const category = row.duesCategory ?? (current?.category as DuesCategory | undefined) ?? member.duesCategory;
      this.dues.importBasis(updated, { fromMonth: monthOf(today), category, incomeBase: row.incomeBase ?? current?.incomeBase ?? null, fixedAmount: current?.fixedAmount ?? null }, importer.personId);
    }
    // The audit names the fields that changed, never the income figures.
    const details: Record<string, string | number | boolean | null> = { line: row.line, fields: [...fields].join(',') };
    for (const c of changes) if (c.field !== 'incomeBase') details[c.field] = c.to;
    this.deps.repos.audit.record({ cellId: member.cellId, actorPersonId: importer.personId, action: 'member.import', targetMemberId: member.id, details, createdAt: now });
  }

  private hasBasis(member: MemberRow): boolean {
    return this.dues.repo.basesOf(member.id).length > 0;
  }

  // ---------------------------------------------------------------------------------------------
  // personal invites and export

  /**
   * Personal codes for the active members with no chat account. Codes are stored only as hashes,
   * so a code cannot be printed twice: by default only members without a live code get one (the
   * sheets already handed out keep working); `all` revokes the unused codes and prints everyone anew.
   */
  personalInvites(caller: Caller, cellId: number, opts: { all?: boolean } = {}): { issued: PersonalInvite[]; alreadyLive: number } {
    const creator = this.access.requireMember(caller, cellId, 'invite.create');
    const now = this.deps.clock.now();
    const snapshot = this.repo.snapshot(cellId, monthOf(this.today(cellId)));
    const waiting = snapshot.members.filter((m) => m.status === 'active' && !snapshot.onChannel.has(m.personId));
    const live = opts.all ? new Set<number>() : this.repo.withLivePersonalInvite(cellId, now);
    const targets = waiting.filter((m) => !live.has(m.id));
    const issued = this.issue(caller, creator.id, cellId, targets, now);
    return { issued, alreadyLive: waiting.length - targets.length };
  }

  /** A new personal code for one member not yet on a channel (the old one stops working). */
  reissue(caller: Caller, memberId: number): PersonalInvite {
    const member = this.waitingMember(caller, memberId);
    const creator = this.access.requireMember(caller, member.cellId, 'invite.create');
    return this.issue(caller, creator.id, member.cellId, [member], this.deps.clock.now())[0] as PersonalInvite;
  }

  /** Withdraws a member's unused personal code (handed to the wrong person, say). */
  revokePersonal(caller: Caller, memberId: number): number {
    const member = this.waitingMember(caller, memberId);
    this.access.require(caller, member.cellId, 'invite.revoke');
    const now = this.deps.clock.now();
    const revoked = this.repo.revokePersonal([member.id], now);
    this.deps.repos.audit.record({ cellId: member.cellId, actorPersonId: caller.personId, action: 'invite.revokePersonal', targetMemberId: member.id, details: { count: revoked }, createdAt: now });
    return revoked;
  }

  /** Whether a member (of a cell the caller leads) still waits for their personal code, and has a live one. */
  personalStatus(caller: Caller, memberId: number): { waiting: boolean; live: boolean } {
    const member = this.deps.repos.members.get(memberId);
    if (!member || member.status !== 'active') return { waiting: false, live: false };
    this.access.require(caller, member.cellId, 'invite.create');
    const waiting = this.deps.repos.people.accountsOf(member.personId).length === 0;
    return { waiting, live: waiting && this.repo.withLivePersonalInvite(member.cellId, this.deps.clock.now()).has(member.id) };
  }

  private waitingMember(caller: Caller, memberId: number): MemberRow {
    const member = this.deps.repos.members.get(memberId);
    if (!member || member.status !== 'active') throw new DomainError('MEMBER.NOT_FOUND');
    this.access.require(caller, member.cellId, 'invite.create');
    if (this.deps.repos.people.accountsOf(member.personId).length > 0) throw new DomainError('INVITE.ALREADY_MEMBER', { cell: this.deps.repos.cells.get(member.cellId)?.name ?? '' });
    return member;
  }

  private issue(caller: Caller, creatorId: number, cellId: number, members: MemberRow[], now: number): PersonalInvite[] {
    const expiresAt = now + this.settings.of(cellId).roster.personalInviteDays * 86_400_000;
    const issued = members.map((member) => ({ member, code: newCode(INVITE_CODE_LENGTH), expiresAt }));
    this.repo.transaction(() => {
      this.repo.revokePersonal(
        members.map((m) => m.id),
        now,
      );
      this.repo.insertInvites(issued.map((i) => ({ cellId, codeHash: hashCode(i.code), hint: i.code.slice(0, 4), createdBy: creatorId, maxUses: 1, memberId: i.member.id, expiresAt, createdAt: now })));
      this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'invite.personal', ...(members.length === 1 ? { targetMemberId: (members[0] as MemberRow).id } : {}), details: { count: issued.length }, createdAt: now });
    });
    return issued;
  }

  /** The roll in the template's columns; the income base only for the secretary and the dues collector. */
  exportRoll(caller: Caller, cellId: number): { records: RosterRecord[]; includeIncome: boolean; todayIso: string } {
    const me = this.access.requireMember(caller, cellId, 'roster.export');
    const { actor } = this.access.actor(caller, cellId);
    const includeIncome = can(actor, 'dues.setAmount') || me.collectsDues;
    const todayIso = this.today(cellId);
    const snapshot = this.repo.snapshot(cellId, monthOf(todayIso));
    const records = this.records(snapshot, includeIncome).filter((r) => r.status === 'active');
    this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'roster.export', details: { count: records.length, income: includeIncome }, createdAt: this.deps.clock.now() });
    return { records, includeIncome, todayIso };
  }

  /** How many active members have no chat account yet. */
  withoutChannel(cellId: number): number {
    const snapshot = this.repo.snapshot(cellId, monthOf(this.today(cellId)));
    return snapshot.members.filter((m) => m.status === 'active' && !snapshot.onChannel.has(m.personId)).length;
  }
}

/**
 * Students, members abroad and "others" pay a flat amount: an income figure beside them is not kept
 * (a basis of those categories holds none), so it is no change either — else the same file would
 * change them, and add a basis, on every import.
 */
