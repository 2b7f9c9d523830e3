import { isoDateIn } from '../conversation/format.js';
import { choice } from '../conversation/message.js';
import { formatIsoDate } from '../domain/dates.js';
import { DomainError } from '../domain/errors.js';
import { isExpectedAttendee } from '../domain/members.js';
import { dayOfYear } from '../domain/pledges.js';
import { checkCommentYear, countComments, expectedForResidence, isResidenceExemptReason, residenceReminderDue, type ResidenceCounts, type ResidenceExemptReason } from '../domain/residence.js';
import { can } from '../domain/roles.js';
import { cite, rulesOn } from '../domain/rules.js';
import type { Logger } from '../logger.js';
import type { CellRow } from '../store/repos/cells.js';
import type { MemberRow } from '../store/repos/members.js';
import type { ResidenceRepo } from '../store/repos/residence.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';
import type { Notifier } from './notifier.js';
import { factsOf } from './pledges.js';
import type { SettingsService } from './settings.js';

export interface ResidenceDeps {
  access: Access;
  notifier: Notifier;
  settings: SettingsService;
  repo: ResidenceRepo;
  log?: Logger;
}

export interface ResidenceRow {
  member: MemberRow;
  /** Expected to hand in a comment this year. */
  expected: boolean;
  exemptReason: ResidenceExemptReason | null;
  /** ISO date the comment was recorded, if it was. */
  receivedOn: string | null;
}

export interface ResidenceStatus {
  cell: CellRow;
  year: number;
  counts: ResidenceCounts;
  rows: ResidenceRow[];
  canManage: boolean;
}

/**
 * Ties with the place of residence (Quy định 213-QĐ/TW): which members are exempt and why (the
 * member field `residenceExempt`), which have handed in the yearly comment (form 3-213), and the
 * reminder to working members before the review season.
 */
