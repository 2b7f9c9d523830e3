import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { invites } from '../schema/index.js';

export type InviteRow = typeof invites.$inferSelect;

export class InviteRepo {
  constructor(private readonly db: Db) {}

  insert(row: typeof invites.$inferInsert): InviteRow {
    return this.db.insert(invites).values(row).returning().get();
  }

  byHash(codeHash: string): InviteRow | undefined {
    return this.db.select().from(invites).where(eq(invites.codeHash, codeHash)).get();
  }

  get(id: number): InviteRow | undefined {
    return this.db.select().from(invites).where(eq(invites.id, id)).get();
  }

  active(cellId: number, now: number): InviteRow[] {
    return this.db
      .select()
      .from(invites)
      .where(and(eq(invites.cellId, cellId), isNull(invites.revokedAt), gt(invites.expiresAt, now), isNull(invites.memberId)))
      .orderBy(desc(invites.id))
      .all();
  }

  revoke(id: number, now: number): void {
    this.db.update(invites).set({ revokedAt: now }).where(eq(invites.id, id)).run();
  }

  /** Counts a use only while uses remain: of two racing answers, one wins. */
  useOnce(id: number): boolean {
    const res = this.db
      .update(invites)
      .set({ uses: sql`${invites.uses} + 1` })
      .where(and(eq(invites.id, id), sql`(${invites.maxUses} IS NULL OR ${invites.uses} < ${invites.maxUses})`))
      .run();
    return res.changes === 1;
  }

  countUse(id: number): void {
    this.db
      .update(invites)
      .set({ uses: sql`${invites.uses} + 1` })
      .where(eq(invites.id, id))
      .run();
  }
}
