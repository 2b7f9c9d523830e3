import { and, asc, eq, gte, inArray, lte } from 'drizzle-orm';
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

  /** Every task still being worked on (open, accepted, blocked), any cell: what the reminder job looks at. */
  allActive(): AssignmentRow[] {
    return this.db
      .select()
      .from(assignments)
      .where(inArray(assignments.status, ['open', 'accepted', 'blocked']))
      .orderBy(asc(assignments.deadline), asc(assignments.id))
      .all();
  }
}
