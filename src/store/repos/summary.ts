import type Database from 'better-sqlite3';
import type { SummaryAttendee, SummaryCharge, SummaryMeetingKind, SummaryMember } from '../../domain/summary.js';
import type { Store } from '../db.js';

/** What one read covers. Every cell of a read shares it, so a read is for cells of one time zone. */
export interface SummaryWindow {
  /** Held meetings starting in [fromMs, toMs). */
  meetings: { fromMs: number; toMs: number };
  /** Dues charges of the months [from, to] (yyyy-mm). */
  months: { from: string; to: string };
  /** The period (yyyy-mm-dd, both ends included): tasks and self-criticism seasons by deadline, anonymous feedback by day. */
  period: { from: string; to: string };
  /** Named feedback created in [fromMs, toMs). */
  feedback: { fromMs: number; toMs: number };
  /** Yearly commitments of this year. */
  pledgeYear: number;
}

export type SummaryTaskStatus = 'open' | 'accepted' | 'blocked' | 'done' | 'confirmed' | 'cancelled';

/** A held cell meeting and its attendance rows. */
export interface HeldMeeting {
  id: number;
  kind: SummaryMeetingKind;
  withThematic: boolean;
  startsAt: number;
  attendees: SummaryAttendee[];
}

/** Everything a summary of one cell reads, for one window. */
export interface SummaryRecords {
  /** Everyone who was ever admitted (active or left), with their exemptions. */
  members: SummaryMember[];
  /** Held meetings, by start. */
  meetings: HeldMeeting[];
  /** Charges with the confirmed amount paid for each. */
  charges: SummaryCharge[];
  /** Tasks whose deadline falls in the period, by deadline. */
  assignments: { memberId: number; title: string; criterion: number; deadline: string; status: SummaryTaskStatus; doneOn: string | null }[];
  /** Members with a submitted yearly commitment. */
  pledged: Set<number>;
  /** Self-criticism: null when no season's deadline fell in the period, else who submitted in those seasons (never the content). */
  reviewed: Set<number> | null;
  /** Named feedback per member. */
  openFeedback: Map<number, number>;
  /** Anonymous feedback: a count only. */
  anonymousFeedback: number;
}

const emptyRecords = (): SummaryRecords => ({ members: [], meetings: [], charges: [], assignments: [], pledged: new Set(), reviewed: null, openFeedback: new Map(), anonymousFeedback: 0 });

/** The cells of a read, bound as one JSON array: `cell_id IN (SELECT value FROM json_each(?))`. */
const CELLS = 'IN (SELECT value FROM json_each(?))';

type MemberTuple = [id: number, fullName: string, membership: 'full' | 'probationary', status: 'active' | 'left', joinedOn: string | null, leftOn: string | null];
type AttendeeTuple = [memberId: number, membership: 'full' | 'probationary', expected: number, status: string | null];
type AssignmentTuple = [cellId: number, memberId: number, title: string, criterion: number, deadline: string, status: SummaryTaskStatus, doneOn: string | null];
type ChargeTuple = [memberId: number, month: string, due: number | null, paid: number];

/**
 * Read-only queries behind /tongket. Returns counts and facts only: never a note, a comment's text,
 * a self-criticism, a pledge's content or anything that could tell who wrote anonymous feedback.
 *
 * One read serves any number of cells (one cell for /tongket, every cell for the roll-up) with one
 * query per table. The statements are prepared once. The big ones hand back a cell's members and
 * charges, and a meeting's attendance, as one JSON array each instead of one row per item: SQLite
 * builds the array and JSON.parse reads it far faster than better-sqlite3 turns out ~100,000 rows
 * (about 1 µs a row, most of it making the row's strings).
 */
export class SummaryRepo {
  private readonly q: Record<'members' | 'exemptions' | 'meetings' | 'charges' | 'assignments' | 'pledged' | 'seasons' | 'openFeedback' | 'anonymous', Database.Statement>;

