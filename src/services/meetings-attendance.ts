import { createHmac } from 'node:crypto';
import type { Locale } from '../conversation/i18n.js';
import { choice } from '../conversation/message.js';
import { DomainError } from '../domain/errors.js';
import {
  attendanceHeader,
  checkInStatus,
  checkInWindow,
  codeSlot,
  codeValidUntil,
  isCheckInOpen,
  normaliseCheckInCode,
  quorum,
  reconcile,
  removalLevel,
  statusAfterVerdict,
  statusAtClose,
  unexcusedMonths,
  type AttendanceHeader,
  type ManualMark,
  type QuorumResult,
  type Reconciliation,
} from '../domain/meetings.js';
import { localIso, MINUTE_MS, zonedInstant } from '../domain/meetings-time.js';
import type { AttendeeRow, MeetingRow } from '../store/repos/meetings.js';
import type { MemberRow } from '../store/repos/members.js';
import type { Caller } from './context.js';
import { headerText, meetingTitle, quorumLine } from './meetings-messages.js';
import { MeetingBase, type MeetingDeps } from './meetings-base.js';

export interface MeetingReport {
  meeting: MeetingRow;
  reconciliation: Reconciliation;
  quorum: QuorumResult;
  quorumRule: 'half' | 'twoThirds';
  header: AttendanceHeader;
  /** Reasons given and not yet ruled on, with their rows. */
  pendingReasons: { row: AttendeeRow; fullName: string }[];
  /** Invited members the bot could not reach, and why. */
  unreachable: { fullName: string; reason: string }[];
}

/** Wrong codes a person may send in this window before waiting. */
const CODE_TRIES = 5;
const CODE_TRIES_WINDOW_MS = 10 * MINUTE_MS;

/**
 * Check-in (rotating code or button), late marking, manual marks, closing, reconciliation,
 * reasons and their verdicts, the quorum, the minutes' attendance header, and the three-month
 * rule's private notice to the secretary.
 */
export class AttendanceService extends MeetingBase {
  constructor(m: MeetingDeps) {
    super(m);
  }

  window(meeting: MeetingRow) {
    const s = this.settingsOf(meeting.cellId);
    return checkInWindow(meeting.startsAt, s.checkInBeforeMinutes, s.checkInAfterMinutes);
  }

  /** The code that is current at `now`, derived from the meeting's secret (nothing to store or rotate by hand). */
  static codeAt(meeting: Pick<MeetingRow, 'id' | 'checkInSecret'>, slot: number): string {
    const digest = createHmac('sha256', meeting.checkInSecret).update(`${meeting.id}:${slot}`).digest();
    return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
  }

  /** For the secretary to show: the current code and until when it is accepted. */
  code(caller: Caller, meetingId: number): { meeting: MeetingRow; code: string; validUntil: number } {
    const { meeting } = this.visible(caller, meetingId, 'meeting.attendance');
    this.requireOpen(meeting);
    const slot = codeSlot(this.now());
    return { meeting, code: AttendanceService.codeAt(meeting, slot), validUntil: codeValidUntil(slot) };
  }

  private requireOpen(meeting: MeetingRow): void {
    if (meeting.status === 'cancelled') throw new DomainError('MEETING.CANCELLED');
    if (meeting.status === 'closed') throw new DomainError('MEETING.CLOSED');
    if (!isCheckInOpen(this.window(meeting), this.now())) throw new DomainError('MEETING.CHECKIN_NOT_OPEN');
  }

  /** A member sent a code: check it against every open meeting of their cells; wrong codes are limited. */
  checkInWithCode(caller: Caller, typed: string): { meeting: MeetingRow; status: 'present' | 'late'; already: boolean } {
    const code = normaliseCheckInCode(typed);
    if (!code) throw new DomainError('MEETING.CODE_INVALID');
    const now = this.now();
    const failures = this.m.repo.codeFailures(caller.personId);
    const recent = failures && failures.windowStart > now - CODE_TRIES_WINDOW_MS ? failures.count : 0;
    if (recent >= CODE_TRIES) throw new DomainError('MEETING.CODE_TOO_MANY');
    const slot = codeSlot(now);
    const open = this.openMeetingsOf(caller.personId);
    for (const { meeting, member } of open) {
      if (AttendanceService.codeAt(meeting, slot) === code || AttendanceService.codeAt(meeting, slot - 1) === code) return this.checkIn(meeting, member, 'code');
    }
    this.m.repo.setCodeFailures(caller.personId, recent + 1, recent === 0 ? now : (failures?.windowStart ?? now));
    throw new DomainError(open.length === 0 ? 'MEETING.CHECKIN_NOT_OPEN' : 'MEETING.CODE_INVALID');
  }

