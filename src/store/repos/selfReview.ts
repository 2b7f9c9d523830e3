import { and, asc, desc, eq, ne } from 'drizzle-orm';
import type { Db } from '../db.js';
import { reviewSeasons, selfReviews } from '../schema/index.js';

export type ReviewSeasonRow = typeof reviewSeasons.$inferSelect;
export type SelfReviewRow = typeof selfReviews.$inferSelect;
export type SelfReviewPatch = Partial<Pick<SelfReviewRow, 'form' | 'status' | 'keyId' | 'content' | 'submittedAt' | 'updatedAt'>>;

/** Review seasons and the (encrypted) self-criticism notes written in them. */
export class SelfReviewRepo {
  constructor(private readonly db: Db) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  insertSeason(row: Omit<typeof reviewSeasons.$inferInsert, 'id'>): ReviewSeasonRow {
    return this.db.insert(reviewSeasons).values(row).returning().get();
  }

  season(id: number): ReviewSeasonRow | undefined {
    return this.db.select().from(reviewSeasons).where(eq(reviewSeasons.id, id)).get();
  }

  openSeason(cellId: number): ReviewSeasonRow | undefined {
    return this.db
      .select()
      .from(reviewSeasons)
      .where(and(eq(reviewSeasons.cellId, cellId), eq(reviewSeasons.status, 'open')))
      .orderBy(desc(reviewSeasons.id))
      .get();
  }

  openSeasons(): ReviewSeasonRow[] {
    return this.db.select().from(reviewSeasons).where(eq(reviewSeasons.status, 'open')).orderBy(asc(reviewSeasons.id)).all();
  }

  seasons(cellId: number, limit = 10): ReviewSeasonRow[] {
    return this.db.select().from(reviewSeasons).where(eq(reviewSeasons.cellId, cellId)).orderBy(desc(reviewSeasons.id)).limit(limit).all();
  }

  /** Closes once: false when it was already closed. */
  closeSeason(id: number, now: number): boolean {
    return (
      this.db
        .update(reviewSeasons)
        .set({ status: 'closed', closedAt: now })
        .where(and(eq(reviewSeasons.id, id), eq(reviewSeasons.status, 'open')))
        .run().changes === 1
    );
  }

  note(id: number): SelfReviewRow | undefined {
    return this.db.select().from(selfReviews).where(eq(selfReviews.id, id)).get();
  }

  noteOf(seasonId: number, memberId: number): SelfReviewRow | undefined {
    return this.db
      .select()
      .from(selfReviews)
      .where(and(eq(selfReviews.seasonId, seasonId), eq(selfReviews.memberId, memberId)))
      .get();
  }

  notesOf(seasonId: number): SelfReviewRow[] {
    return this.db.select().from(selfReviews).where(eq(selfReviews.seasonId, seasonId)).orderBy(asc(selfReviews.id)).all();
  }

  notesOfMember(memberId: number): SelfReviewRow[] {
    return this.db.select().from(selfReviews).where(eq(selfReviews.memberId, memberId)).orderBy(desc(selfReviews.id)).all();
  }

  insertNote(row: Omit<typeof selfReviews.$inferInsert, 'id'>): SelfReviewRow {
    return this.db.insert(selfReviews).values(row).returning().get();
  }

  updateNote(id: number, patch: SelfReviewPatch): SelfReviewRow | undefined {
    return this.db.update(selfReviews).set(patch).where(eq(selfReviews.id, id)).returning().get();
  }

  /** Changes the status only if it still is `from` (a double press submits once). */
  transition(id: number, from: SelfReviewRow['status'], patch: SelfReviewPatch): SelfReviewRow | undefined {
    return this.db
      .update(selfReviews)
      .set(patch)
      .where(and(eq(selfReviews.id, id), eq(selfReviews.status, from)))
      .returning()
      .get();
  }

  /** Notes encrypted under another key than `currentKeyId`, to re-encrypt after a key change. */
  notesNotUnder(currentKeyId: string, limit: number): SelfReviewRow[] {
    return this.db.select().from(selfReviews).where(ne(selfReviews.keyId, currentKeyId)).orderBy(asc(selfReviews.id)).limit(limit).all();
  }
}
