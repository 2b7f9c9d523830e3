import { and, eq, gt, inArray, isNotNull, isNull, lt, lte } from 'drizzle-orm';
import type { Db } from '../db.js';
import { accounts, auditLog, duesBases, exemptions, invites, members, persons, rosterImports } from '../schema/index.js';

export type RosterImportRow = typeof rosterImports.$inferSelect;
type MemberRow = typeof members.$inferSelect;
type ExemptionRow = typeof exemptions.$inferSelect;

/** What the roll needs of a cell, read in a few queries whatever its size. */
export interface RosterSnapshot {
  members: MemberRow[];
  exemptions: ExemptionRow[];
  /** The newest basis in force in `month`, per member. */
  bases: Map<number, { category: string; incomeBase: number | null; fixedAmount: number | null }>;
  /** Persons that have at least one chat account. */
  onChannel: Set<number>;
}

export class RosterRepo {
  constructor(private readonly db: Db) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(() => fn());
  }

  snapshot(cellId: number, month: string): RosterSnapshot {
    const memberRows = this.db
      .select()
      .from(members)
      .where(and(eq(members.cellId, cellId), inArray(members.status, ['active', 'pending'])))
      .orderBy(members.fullName)
      .all();
    const exemptionRows = this.db.select().from(exemptions).where(eq(exemptions.cellId, cellId)).all();
    const basisRows = this.db
      .select()
      .from(duesBases)
      .where(and(eq(duesBases.cellId, cellId), lte(duesBases.fromMonth, month)))
      .orderBy(duesBases.fromMonth, duesBases.id)
      .all();
    const bases = new Map<number, { category: string; incomeBase: number | null; fixedAmount: number | null }>();
    for (const b of basisRows) bases.set(b.memberId, { category: b.category, incomeBase: b.incomeBase, fixedAmount: b.fixedAmount });
    const onChannel = new Set(
      this.db
        .selectDistinct({ personId: accounts.personId })
        .from(accounts)
        .innerJoin(members, eq(members.personId, accounts.personId))
        .where(eq(members.cellId, cellId))
        .all()
        .map((r) => r.personId),
    );
    return { members: memberRows, exemptions: exemptionRows, bases, onChannel };
  }

  /** Members who left the roll (removed, refused) after `since`: a preview made before may have matched them. */
  leftSince(cellId: number, since: number): MemberRow[] {
    return this.db
      .select()
      .from(members)
      .where(and(eq(members.cellId, cellId), inArray(members.status, ['left', 'rejected']), gt(members.updatedAt, since)))
      .all();
  }

  insertImport(row: typeof rosterImports.$inferInsert): RosterImportRow {
    return this.db.insert(rosterImports).values(row).returning().get();
  }

  getImport(id: number): RosterImportRow | undefined {
    return this.db.select().from(rosterImports).where(eq(rosterImports.id, id)).get();
  }

  setResolutions(id: number, resolutions: Record<string, number>): void {
    this.db.update(rosterImports).set({ resolutions }).where(and(eq(rosterImports.id, id), eq(rosterImports.status, 'preview'))).run();
  }

  /** Decides a preview once: two presses of "Nhập" import once. The rows are cleared (they may hold income bases). */
  decide(id: number, patch: Pick<RosterImportRow, 'status' | 'decidedAt'> & Partial<Pick<RosterImportRow, 'created' | 'changed' | 'unchanged'>>): boolean {
    const res = this.db
      .update(rosterImports)
      .set({ ...patch, rows: [], resolutions: {} })
      .where(and(eq(rosterImports.id, id), eq(rosterImports.status, 'preview')))
      .run();
    return res.changes === 1;
  }

  /** Earlier previews of this importer in the cell still waiting: a new file replaces them. */
  cancelOpen(cellId: number, importedBy: number | null, now: number): void {
    this.db
      .update(rosterImports)
      .set({ status: 'cancelled', decidedAt: now, rows: [], resolutions: {} })
      .where(and(eq(rosterImports.cellId, cellId), eq(rosterImports.status, 'preview'), importedBy === null ? isNull(rosterImports.importedBy) : eq(rosterImports.importedBy, importedBy)))
      .run();
  }

  /** Cancels (and empties) previews created before `before`; returns how many. */
  cancelOlderThan(before: number, now: number): number {
    return this.db
      .update(rosterImports)
      .set({ status: 'cancelled', decidedAt: now, rows: [], resolutions: {} })
      .where(and(eq(rosterImports.status, 'preview'), lt(rosterImports.createdAt, before)))
      .run().changes;
  }

  /** Moves the end of an existing exemption (a file that extends it). */
  setExemptionEnd(memberId: number, kind: ExemptionRow['kind'], fromDate: string, toDate: string | null): void {
    this.db
      .update(exemptions)
      .set({ toDate })
      .where(and(eq(exemptions.memberId, memberId), eq(exemptions.kind, kind), eq(exemptions.fromDate, fromDate)))
      .run();
  }

  /**
   * Many new members at once, each on a new person with no account yet: a few multi-row statements
   * instead of thousands of single ones (a 5,000-row roll imports in well under a second).
   */
  createMembers(rows: Omit<typeof members.$inferInsert, 'personId'>[], now: number): MemberRow[] {
    const created: MemberRow[] = [];
    for (const chunk of chunks(rows, 400)) {
      const people = this.db
        .insert(persons)
        .values(chunk.map(() => ({ createdAt: now })))
        .returning({ id: persons.id })
        .all()
        .sort((a, b) => a.id - b.id);
      // Row ids follow the order of VALUES; RETURNING's own order is not promised, so sort by id.
      const inserted = this.db.insert(members).values(chunk.map((r, i) => ({ ...r, personId: (people[i] as { id: number }).id }))).returning().all();
      created.push(...inserted.sort((a, b) => a.id - b.id));
    }
    return created;
  }

  insertExemptions(rows: (typeof exemptions.$inferInsert)[]): void {
    for (const chunk of chunks(rows, 400)) this.db.insert(exemptions).values(chunk).run();
  }

  insertBases(rows: (typeof duesBases.$inferInsert)[]): void {
    for (const chunk of chunks(rows, 400)) this.db.insert(duesBases).values(chunk).run();
  }

  insertAudit(rows: (typeof auditLog.$inferInsert)[]): void {
    for (const chunk of chunks(rows, 400)) this.db.insert(auditLog).values(chunk).run();
  }

  updateMember(id: number, patch: Partial<MemberRow>): MemberRow | undefined {
    return this.db.update(members).set(patch).where(eq(members.id, id)).returning().get();
  }

  addExemption(row: typeof exemptions.$inferInsert): void {
    this.db.insert(exemptions).values(row).run();
  }

  /** Unused personal invites of these members are revoked when new ones are printed. */
  revokePersonal(memberIds: number[], now: number): number {
    let revoked = 0;
    for (const chunk of chunks(memberIds, 500)) {
      revoked += this.db
        .update(invites)
        .set({ revokedAt: now })
        .where(and(inArray(invites.memberId, chunk), isNull(invites.revokedAt), eq(invites.uses, 0)))
        .run().changes;
    }
    return revoked;
  }

  /** Members of the cell holding a personal code that still works (unused, not revoked, not expired). */
  withLivePersonalInvite(cellId: number, now: number): Set<number> {
    const rows = this.db
      .select({ memberId: invites.memberId })
      .from(invites)
      .where(and(eq(invites.cellId, cellId), isNotNull(invites.memberId), isNull(invites.revokedAt), eq(invites.uses, 0), gt(invites.expiresAt, now)))
      .all();
    return new Set(rows.map((r) => r.memberId as number));
  }

  insertInvites(rows: (typeof invites.$inferInsert)[]): void {
    for (const chunk of chunks(rows, 400)) this.db.insert(invites).values(chunk).run();
  }
}

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