export class ResidenceService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly r: ResidenceDeps,
  ) {}

  private cell(cellId: number): CellRow {
    const cell = this.deps.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return cell;
  }

  private today(cell: CellRow): string {
    return isoDateIn(this.deps.clock.now(), cell.timezone);
  }

  private member(memberId: number): MemberRow {
    const m = this.deps.repos.members.get(memberId);
    if (!m || m.status === 'rejected') throw new DomainError('MEMBER.NOT_FOUND');
    return m;
  }

  canManage(caller: Caller, cellId: number): boolean {
    return can(this.r.access.actor(caller, cellId).actor, 'residence.manage');
  }

  /** The member's `residenceExempt` field: the reason, or null when they keep ties with their residence. */
  exemptionOf(caller: Caller, memberId: number): { member: MemberRow; reason: ResidenceExemptReason | null } {
    const member = this.member(memberId);
    this.r.access.require(caller, member.cellId, 'residence.view');
    return { member, reason: this.r.repo.exemption(memberId)?.reason ?? null };
  }

  /** Sets (a reason) or clears (null) the member's exemption from residence ties. */
  setExempt(caller: Caller, memberId: number, reason: string | null): { member: MemberRow; reason: ResidenceExemptReason | null } {
    const member = this.member(memberId);
    const me = this.r.access.requireMember(caller, member.cellId, 'residence.manage');
    if (member.status !== 'active') throw new DomainError('MEMBER.NOT_FOUND');
    if (reason !== null && !isResidenceExemptReason(reason)) throw new DomainError('RESIDENCE.REASON_INVALID');
    const now = this.deps.clock.now();
    this.deps.store.db.transaction(() => {
      if (reason === null) this.r.repo.clearExemption(memberId);
      else this.r.repo.setExemption({ memberId, cellId: member.cellId, reason, setBy: me.id, now });
      this.deps.repos.audit.record({ cellId: member.cellId, actorPersonId: caller.personId, action: 'residence.exempt', targetMemberId: memberId, details: { reason }, createdAt: now });
    });
    return { member, reason: reason as ResidenceExemptReason | null };
  }

  /** Who is expected to hand in the comment for `year`, who has, and who is exempt. */
  status(caller: Caller, cellId: number, year: number): ResidenceStatus {
    this.r.access.require(caller, cellId, 'residence.view');
    const cell = this.cell(cellId);
    if (checkCommentYear(year, this.today(cell))) throw new DomainError('RESIDENCE.YEAR_INVALID');
    return { ...this.statusOf(cell, year, this.today(cell)), canManage: this.canManage(caller, cellId) };
  }

  private statusOf(cell: CellRow, year: number, asOfIso: string): Omit<ResidenceStatus, 'canManage'> {
    const { members } = this.deps.repos;
    const exemptions = members.exemptionsInCell(cell.id);
    const residenceExempt = new Map(this.r.repo.exemptionsInCell(cell.id).map((e) => [e.memberId, e.reason]));
    const received = new Map(this.r.repo.comments(cell.id, year).map((c) => [c.memberId, c.receivedOn]));
    const rows: ResidenceRow[] = members
      .list(cell.id, ['active'])
      .map((member) => {
        const exemptReason = residenceExempt.get(member.id) ?? null;
        return { member, expected: expectedForResidence(factsOf(member, exemptions), exemptReason !== null, asOfIso), exemptReason, receivedOn: received.get(member.id) ?? null };
      })
      // Members exempt from party activities or attached here temporarily are not asked at all.
      .filter((row) => row.expected || (row.exemptReason !== null && isExpectedAttendee(factsOf(row.member, exemptions), asOfIso)));
    const counts = countComments(
      rows.filter((r) => r.expected).map((r) => r.member.id),
      [...received.keys()],
      rows.filter((r) => r.exemptReason !== null).length,
    );
    return { cell, year, counts, rows };
  }

  /** Ticks (or unticks) that a member has handed in the year's comment. */
  tick(caller: Caller, cellId: number, year: number, memberId: number, received: boolean): ResidenceStatus {
    const me = this.r.access.requireMember(caller, cellId, 'residence.manage');
    const cell = this.cell(cellId);
    const today = this.today(cell);
    if (checkCommentYear(year, today)) throw new DomainError('RESIDENCE.YEAR_INVALID');
    const member = this.member(memberId);
    if (member.cellId !== cellId || member.status !== 'active') throw new DomainError('MEMBER.NOT_FOUND');
    if (this.r.repo.exemption(memberId)) throw new DomainError('RESIDENCE.EXEMPT');
    if (!expectedForResidence(factsOf(member, this.deps.repos.members.exemptionsOf(memberId)), false, today)) throw new DomainError('RESIDENCE.NOT_EXPECTED');
    const now = this.deps.clock.now();
    this.deps.store.db.transaction(() => {
      const changed = received
        ? this.r.repo.addComment({ cellId, memberId, year, receivedOn: today, recordedBy: me.id, createdAt: now })
        : this.r.repo.removeComment(memberId, year);
      if (changed) this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: received ? 'residence.received' : 'residence.unticked', targetMemberId: memberId, details: { year }, createdAt: now });
    });
    return this.status(caller, cellId, year);
  }

  /** Counts for the scorecard and /tongket (no permission check: for services). */
  counts(cellId: number, year: number, asOfIso: string): ResidenceCounts {
    return this.statusOf(this.cell(cellId), year, asOfIso).counts;
  }

  /** Whether the reminder for `year` has started in this cell by `asOfIso` (before that, a count says nothing). */
  seasonBegun(cellId: number, year: number, asOfIso: string): boolean {
    const s = this.r.settings.of(cellId);
    if (s.residence.leadDays <= 0) return false;
    const start = dayOfYear(year, s.review.seasonStart);
    const d = new Date(`${start}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - s.residence.leadDays);
    return asOfIso >= d.toISOString().slice(0, 10);
  }

  // ---- scheduled: the reminder before the review season -------------------------------------------------------

  runJob(now: number, dryRun: boolean): { reminders: number } {
    const report = { reminders: 0 };
    for (const cell of this.deps.repos.cells.list()) {
      try {
        report.reminders += this.runCell(cell, now, dryRun);
      } catch (err) {
        this.r.log?.error({ err, job: 'residence', cell: cell.id }, 'residence job step failed');
      }
    }
    if (report.reminders > 0) this.r.log?.info({ job: 'residence', ...report, dryRun }, 'residence reminders queued');
    return report;
  }

  private runCell(cell: CellRow, now: number, dryRun: boolean): number {
    const s = this.r.settings.of(cell.id);
    const quiet = { from: s.meetings.quietFrom, to: s.meetings.quietTo };
    const year = residenceReminderDue(now, cell.timezone, { start: s.review.seasonStart, end: s.review.seasonEnd }, s.residence.leadDays, s.residence.hour, quiet);
    if (year === null) return 0;
    const today = isoDateIn(now, cell.timezone);
    // Once a day per cell: each member's reminder is keyed anyway; this spares recounting every minute of the season.
    if (!dryRun && !this.deps.repos.outbox.claimJob(`res:run:${cell.id}:${year}:${today}`, now)) return 0;
    const { counts, rows } = this.statusOf(cell, year, today);
    const missing = rows.filter((r) => r.expected && r.receivedOn === null);
    if (dryRun) return missing.length;
    const seasonStart = formatIsoDate(dayOfYear(year, s.review.seasonStart));
    const sources = cite(rulesOn(today).sources.residence);
    for (const row of missing) {
      this.r.notifier.toPerson(row.member.personId, cell.id, `res:remind:${year}:m${row.member.id}`, (t) => ({
        text: t('residence.notice.remind', { name: row.member.fullName, year, start: seasonStart, cell: cell.name, sources }),
      }), false);
    }
    // The secretaries hear once how many were reminded, with the list to tick.
    for (const secretary of this.deps.repos.members.withRoles(cell.id, ['secretary'])) {
      this.r.notifier.toPerson(secretary.personId, cell.id, `res:leaders:${year}:p${secretary.personId}`, (t) => ({
        text: t('residence.notice.leaders', { year, reminded: missing.length, expected: counts.expected, exempt: counts.exempt, received: counts.received }),
        choices: [[choice(t('residence.notice.open'), `rx:st:${cell.id}:${year}`)]],
      }));
    }
    return missing.length;
  }
}
