import { and, eq, gte, inArray, isNotNull, lte, ne, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db, Store } from '../db.js';
import { assignments, exemptions, feedbackItems, feedbackOpen, meetings, members, pledges, reviewSeasons, selfReviews } from '../schema/index.js';

/**
 * Read-only queries behind /tongket. Returns counts and facts only: never a note, a comment's text,
 * a self-criticism, a pledge's content or anything that could tell who wrote anonymous feedback.
 */
export class SummaryRepo {
  private readonly db: Db;
  /** The hot queries of a summary (hundreds to thousands of rows) as prepared statements, built once. */
  private readonly hot: { attendees: Database.Statement; charges: Database.Statement };

  constructor(store: Store) {
    this.db = store.db;
    this.hot = {
      attendees: store.sqlite.prepare(
        `SELECT a.meeting_id AS meetingId, a.member_id AS memberId, a.membership AS membership, a.expected AS expected, a.status AS status
           FROM meetings m INDEXED BY meetings_cell_id_starts_at_idx CROSS JOIN meeting_attendees a ON a.meeting_id = m.id
          WHERE m.cell_id = ? AND m.status = 'closed' AND m.kind != 'committee' AND m.starts_at >= ? AND m.starts_at < ?`,
      ),
      charges: store.sqlite.prepare(
        `SELECT c.member_id AS memberId, c.month AS month, c.due AS due,
                COALESCE((SELECT sum(p.amount) FROM dues_payments p WHERE p.member_id = c.member_id AND p.month = c.month AND p.status = 'confirmed'), 0) AS paid
           FROM dues_charges c
          WHERE c.cell_id = ? AND c.month >= ? AND c.month <= ?`,
      ),
    };
  }

  /** Attendance rows of the held cell meetings in [fromMs, toMs) (same meetings as `heldMeetings`). */
  heldAttendees(cellId: number, fromMs: number, toMs: number): { meetingId: number; memberId: number; membership: 'full' | 'probationary'; expected: boolean; status: string | null }[] {
    const rows = this.hot.attendees.all(cellId, fromMs, toMs) as { meetingId: number; memberId: number; membership: 'full' | 'probationary'; expected: number; status: string | null }[];
    return rows.map((r) => ({ meetingId: r.meetingId, memberId: r.memberId, membership: r.membership, expected: r.expected === 1, status: r.status }));
  }

  /** Everyone who was ever admitted (active or left), with their exemptions. */
  members(cellId: number): { id: number; fullName: string; membership: 'full' | 'probationary'; status: 'active' | 'left'; joinedOn: string | null; leftOn: string | null; exemptions: { from: string; to: string | null }[] }[] {
    const rows = this.db
      .select({ id: members.id, fullName: members.fullName, membership: members.membership, status: members.status, joinedOn: members.joinedOn, leftOn: members.leftOn, createdAt: members.createdAt })
      .from(members)
      .where(and(eq(members.cellId, cellId), inArray(members.status, ['active', 'left'])))
      .all();
    const ex = this.db.select({ memberId: exemptions.memberId, from: exemptions.fromDate, to: exemptions.toDate }).from(exemptions).where(eq(exemptions.cellId, cellId)).all();
    return rows.map((r) => ({
      id: r.id,
      fullName: r.fullName,
      membership: r.membership,
      status: r.status === 'left' ? 'left' : 'active',
      joinedOn: r.joinedOn,
      leftOn: r.leftOn,
      exemptions: ex.filter((e) => e.memberId === r.id).map((e) => ({ from: e.from, to: e.to })),
    }));
  }