  private openMeetingsOf(personId: number): { meeting: MeetingRow; member: MemberRow }[] {
    const now = this.now();
    return this.repos.members
      .ofPerson(personId)
      .filter((x) => x.status === 'active')
      .flatMap((member) =>
        this.m.repo
          .scheduledInCell(member.cellId, now - 8 * 60 * MINUTE_MS)
          .filter((meeting) => isCheckInOpen(this.window(meeting), now))
          .filter((meeting) => meeting.kind !== 'committee' || ['secretary', 'deputy', 'committee'].includes(member.role) || this.m.repo.attendee(meeting.id, member.id) !== undefined)
          .map((meeting) => ({ meeting, member })),
      );
  }

  /** The "Điểm danh" button. */
  checkInButton(caller: Caller, meetingId: number): { meeting: MeetingRow; status: 'present' | 'late'; already: boolean } {
    const { meeting, member } = this.visible(caller, meetingId);
    this.requireOpen(meeting);
    // In code mode presence is proven by the code read out at the meeting, not by a button.
    if (this.settingsOf(meeting.cellId).checkInMode === 'code') throw new DomainError('MEETING.CODE_REQUIRED');
    return this.checkIn(meeting, member, 'button');
  }

  /** The open meeting a member can check in to now, if there is exactly one (for /diemdanh). */
  openFor(caller: Caller): MeetingRow[] {
    return this.openMeetingsOf(caller.personId).map((x) => x.meeting);
  }

  private checkIn(meeting: MeetingRow, member: MemberRow, method: 'code' | 'button'): { meeting: MeetingRow; status: 'present' | 'late'; already: boolean } {
    const row = this.rowFor(meeting, member);
    if (row.checkedInAt !== null && (row.status === 'present' || row.status === 'late')) return { meeting, status: row.status, already: true };
    const now = this.now();
    const status = checkInStatus(now, meeting.startsAt);
    this.m.repo.updateAttendee(row.id, { checkedInAt: now, checkInMethod: method, status, markedBy: null, markedAt: null, updatedAt: now });
    this.m.repo.setCodeFailures(member.personId, 0, now);
    return { meeting, status, already: false };
  }

  private rowFor(meeting: MeetingRow, member: MemberRow): AttendeeRow {
    const existing = this.m.repo.attendee(meeting.id, member.id);
    if (existing) return existing;
    this.syncRoster(meeting);
    const now = this.now();
    return this.m.repo.ensureAttendee({ meetingId: meeting.id, memberId: member.id, personId: member.personId, expected: false, exempt: false, membership: member.membership, createdAt: now, updatedAt: now });
  }

  /** Everyone the meeting is about, with their status, for the manual marking panel. */
  roster(caller: Caller, meetingId: number): { meeting: MeetingRow; people: { row: AttendeeRow; fullName: string }[] } {
    const { meeting } = this.visible(caller, meetingId, 'meeting.attendance');
    if (meeting.status === 'scheduled') this.syncRoster(meeting);
    const people = this.facts(meeting.id)
      .filter((f) => f.expected || f.status !== null)
      .map((f) => ({ row: f.row, fullName: f.fullName }))
      .sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi'));
    return { meeting, people };
  }

