import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { pledges } from '../schema/index.js';

export type PledgeRow = typeof pledges.$inferSelect;
export type PledgeInsert = Omit<typeof pledges.$inferInsert, 'id'>;
export type PledgePatch = Partial<Pick<PledgeRow, 'status' | 'content' | 'submittedAt' | 'selfCheck' | 'selfCheckAt' | 'updatedAt'>>;

export class PledgeRepo {
  constructor(private readonly db: Db) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  get(id: number): PledgeRow | undefined {
    return this.db.select().from(pledges).where(eq(pledges.id, id)).get();
  }

  of(memberId: number, year: number): PledgeRow | undefined {
    return this.db
      .select()
      .from(pledges)
      .where(and(eq(pledges.memberId, memberId), eq(pledges.year, year)))
      .get();
  }

  inCell(cellId: number, year: number): PledgeRow[] {
    return this.db
      .select()
      .from(pledges)
      .where(and(eq(pledges.cellId, cellId), eq(pledges.year, year)))
      .orderBy(asc(pledges.id))
      .all();
  }

  ofMember(memberId: number): PledgeRow[] {
    return this.db.select().from(pledges).where(eq(pledges.memberId, memberId)).orderBy(asc(pledges.year)).all();
  }

  insert(row: PledgeInsert): PledgeRow {
    return this.db.insert(pledges).values(row).returning().get();
  }

  update(id: number, patch: PledgePatch): PledgeRow | undefined {
    return this.db.update(pledges).set(patch).where(eq(pledges.id, id)).returning().get();
  }

  /** Changes the status only if it still is `from` (a double press submits once). */
  transition(id: number, from: PledgeRow['status'], patch: PledgePatch): PledgeRow | undefined {
    return this.db
      .update(pledges)
      .set(patch)
      .where(and(eq(pledges.id, id), eq(pledges.status, from)))
      .returning()
      .get();
  }
}
