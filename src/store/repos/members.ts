import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db.js';
import { exemptions, members } from '../schema/index.js';

export type MemberRow = typeof members.$inferSelect;
export type ExemptionRow = typeof exemptions.$inferSelect;
export type MemberPatch = Partial<Omit<MemberRow, 'id' | 'cellId' | 'personId' | 'createdAt'>>;

export class MemberRepo {
  constructor(private readonly db: Db) {}

  get(id: number): MemberRow | undefined {
    return this.db.select().from(members).where(eq(members.id, id)).get();
  }

  inCell(cellId: number, personId: number): MemberRow | undefined {
    return this.db
      .select()
      .from(members)
      .where(and(eq(members.cellId, cellId), eq(members.personId, personId)))
      .get();
  }

  ofPerson(personId: number): MemberRow[] {
    return this.db.select().from(members).where(eq(members.personId, personId)).orderBy(asc(members.cellId)).all();
  }

  list(cellId: number, statuses: MemberRow['status'][] = ['active']): MemberRow[] {
    return this.db
      .select()
      .from(members)
      .where(and(eq(members.cellId, cellId), inArray(members.status, statuses)))
      .orderBy(asc(members.fullName))
      .all();
  }

  withRoles(cellId: number, roles: MemberRow['role'][]): MemberRow[] {
    return this.db
      .select()
      .from(members)
      .where(and(eq(members.cellId, cellId), eq(members.status, 'active'), inArray(members.role, roles)))
      .all();
  }

  insert(row: typeof members.$inferInsert): MemberRow {
    return this.db.insert(members).values(row).returning().get();
  }

  update(id: number, patch: MemberPatch): MemberRow | undefined {
    return this.db.update(members).set(patch).where(eq(members.id, id)).returning().get();
  }

  /** Changes status only if it still is `from`: two leaders pressing Duyệt at once approve once. */
  transition(id: number, from: MemberRow['status'], patch: MemberPatch): MemberRow | undefined {
    return this.db
      .update(members)
      .set(patch)
      .where(and(eq(members.id, id), eq(members.status, from)))
      .returning()
      .get();
  }

  /** Moves a membership to another person (when two channel accounts turn out to be one person). */
  reassign(id: number, personId: number): void {
    this.db.update(members).set({ personId }).where(eq(members.id, id)).run();
  }

  exemptionsOf(memberId: number): ExemptionRow[] {
    return this.db.select().from(exemptions).where(eq(exemptions.memberId, memberId)).orderBy(asc(exemptions.fromDate)).all();
  }

  exemptionsInCell(cellId: number): ExemptionRow[] {
    return this.db.select().from(exemptions).where(eq(exemptions.cellId, cellId)).all();
  }

  addExemption(row: typeof exemptions.$inferInsert): ExemptionRow {
    return this.db.insert(exemptions).values(row).returning().get();
  }

  /** Ends every running exemption of the member on `isoDate`; ones not yet started are cancelled. */
  endExemptions(memberId: number, isoDate: string): number {
    const open = this.exemptionsOf(memberId).filter((e) => e.toDate === null || e.toDate > isoDate);
    for (const e of open) {
      if (e.fromDate > isoDate) this.db.delete(exemptions).where(eq(exemptions.id, e.id)).run();
      else this.db.update(exemptions).set({ toDate: isoDate }).where(eq(exemptions.id, e.id)).run();
    }
    return open.length;
  }
}