  /** Present / excused / absent by hand, recording who marked and when; allowed from the window's opening on. */
  mark(caller: Caller, meetingId: number, memberId: number, mark: ManualMark): AttendeeRow {
    const { meeting } = this.visible(caller, meetingId, 'meeting.attendance');
    if (meeting.status === 'cancelled') throw new DomainError('MEETING.CANCELLED');
    const now = this.now();
    if (meeting.status === 'scheduled' && now < this.window(meeting).opensAt) throw new DomainError('MEETING.CHECKIN_NOT_OPEN');
    const member = this.repos.members.get(memberId);
    if (!member || member.cellId !== meeting.cellId) throw new DomainError('MEMBER.NOT_FOUND');
    const row = this.rowFor(meeting, member);
    const patch =
      mark === 'present'
        ? { status: 'present' as const, checkInMethod: 'manual' as const, checkedInAt: row.checkedInAt ?? now }
        : mark === 'excused'
          ? { status: 'excused' as const, verdict: 'accepted' as const, verdictBy: caller.personId, verdictAt: now }
          : { status: 'unexcused' as const, verdict: row.reason ? ('rejected' as const) : null, verdictBy: row.reason ? caller.personId : null, verdictAt: row.reason ? now : null };
    const updated = this.m.repo.updateAttendee(row.id, { ...patch, markedBy: caller.personId, markedAt: now, updatedAt: now }) as AttendeeRow;
    this.audit(caller, meeting.cellId, 'meeting.mark', { meeting: meeting.id, mark }, member.id);
    if (meeting.status === 'closed' && mark === 'unexcused') this.threeMonthRule(meeting, [member.id]);
    return updated;
  }

  /**
   * Closes check-in (by a leader, or by itself at the end of the window when `caller` is null):
   * everyone who did not check in gets their final status, those absent without a reason are
   * asked for one, the leaders get the report when it closed by itself, and the group card shows
   * the result. Null when it was already closed.
   */
  async close(caller: Caller | null, meetingId: number): Promise<MeetingReport | null> {
    let meeting = this.meeting(meetingId);
    if (caller) {
      meeting = this.visible(caller, meetingId, 'meeting.attendance').meeting;
      if (meeting.status === 'closed') throw new DomainError('MEETING.CLOSED');
      if (meeting.status === 'cancelled') throw new DomainError('MEETING.CANCELLED');
      if (this.now() < this.window(meeting).opensAt) throw new DomainError('MEETING.CHECKIN_NOT_OPEN');
    }
    const now = this.now();
    const cell = this.cell(meeting.cellId);
    const closed = this.m.deps.store.db.transaction(() => {
      if (meeting.status !== 'scheduled') return undefined;
      this.syncRoster(meeting);
      const done = this.m.repo.transition(meeting.id, 'scheduled', { status: 'closed', closedAt: now, closedBy: caller?.personId ?? null, updatedAt: now });
      if (!done) return undefined;
      for (const row of this.m.repo.attendees(meeting.id)) {
        const status = statusAtClose(row);
        if (status !== row.status) this.m.repo.updateAttendee(row.id, { status, updatedAt: now });
      }
      return done;
    });
    if (!closed) return null;
    this.audit(caller, cell.id, 'meeting.close', { meeting: closed.id, automatic: caller === null });
    const report = this.buildReport(closed);
    const unexplained = this.facts(closed.id).filter((f) => f.expected && f.status === 'unexcused' && !f.reason);
    await this.inChunks(unexplained, (f) => {
      this.send(f.row.personId, cell.id, `mtg:${closed.id}:ask:p${f.row.personId}`, (t) => ({
        text: t('meetings.reason.askAfter', { name: f.fullName, title: meetingTitle(t, closed, cell.timezone) }),
        choices: [[choice(t('meetings.reason.give'), `mtg:g:${closed.id}`)]],
      }), { bulk: true });
    });
    if (!caller) {
      for (const leader of this.leaders(cell.id)) {
        this.send(leader.personId, cell.id, `mtg:${closed.id}:report:p${leader.personId}`, (t, locale) => ({
          text: this.reportText(t, locale, report),
          choices: [[choice(t('meetings.manage.report'), `mtg:m:rep:${closed.id}`)], [choice(t('meetings.manage.header'), `mtg:m:hdr:${closed.id}`)]],
        }));
      }
    }
    this.refreshCard(closed, { present: report.header.present, expected: report.quorum.expectedFull });
    this.threeMonthRule(closed, report.reconciliation.noShow.map((x) => x.memberId));
    return report;
  }

