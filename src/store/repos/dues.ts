import { and, asc, desc, eq, gte, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Db } from '../db.js';
import { duesBases, duesCharges, duesCorrections, duesPayments, duesReliefs } from '../schema/index.js';

export type DuesBasisRow = typeof duesBases.$inferSelect;
export type DuesReliefRow = typeof duesReliefs.$inferSelect;
export type DuesChargeRow = typeof duesCharges.$inferSelect;
export type DuesPaymentRow = typeof duesPayments.$inferSelect;
export type DuesCorrectionRow = typeof duesCorrections.$inferSelect;
export type DuesChargeInsert = Omit<typeof duesCharges.$inferInsert, 'id'>;
export type DuesChargePatch = Partial<Pick<DuesChargeRow, 'category' | 'gross' | 'percentOff' | 'reliefKind' | 'due' | 'fixed' | 'rulesId' | 'updatedAt'>>;

export class DuesRepo {
  constructor(private readonly db: Db) {}

  /** Runs `fn` in one transaction (better-sqlite3 transactions are synchronous). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(() => fn());
  }

  // ---- bases and reliefs (history: oldest first, in insertion order)
  basesOf(memberId: number): DuesBasisRow[] {
    return this.db.select().from(duesBases).where(eq(duesBases.memberId, memberId)).orderBy(asc(duesBases.id)).all();
  }

  basesInCell(cellId: number): DuesBasisRow[] {
    return this.db.select().from(duesBases).where(eq(duesBases.cellId, cellId)).orderBy(asc(duesBases.id)).all();
  }

  addBasis(row: Omit<typeof duesBases.$inferInsert, 'id'>): DuesBasisRow {
    return this.db.insert(duesBases).values(row).returning().get();
  }

  reliefsOf(memberId: number): DuesReliefRow[] {
    return this.db.select().from(duesReliefs).where(eq(duesReliefs.memberId, memberId)).orderBy(asc(duesReliefs.id)).all();
  }

  reliefsInCell(cellId: number): DuesReliefRow[] {
    return this.db.select().from(duesReliefs).where(eq(duesReliefs.cellId, cellId)).orderBy(asc(duesReliefs.id)).all();
  }

  relief(id: number): DuesReliefRow | undefined {
    return this.db.select().from(duesReliefs).where(eq(duesReliefs.id, id)).get();
  }

  addRelief(row: Omit<typeof duesReliefs.$inferInsert, 'id'>): DuesReliefRow {
    return this.db.insert(duesReliefs).values(row).returning().get();
  }

  endRelief(id: number, toMonth: string, now: number): DuesReliefRow | undefined {
    return this.db.update(duesReliefs).set({ toMonth, updatedAt: now }).where(eq(duesReliefs.id, id)).returning().get();
  }

  // ---- charges
  charge(id: number): DuesChargeRow | undefined {
    return this.db.select().from(duesCharges).where(eq(duesCharges.id, id)).get();
  }

  chargeFor(memberId: number, month: string): DuesChargeRow | undefined {
    return this.db
      .select()
      .from(duesCharges)
      .where(and(eq(duesCharges.memberId, memberId), eq(duesCharges.month, month)))
      .get();
  }

  chargesOf(memberId: number): DuesChargeRow[] {
    return this.db.select().from(duesCharges).where(eq(duesCharges.memberId, memberId)).orderBy(asc(duesCharges.month)).all();
  }

  chargesInCell(cellId: number, fromMonth = '0000-00', toMonth = '9999-99'): DuesChargeRow[] {
    return this.db
      .select()
      .from(duesCharges)
      .where(and(eq(duesCharges.cellId, cellId), gte(duesCharges.month, fromMonth), lte(duesCharges.month, toMonth)))
      .orderBy(asc(duesCharges.month), asc(duesCharges.memberId))
      .all();
  }

  /** Inserts charges that do not exist yet; existing (member, month) rows are left as they are. */
  insertCharges(rows: DuesChargeInsert[]): void {
    if (rows.length === 0) return;
    this.db.insert(duesCharges).values(rows).onConflictDoNothing({ target: [duesCharges.memberId, duesCharges.month] }).run();
  }

  updateCharge(id: number, patch: DuesChargePatch): void {
    this.db.update(duesCharges).set(patch).where(eq(duesCharges.id, id)).run();
  }

  markReminded(ids: number[], at: number): void {
    if (ids.length === 0) return;
    this.db.update(duesCharges).set({ remindedAt: at }).where(inArray(duesCharges.id, ids)).run();
  }

  // ---- payments
  payment(id: number): DuesPaymentRow | undefined {
    return this.db.select().from(duesPayments).where(eq(duesPayments.id, id)).get();
  }

  paymentsOf(memberId: number): DuesPaymentRow[] {
    return this.db.select().from(duesPayments).where(eq(duesPayments.memberId, memberId)).orderBy(asc(duesPayments.month), asc(duesPayments.id)).all();
  }

  paymentsInCell(cellId: number, fromMonth = '0000-00', toMonth = '9999-99'): DuesPaymentRow[] {
    return this.db
      .select()
      .from(duesPayments)
      .where(and(eq(duesPayments.cellId, cellId), gte(duesPayments.month, fromMonth), lte(duesPayments.month, toMonth)))
      .orderBy(asc(duesPayments.month), asc(duesPayments.id))
      .all();
  }

  pendingInCell(cellId: number): DuesPaymentRow[] {
    return this.db
      .select()
      .from(duesPayments)
      .where(and(eq(duesPayments.cellId, cellId), eq(duesPayments.status, 'declared')))
      .orderBy(asc(duesPayments.id))
      .all();
  }

  insertPayment(row: Omit<typeof duesPayments.$inferInsert, 'id'>): DuesPaymentRow {
    return this.db.insert(duesPayments).values(row).returning().get();
  }

  /** Changes a payment only if it still has status `from`: two collectors pressing at once decide once. */
  transitionPayment(id: number, from: DuesPaymentRow['status'], patch: Partial<Omit<DuesPaymentRow, 'id' | 'cellId' | 'memberId'>>): DuesPaymentRow | undefined {
    return this.db
      .update(duesPayments)
      .set(patch)
      .where(and(eq(duesPayments.id, id), eq(duesPayments.status, from)))
      .returning()
      .get();
  }

  addCorrection(row: Omit<typeof duesCorrections.$inferInsert, 'id'>): DuesCorrectionRow {
    return this.db.insert(duesCorrections).values(row).returning().get();
  }

  correctionsInCell(cellId: number): DuesCorrectionRow[] {
    return this.db.select().from(duesCorrections).where(eq(duesCorrections.cellId, cellId)).orderBy(desc(duesCorrections.id)).all();
  }

  /** Charges already reminded (for tests and the doctor-style checks). */
  remindedInCell(cellId: number, month: string): DuesChargeRow[] {
    return this.db
      .select()
      .from(duesCharges)
      .where(and(eq(duesCharges.cellId, cellId), eq(duesCharges.month, month), isNotNull(duesCharges.remindedAt)))
      .all();
  }
}
