import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { residenceComments, residenceExemptions } from '../schema/index.js';

export type ResidenceExemptionRow = typeof residenceExemptions.$inferSelect;
export type ResidenceCommentRow = typeof residenceComments.$inferSelect;

export class ResidenceRepo {
  constructor(private readonly db: Db) {}

  exemption(memberId: number): ResidenceExemptionRow | undefined {
    return this.db.select().from(residenceExemptions).where(eq(residenceExemptions.memberId, memberId)).get();
  }

  exemptionsInCell(cellId: number): ResidenceExemptionRow[] {
    return this.db.select().from(residenceExemptions).where(eq(residenceExemptions.cellId, cellId)).all();
  }

  setExemption(row: { memberId: number; cellId: number; reason: ResidenceExemptionRow['reason']; setBy: number; now: number }): void {
    this.db
      .insert(residenceExemptions)
      .values({ memberId: row.memberId, cellId: row.cellId, reason: row.reason, setBy: row.setBy, createdAt: row.now, updatedAt: row.now })
      .onConflictDoUpdate({ target: residenceExemptions.memberId, set: { reason: row.reason, setBy: row.setBy, updatedAt: row.now } })
      .run();
  }

  clearExemption(memberId: number): boolean {
    return this.db.delete(residenceExemptions).where(eq(residenceExemptions.memberId, memberId)).run().changes === 1;
  }

  comments(cellId: number, year: number): ResidenceCommentRow[] {
    return this.db
      .select()
      .from(residenceComments)
      .where(and(eq(residenceComments.cellId, cellId), eq(residenceComments.year, year)))
      .orderBy(asc(residenceComments.id))
      .all();
  }

  comment(memberId: number, year: number): ResidenceCommentRow | undefined {
    return this.db
      .select()
      .from(residenceComments)
      .where(and(eq(residenceComments.memberId, memberId), eq(residenceComments.year, year)))
      .get();
  }

  /** Records the comment once; false when it was already recorded. */
  addComment(row: Omit<typeof residenceComments.$inferInsert, 'id'>): boolean {
    return this.db.insert(residenceComments).values(row).onConflictDoNothing().run().changes === 1;
  }

  removeComment(memberId: number, year: number): boolean {
    return (
      this.db
        .delete(residenceComments)
        .where(and(eq(residenceComments.memberId, memberId), eq(residenceComments.year, year)))
        .run().changes === 1
    );
  }
}