  /** Accepts a reason as valid, or not: the cell's decision, recorded with who and when. */
  decide(caller: Caller, attendeeId: number, accept: boolean): { row: AttendeeRow; meeting: MeetingRow; fullName: string; changed: boolean } {
    const row = this.m.repo.attendeeById(attendeeId);
    if (!row) throw new DomainError('MEETING.NOT_FOUND');
    const { meeting } = this.visible(caller, row.meetingId, 'meeting.excuse');
    if (!row.reason) throw new DomainError('MEETING.NO_REASON');
    const fullName = this.repos.members.get(row.memberId)?.fullName ?? '?';
    const verdict = accept ? ('accepted' as const) : ('rejected' as const);
    if (row.verdict === verdict) return { row, meeting, fullName, changed: false };
    const now = this.now();
    const updated = this.m.repo.updateAttendee(row.id, { verdict, verdictBy: caller.personId, verdictAt: now, status: statusAfterVerdict(row.status, verdict), updatedAt: now }) as AttendeeRow;
    this.audit(caller, meeting.cellId, 'meeting.reasonVerdict', { meeting: meeting.id, accepted: accept }, row.memberId);
    const cell = this.cell(meeting.cellId);
    this.send(row.personId, cell.id, `mtg:${meeting.id}:verdict:${row.id}:${now}`, (t) => ({ text: t(accept ? 'meetings.reason.acceptedNotice' : 'meetings.reason.rejectedNotice', { title: meetingTitle(t, meeting, cell.timezone) }) }));
    if (meeting.status === 'closed' && !accept) this.threeMonthRule(meeting, [row.memberId]);
    return { row: updated, meeting, fullName, changed: true };
  }

  /** After the meeting (or during it): reconciliation, quorum, header, pending reasons, who could not be reached. */
  report(caller: Caller, meetingId: number): MeetingReport {
    const { meeting } = this.visible(caller, meetingId, 'meeting.attendance');
    return this.buildReport(meeting);
  }

  private buildReport(meeting: MeetingRow): MeetingReport {
    const facts = this.facts(meeting.id);
    const rule = this.settingsOf(meeting.cellId).quorum;
    const keys = this.m.repo.outboxKeys(`mtg:${meeting.id}:inv:`);
    const unreachable = facts.flatMap((f) => {
      // Invited, or expected once invitations went out but never invited: the bot had no chat to write to.
      if (!f.row.invited && !(f.expected && meeting.invitedAt !== null)) return [];
      const invite = this.latestInvitation(meeting.id, f.row.personId, keys);
      const accounts = this.repos.people.accountsOf(f.row.personId);
      if (invite?.status === 'failed') return [{ fullName: f.fullName, reason: invite.lastError ?? '' }];
      if (!invite && !accounts.some((a) => a.reachable)) return [{ fullName: f.fullName, reason: accounts[0]?.unreachableReason ?? '' }];
      return [];
    });
    return {
      meeting,
      reconciliation: reconcile(facts),
      quorum: quorum(facts, rule),
      quorumRule: rule,
      header: attendanceHeader(facts),
      pendingReasons: facts.filter((f) => f.reason && f.verdict === null && f.status !== 'present' && f.status !== 'late').map((f) => ({ row: f.row, fullName: f.fullName })),
      unreachable,
    };
  }

  /** The minutes' attendance header for a meeting, without a caller: for reports (/tongket) that checked access themselves. */
  attendanceHeaderOf(meetingId: number): { meeting: MeetingRow; header: AttendanceHeader; quorum: QuorumResult; text(locale?: Locale): string } {
    const meeting = this.meeting(meetingId);
    const facts = this.facts(meeting.id);
    const header = attendanceHeader(facts);
    const q = quorum(facts, this.settingsOf(meeting.cellId).quorum);
    const tz = this.cell(meeting.cellId).timezone;
    return {
      meeting,
      header,
      quorum: q,
      text: (locale) => {
        const t = this.m.deps.translator.for(locale ?? this.cell(meeting.cellId).locale);
        return headerText(t, header, meetingTitle(t, meeting, tz));
      },
    };
  }

  /** Regular meetings of a cell held in [from, to), for period reports. */
  heldBetween(cellId: number, from: number, to: number): MeetingRow[] {
    return this.m.repo.notCancelledBetween(cellId, from, to).filter((x) => x.status === 'closed');
  }