  /** Cell meetings (not committee ones) that were held: check-in closed, not cancelled, in [fromMs, toMs). */
  heldMeetings(cellId: number, fromMs: number, toMs: number): { id: number; kind: 'regular' | 'thematic' | 'extraordinary'; withThematic: boolean; startsAt: number }[] {
    const rows = this.db
      .select({ id: meetings.id, kind: meetings.kind, withThematic: meetings.withThematic, startsAt: meetings.startsAt })
      .from(meetings)
      .where(and(eq(meetings.cellId, cellId), eq(meetings.status, 'closed'), ne(meetings.kind, 'committee'), gte(meetings.startsAt, fromMs), sql`${meetings.startsAt} < ${toMs}`))
      .orderBy(meetings.startsAt)
      .all();
    return rows.flatMap((r) => (r.kind === 'committee' ? [] : [{ id: r.id, kind: r.kind, withThematic: r.withThematic, startsAt: r.startsAt }]));
  }


  /** Charges of months in [fromMonth, toMonth] with the confirmed amount paid for each. */
  charges(cellId: number, fromMonth: string, toMonth: string): { memberId: number; month: string; due: number | null; paid: number }[] {
    return this.hot.charges.all(cellId, fromMonth, toMonth) as { memberId: number; month: string; due: number | null; paid: number }[];
  }

  assignments(cellId: number, from: string, to: string): { memberId: number; title: string; criterion: number; deadline: string; status: 'open' | 'accepted' | 'blocked' | 'done' | 'confirmed' | 'cancelled'; doneOn: string | null }[] {
    return this.db
      .select({ memberId: assignments.memberId, title: assignments.title, criterion: assignments.criterion, deadline: assignments.deadline, status: assignments.status, doneOn: assignments.doneOn })
      .from(assignments)
      .where(and(eq(assignments.cellId, cellId), gte(assignments.deadline, from), lte(assignments.deadline, to)))
      .orderBy(assignments.deadline, assignments.id)
      .all();
  }

  /** Members with a submitted yearly commitment for `year`. */
  pledged(cellId: number, year: number): Set<number> {
    const rows = this.db
      .select({ memberId: pledges.memberId })
      .from(pledges)
      .where(and(eq(pledges.cellId, cellId), eq(pledges.year, year), eq(pledges.status, 'submitted')))
      .all();
    return new Set(rows.map((r) => r.memberId));
  }

  /** Self-criticism: whether any season's deadline fell in [from, to], and who submitted in those seasons (never the content). */
  reviewed(cellId: number, from: string, to: string): Set<number> | null {
    const seasons = this.db
      .select({ id: reviewSeasons.id })
      .from(reviewSeasons)
      .where(and(eq(reviewSeasons.cellId, cellId), gte(reviewSeasons.deadline, from), lte(reviewSeasons.deadline, to)))
      .all();
    if (seasons.length === 0) return null;
    const rows = this.db
      .select({ memberId: selfReviews.memberId })
      .from(selfReviews)
      .where(
        and(
          inArray(
            selfReviews.seasonId,
            seasons.map((s) => s.id),
          ),
          eq(selfReviews.status, 'submitted'),
        ),
      )
      .all();
    return new Set(rows.map((r) => r.memberId));
  }

  /** Named feedback per member created in [fromMs, toMs). */
  openFeedback(cellId: number, fromMs: number, toMs: number): Map<number, number> {
    const rows = this.db
      .select({ memberId: feedbackOpen.memberId, n: sql<number>`count(*)` })
      .from(feedbackOpen)
      .where(and(eq(feedbackOpen.cellId, cellId), gte(feedbackOpen.createdAt, fromMs), sql`${feedbackOpen.createdAt} < ${toMs}`))
      .groupBy(feedbackOpen.memberId)
      .all();
    return new Map(rows.map((r) => [r.memberId, Number(r.n)]));
  }

  /** Anonymous feedback sent in [from, to]: a count only. */
  anonymousCount(cellId: number, from: string, to: string): number {
    const row = this.db
      .select({ n: sql<number>`count(*)` })
      .from(feedbackItems)
      .where(and(eq(feedbackItems.cellId, cellId), isNotNull(feedbackItems.createdOn), gte(feedbackItems.createdOn, from), lte(feedbackItems.createdOn, to)))
      .get();
    return Number(row?.n ?? 0);
  }
}
