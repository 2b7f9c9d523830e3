import { and, asc, eq, gte, inArray, lt, lte, ne } from 'drizzle-orm';
import type { Db } from '../db.js';
import { assignments } from '../schema/index.js';

export type AssignmentRow = typeof assignments.$inferSelect;
export type AssignmentInsert = Omit<typeof assignments.$inferInsert, 'id'>;
export type AssignmentPatch = Partial<Omit<AssignmentRow, 'id' | 'cellId' | 'memberId' | 'assignedBy' | 'createdAt'>>;

export class AssignmentRepo {
  constructor(private readonly db: Db) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  insert(row: AssignmentInsert): AssignmentRow {
    return this.db.insert(assignments).values(row).returning().get();
  }

  get(id: number): AssignmentRow | undefined {
    return this.db.select().from(assignments).where(eq(assignments.id, id)).get();
  }

  /** Changes the row only if its status still is `from`: two presses (or two leaders) act once. */
  transition(id: number, from: AssignmentRow['status'], patch: AssignmentPatch): AssignmentRow | undefined {
    return this.db
      .update(assignments)
      .set(patch)
      .where(and(eq(assignments.id, id), eq(assignments.status, from)))
      .returning()
      .get();
  }

  ofMember(memberId: number): AssignmentRow[] {
    return this.db.select().from(assignments).where(eq(assignments.memberId, memberId)).orderBy(asc(assignments.deadline), asc(assignments.id)).all();
  }

  ofCell(cellId: number): AssignmentRow[] {
    return this.db.select().from(assignments).where(eq(assignments.cellId, cellId)).orderBy(asc(assignments.deadline), asc(assignments.id)).all();
  }

  /** Tasks of a cell whose deadline falls in [from, to] (ISO dates, inclusive). */
  inCellByDeadline(cellId: number, from: string, to: string): AssignmentRow[] {
    return this.db
      .select()
      .from(assignments)
      .where(and(eq(assignments.cellId, cellId), gte(assignments.deadline, from), lte(assignments.deadline, to)))
      .orderBy(asc(assignments.deadline), asc(assignments.id))
      .all();
  }

  /** Tasks still being worked on (open, accepted, blocked), any cell, due in [from, to]: what the reminder job looks at. */
  activeDueBetween(from: string, to: string): AssignmentRow[] {
    return this.db
      .select()
      .from(assignments)
      .where(and(inArray(assignments.status, ['open', 'accepted', 'blocked']), gte(assignments.deadline, from), lte(assignments.deadline, to)))
      .orderBy(asc(assignments.deadline), asc(assignments.id))
      .all();
  }

  /** Tasks of a cell not cancelled, due on or after `from` and created before `createdBefore` (epoch ms). */
  runningInCell(cellId: number, from: string, createdBefore: number): Pick<AssignmentRow, 'memberId'>[] {
    return this.db
      .select({ memberId: assignments.memberId })
      .from(assignments)
      .where(and(eq(assignments.cellId, cellId), ne(assignments.status, 'cancelled'), gte(assignments.deadline, from), lt(assignments.createdAt, createdBefore)))
      .all();
  }
}