  reportText(t: (k: string, p?: Record<string, string | number>) => string, _locale: Locale, r: MeetingReport): string {
    const tz = this.cell(r.meeting.cellId).timezone;
    const names = (list: { fullName: string }[]) => (list.length > 0 ? list.map((x) => x.fullName).join(', ') : t('common.none'));
    const lines = [
      t('meetings.report.title', { title: meetingTitle(t, r.meeting, tz) }),
      quorumLine(t, r.quorum, r.quorumRule),
      `${t('meetings.report.attended', { n: r.reconciliation.attended.length })}: ${names(r.reconciliation.attended)}`,
      `${t('meetings.report.withoutRsvp', { n: r.reconciliation.attendedWithoutRsvp.length })}: ${names(r.reconciliation.attendedWithoutRsvp)}`,
      `${t('meetings.report.excused', { n: r.reconciliation.excused.length })}: ${names(r.reconciliation.excused)}`,
      `${t('meetings.report.noShow', { n: r.reconciliation.noShow.length })}: ${names(r.reconciliation.noShow)}`,
    ];
    const late = [...r.reconciliation.attended, ...r.reconciliation.attendedWithoutRsvp].filter((x) => x.status === 'late');
    if (late.length > 0) lines.push(`${t('meetings.report.late', { n: late.length })}: ${names(late)}`);
    if (r.pendingReasons.length > 0) lines.push(t('meetings.report.pending', { n: r.pendingReasons.length }));
    if (r.unreachable.length > 0) lines.push(`${t('meetings.report.unreachable', { n: r.unreachable.length })}: ${names(r.unreachable)}`);
    return lines.join('\n');
  }

  /**
   * The three-month rule: per member and calendar year, the distinct months with an unexcused
   * absence from the regular meeting. At 2 and at 3 the secretary is told privately, once each;
   * the software never decides and never says so in a group.
   */
  threeMonthRule(meeting: MeetingRow, memberIds: number[]): void {
    if (meeting.kind !== 'regular' || memberIds.length === 0) return;
    const cell = this.cell(meeting.cellId);
    const tz = cell.timezone;
    const year = Number(localIso(meeting.startsAt, tz).slice(0, 4));
    const from = zonedInstant(`${year}-01-01`, '00:00', tz);
    const to = zonedInstant(`${year + 1}-01-01`, '00:00', tz);
    const rules = this.rulesAt(meeting.startsAt, tz);
    for (const memberId of memberIds) {
      const member = this.repos.members.get(memberId);
      if (!member) continue;
      const records = this.m.repo.recordsOfMember(memberId, from, to).map((r) => ({ date: localIso(r.startsAt, tz), kind: r.kind, status: r.status }));
      const months = unexcusedMonths(records, year);
      const level = removalLevel(months.length, rules);
      if (!level) continue;
      for (const secretary of this.repos.members.withRoles(cell.id, ['secretary'])) {
        this.send(secretary.personId, cell.id, `rule3:${memberId}:${year}:${level}:p${secretary.personId}`, (t) => ({
          text: t(`meetings.threeMonth.${level}`, { name: member.fullName, n: months.length, year, months: months.map((m) => `${m.slice(5, 7)}/${m.slice(0, 4)}`).join(', ') }),
        }));
      }
    }
  }

  /** Months of `year` in which the member missed the regular meeting without an accepted reason (for reports; no caller). */
  unexcusedMonthsOf(memberId: number, year: number): string[] {
    const member = this.repos.members.get(memberId);
    if (!member) return [];
    const tz = this.cell(member.cellId).timezone;
    const from = zonedInstant(`${year}-01-01`, '00:00', tz);
    const to = zonedInstant(`${year + 1}-01-01`, '00:00', tz);
    return unexcusedMonths(this.m.repo.recordsOfMember(memberId, from, to).map((r) => ({ date: localIso(r.startsAt, tz), kind: r.kind, status: r.status })), year);
  }

  /** Quorum a day ahead: true when the answers already make it unreachable. */
  quorumOutlook(meeting: MeetingRow): { unreachable: boolean; expectedFull: number; required: number; possible: number } {
    const facts = this.facts(meeting.id);
    const rule = this.settingsOf(meeting.cellId).quorum;
    const q = quorum(facts, rule);
    const possible = facts.filter((f) => f.expected && f.membership === 'full' && f.rsvp !== 'absent').length;
    return { unreachable: possible < q.required, expectedFull: q.expectedFull, required: q.required, possible };
  }

}