  constructor(store: Store) {
    const db = store.sqlite;
    this.q = {
      members: db
        .prepare(
          `SELECT cell_id, json_group_array(json_array(id, full_name, membership, status, joined_on, left_on))
             FROM members WHERE cell_id ${CELLS} AND status IN ('active', 'left') GROUP BY cell_id`,
        )
        .raw(true),
      exemptions: db.prepare(`SELECT cell_id, member_id, from_date, to_date FROM exemptions WHERE cell_id ${CELLS} ORDER BY id`).raw(true),
      // Cell meetings (not committee ones) that were held: check-in closed, not cancelled.
      meetings: db
        .prepare(
          `SELECT m.cell_id, m.id, m.kind, m.with_thematic, m.starts_at,
                  (SELECT json_group_array(json_array(a.member_id, a.membership, a.expected, a.status))
                     FROM meeting_attendees a WHERE a.meeting_id = m.id)
             FROM meetings m INDEXED BY meetings_cell_id_starts_at_idx
            WHERE m.cell_id ${CELLS} AND m.status = 'closed' AND m.kind != 'committee' AND m.starts_at >= ? AND m.starts_at < ?
            ORDER BY m.cell_id, m.starts_at, m.id`,
        )
        .raw(true),
      charges: db
        .prepare(
          `SELECT c.cell_id,
                  json_group_array(json_array(c.member_id, c.month, c.due,
                    (SELECT COALESCE(sum(p.amount), 0) FROM dues_payments p WHERE p.member_id = c.member_id AND p.month = c.month AND p.status = 'confirmed')))
             FROM dues_charges c WHERE c.cell_id ${CELLS} AND c.month >= ? AND c.month <= ? GROUP BY c.cell_id`,
        )
        .raw(true),
      assignments: db
        .prepare(`SELECT cell_id, member_id, title, criterion, deadline, status, done_on FROM assignments WHERE cell_id ${CELLS} AND deadline >= ? AND deadline <= ? ORDER BY cell_id, deadline, id`)
        .raw(true),
      pledged: db.prepare(`SELECT cell_id, member_id FROM pledges WHERE cell_id ${CELLS} AND year = ? AND status = 'submitted'`).raw(true),
      seasons: db
        .prepare(
          `SELECT s.cell_id, (SELECT json_group_array(r.member_id) FROM self_reviews r WHERE r.season_id = s.id AND r.status = 'submitted')
             FROM review_seasons s WHERE s.cell_id ${CELLS} AND s.deadline >= ? AND s.deadline <= ?`,
        )
        .raw(true),
      openFeedback: db.prepare(`SELECT cell_id, member_id, count(*) FROM feedback_open WHERE cell_id ${CELLS} AND created_at >= ? AND created_at < ? GROUP BY cell_id, member_id`).raw(true),
      anonymous: db.prepare(`SELECT cell_id, count(*) FROM feedback WHERE cell_id ${CELLS} AND created_on IS NOT NULL AND created_on >= ? AND created_on <= ? GROUP BY cell_id`).raw(true),
    };
  }

  /** The records of each cell in `cellIds` for the window (a cell with none gets empty records). */
  read(cellIds: readonly number[], w: SummaryWindow): Map<number, SummaryRecords> {
    const out = new Map<number, SummaryRecords>(cellIds.map((id) => [id, emptyRecords()]));
    const cells = JSON.stringify(cellIds);
    const of = (cellId: number): SummaryRecords => {
      let r = out.get(cellId);
      if (!r) out.set(cellId, (r = emptyRecords()));
      return r;
    };

    // A member's exemptions recorded in the member's own cell.
    const exemptions = new Map<number, { cellId: number; from: string; to: string | null }[]>();
    for (const [cellId, memberId, from, to] of this.q.exemptions.all(cells) as [number, number, string, string | null][]) {
      const list = exemptions.get(memberId);
      if (list) list.push({ cellId, from, to });
      else exemptions.set(memberId, [{ cellId, from, to }]);
    }
    const exemptionsOf = (cellId: number, memberId: number): { from: string; to: string | null }[] => exemptions.get(memberId)?.filter((e) => e.cellId === cellId).map(({ from, to }) => ({ from, to })) ?? [];
    for (const [cellId, json] of this.q.members.all(cells) as [number, string][]) {
      of(cellId).members = (JSON.parse(json) as MemberTuple[]).map(([memberId, fullName, membership, status, joinedOn, leftOn]) => ({ memberId, fullName, membership, status, joinedOn, leftOn, exemptions: exemptionsOf(cellId, memberId) }));
    }

    for (const [cellId, id, kind, withThematic, startsAt, json] of this.q.meetings.all(cells, w.meetings.fromMs, w.meetings.toMs) as [number, number, SummaryMeetingKind, number, number, string][]) {
      const attendees = (JSON.parse(json) as AttendeeTuple[]).map(([memberId, membership, expected, status]) => ({ memberId, membership, expected: expected === 1, status }));
      of(cellId).meetings.push({ id, kind, withThematic: withThematic === 1, startsAt, attendees });
    }

    for (const [cellId, json] of this.q.charges.all(cells, w.months.from, w.months.to) as [number, string][]) {
      of(cellId).charges = (JSON.parse(json) as ChargeTuple[]).map(([memberId, month, due, paid]) => ({ memberId, month, due, paid }));
    }

    // Indexed rather than destructured: destructuring a row goes through the array iterator, which allocates for each of ~10,000 rows.
    for (const t of this.q.assignments.all(cells, w.period.from, w.period.to) as AssignmentTuple[]) {
      of(t[0]).assignments.push({ memberId: t[1], title: t[2], criterion: t[3], deadline: t[4], status: t[5], doneOn: t[6] });
    }

    for (const [cellId, memberId] of this.q.pledged.all(cells, w.pledgeYear) as [number, number][]) of(cellId).pledged.add(memberId);

    for (const [cellId, json] of this.q.seasons.all(cells, w.period.from, w.period.to) as [number, string][]) {
      const r = of(cellId);
      const reviewed = (r.reviewed ??= new Set());
      for (const memberId of JSON.parse(json) as number[]) reviewed.add(memberId);
    }

    for (const [cellId, memberId, n] of this.q.openFeedback.all(cells, w.feedback.fromMs, w.feedback.toMs) as [number, number, number][]) of(cellId).openFeedback.set(memberId, n);

    for (const [cellId, n] of this.q.anonymous.all(cells, w.period.from, w.period.to) as [number, number][]) of(cellId).anonymousFeedback = n;

    return out;
  }
}
