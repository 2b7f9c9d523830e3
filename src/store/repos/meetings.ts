import { and, asc, count, desc, eq, gte, inArray, lt, lte, max, ne, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { exemptions, meetingAttendees, meetingCodeFailures, meetingRules, meetings, members, outbox } from '../schema/index.js';

export type MeetingRow = typeof meetings.$inferSelect;
export type MeetingInsert = Omit<typeof meetings.$inferInsert, 'id'>;
export type MeetingPatch = Partial<Omit<MeetingRow, 'id' | 'cellId' | 'createdAt'>>;
export type AttendeeRow = typeof meetingAttendees.$inferSelect;
export type AttendeeInsert = Omit<typeof meetingAttendees.$inferInsert, 'id'>;
export type AttendeePatch = Partial<Omit<AttendeeRow, 'id' | 'meetingId' | 'memberId' | 'createdAt'>>;
export type MeetingRuleRow = typeof meetingRules.$inferSelect;
export type MeetingRuleInsert = Omit<typeof meetingRules.$inferInsert, 'id'>;

export class MeetingRepo {
  constructor(private readonly db: Db) {}

  insert(row: MeetingInsert): MeetingRow {
    return this.db.insert(meetings).values(row).returning().get();
  }

  /** Inserts a meeting of a recurring series unless that month's exists; undefined when it did. */
  insertOnce(row: MeetingInsert): MeetingRow | undefined {
    return this.db.insert(meetings).values(row).onConflictDoNothing({ target: meetings.seriesKey }).returning().get();
  }

  get(id: number): MeetingRow | undefined {
    return this.db.select().from(meetings).where(eq(meetings.id, id)).get();
  }

  update(id: number, patch: MeetingPatch): MeetingRow | undefined {
    return this.db.update(meetings).set(patch).where(eq(meetings.id, id)).returning().get();
  }

  /** Changes status only from `from`, so two closers (the tick and the secretary) close once. */
  transition(id: number, from: MeetingRow['status'], patch: MeetingPatch): MeetingRow | undefined {
    return this.db
      .update(meetings)
      .set(patch)
      .where(and(eq(meetings.id, id), eq(meetings.status, from)))
      .returning()
      .get();
  }

  /** Scheduled meetings of a cell starting at or after `from`, soonest first. */
  scheduledInCell(cellId: number, from: number): MeetingRow[] {
    return this.db
      .select()
      .from(meetings)
      .where(and(eq(meetings.cellId, cellId), eq(meetings.status, 'scheduled'), gte(meetings.startsAt, from)))
      .orderBy(asc(meetings.startsAt))
      .all();
  }

  /** Closed meetings of a cell that started at or after `since`, latest first. */
  closedInCell(cellId: number, since: number, limit = 5): MeetingRow[] {
    return this.db
      .select()
      .from(meetings)
      .where(and(eq(meetings.cellId, cellId), eq(meetings.status, 'closed'), gte(meetings.startsAt, since)))
      .orderBy(desc(meetings.startsAt))
      .limit(limit)
      .all();
  }

  /** Meetings not cancelled, of any cell, starting in [from, to). */
  notCancelledBetween(cellId: number, from: number, to: number): MeetingRow[] {
    return this.db
      .select()
      .from(meetings)
      .where(and(eq(meetings.cellId, cellId), ne(meetings.status, 'cancelled'), gte(meetings.startsAt, from), lt(meetings.startsAt, to)))
      .all();
  }

  /** Every meeting still scheduled, any cell: what the tick looks at. */
  allScheduled(): MeetingRow[] {
    return this.db.select().from(meetings).where(eq(meetings.status, 'scheduled')).orderBy(asc(meetings.startsAt)).all();
  }

  /** Closed meetings that started at or after `since`, any cell (for the tick's follow-ups). */
  closedSince(since: number): MeetingRow[] {
    return this.db
      .select()
      .from(meetings)
      .where(and(eq(meetings.status, 'closed'), gte(meetings.startsAt, since)))
      .all();
  }

  // ---- recurring rules

  insertRule(row: MeetingRuleInsert): MeetingRuleRow {
    return this.db.insert(meetingRules).values(row).returning().get();
  }

  rule(id: number): MeetingRuleRow | undefined {
    return this.db.select().from(meetingRules).where(eq(meetingRules.id, id)).get();
  }

  activeRules(cellId?: number): MeetingRuleRow[] {
    const where = cellId === undefined ? eq(meetingRules.active, true) : and(eq(meetingRules.active, true), eq(meetingRules.cellId, cellId));
    return this.db.select().from(meetingRules).where(where).orderBy(asc(meetingRules.id)).all();
  }

  updateRule(id: number, patch: Partial<Omit<MeetingRuleRow, 'id' | 'cellId'>>): void {
    this.db.update(meetingRules).set(patch).where(eq(meetingRules.id, id)).run();
  }

  // ---- attendees

  attendees(meetingId: number): AttendeeRow[] {
    return this.db.select().from(meetingAttendees).where(eq(meetingAttendees.meetingId, meetingId)).orderBy(asc(meetingAttendees.id)).all();
  }

  attendee(meetingId: number, memberId: number): AttendeeRow | undefined {
    return this.db
      .select()
      .from(meetingAttendees)
      .where(and(eq(meetingAttendees.meetingId, meetingId), eq(meetingAttendees.memberId, memberId)))
      .get();
  }

  attendeeById(id: number): AttendeeRow | undefined {
    return this.db.select().from(meetingAttendees).where(eq(meetingAttendees.id, id)).get();
  }

  /** Adds the row unless the member already has one at this meeting; returns the stored row. */
  ensureAttendee(row: AttendeeInsert): AttendeeRow {
    this.db.insert(meetingAttendees).values(row).onConflictDoNothing().run();
    return this.attendee(row.meetingId, row.memberId) as AttendeeRow;
  }

  updateAttendee(id: number, patch: AttendeePatch): AttendeeRow | undefined {
    return this.db.update(meetingAttendees).set(patch).where(eq(meetingAttendees.id, id)).returning().get();
  }

  /** A member's attendance at meetings starting in [from, to), with the meeting's kind and start. */
  recordsOfMember(memberId: number, from: number, to: number): { startsAt: number; kind: MeetingRow['kind']; status: AttendeeRow['status'] }[] {
    return this.db
      .select({ startsAt: meetings.startsAt, kind: meetings.kind, status: meetingAttendees.status })
      .from(meetingAttendees)
      .innerJoin(meetings, eq(meetings.id, meetingAttendees.meetingId))
      .where(and(eq(meetingAttendees.memberId, memberId), ne(meetings.status, 'cancelled'), gte(meetings.startsAt, from), lt(meetings.startsAt, to)))
      .all();
  }

  /** Attendance rows of the given members at meetings that started by `until`. */
  attendeesOfMembers(memberIds: number[], until: number): (AttendeeRow & { startsAt: number })[] {
    if (memberIds.length === 0) return [];
    return this.db
      .select({ a: meetingAttendees, startsAt: meetings.startsAt })
      .from(meetingAttendees)
      .innerJoin(meetings, eq(meetings.id, meetingAttendees.meetingId))
      .where(and(inArray(meetingAttendees.memberId, memberIds), lte(meetings.startsAt, until)))
      .all()
      .map((r) => ({ ...r.a, startsAt: r.startsAt }));
  }

  /** Adds many rows at once (members not yet on the meeting's list); existing ones are left alone. */
  insertAttendees(rows: AttendeeInsert[]): void {
    for (let i = 0; i < rows.length; i += 500) this.db.insert(meetingAttendees).values(rows.slice(i, i + 500)).onConflictDoNothing().run();
  }

  /**
   * Changes whenever the cell's roll or exemptions change: lets the tick skip re-reading a
   * meeting's roster when nothing moved.
   */
  rosterFingerprint(cellId: number): string {
    const m = this.db.select({ n: count(), at: max(members.updatedAt) }).from(members).where(eq(members.cellId, cellId)).get();
    const e = this.db
      .select({ n: count(), id: max(exemptions.id), ends: sql<string | null>`group_concat(coalesce(${exemptions.toDate}, '-'))` })
      .from(exemptions)
      .where(eq(exemptions.cellId, cellId))
      .get();
    return `${m?.n ?? 0}:${m?.at ?? 0}:${e?.n ?? 0}:${e?.id ?? 0}:${e?.ends ?? ''}`;
  }

  /** Idempotency keys already in the outbox that start with `prefix` (to skip rendering messages sent before). */
  outboxKeys(prefix: string): Set<string> {
    const rows = this.db
      .select({ key: outbox.idempotencyKey })
      .from(outbox)
      .where(and(gte(outbox.idempotencyKey, prefix), lt(outbox.idempotencyKey, `${prefix}\uffff`)))
      .all();
    return new Set(rows.map((r) => r.key));
  }

  // ---- wrong check-in codes

  codeFailures(personId: number): typeof meetingCodeFailures.$inferSelect | undefined {
    return this.db.select().from(meetingCodeFailures).where(eq(meetingCodeFailures.personId, personId)).get();
  }

  setCodeFailures(personId: number, count: number, windowStart: number): void {
    this.db
      .insert(meetingCodeFailures)
      .values({ personId, count, windowStart })
      .onConflictDoUpdate({ target: meetingCodeFailures.personId, set: { count, windowStart } })
      .run();
  }
}
