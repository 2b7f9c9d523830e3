import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { Db } from '../db.js';
import { monthlyChecks } from '../schema/index.js';

export type MonthlyCheckRow = typeof monthlyChecks.$inferSelect;

export class MonthlyCheckRepo {
  constructor(private readonly db: Db) {}

  ofMonth(cellId: number, month: string): MonthlyCheckRow[] {
    return this.db
      .select()
      .from(monthlyChecks)
      .where(and(eq(monthlyChecks.cellId, cellId), eq(monthlyChecks.month, month)))
      .orderBy(asc(monthlyChecks.criterion))
      .all();
  }

  /** Rows of the months in [from, to] ("yyyy-mm", inclusive). */
  between(cellId: number, from: string, to: string): MonthlyCheckRow[] {
    return this.db
      .select()
      .from(monthlyChecks)
      .where(and(eq(monthlyChecks.cellId, cellId), gte(monthlyChecks.month, from), lte(monthlyChecks.month, to)))
      .orderBy(asc(monthlyChecks.month), asc(monthlyChecks.criterion))
      .all();
  }

  /** Sets the result and/or note of one criterion, creating the row the first time. */
  upsert(row: { cellId: number; month: string; criterion: number; result?: MonthlyCheckRow['result']; note?: string | null; markedBy: number; now: number }): MonthlyCheckRow {
    const set: Partial<MonthlyCheckRow> = { markedBy: row.markedBy, markedAt: row.now, updatedAt: row.now };
    if (row.result !== undefined) set.result = row.result;
    if (row.note !== undefined) set.note = row.note;
    return this.db
      .insert(monthlyChecks)
      .values({ cellId: row.cellId, month: row.month, criterion: row.criterion, result: row.result ?? null, note: row.note ?? null, markedBy: row.markedBy, markedAt: row.now, createdAt: row.now, updatedAt: row.now })
      .onConflictDoUpdate({ target: [monthlyChecks.cellId, monthlyChecks.month, monthlyChecks.criterion], set })
      .returning()
      .get();
  }
}
