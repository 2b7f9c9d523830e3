import { choice } from '../conversation/message.js';
import { formatDateTime } from '../conversation/format.js';
import { checkInWindow, dueOccurrences, dueReminder, isCheckInOpen, quarterWarning, reminderAudience, reminderSlots, type RecurrencePattern } from '../domain/meetings.js';
import { HOUR_MS, localIso, quarterOf } from '../domain/meetings-time.js';
import type { Logger } from '../logger.js';
import type { Job } from '../modules.js';
import type { AttendeeRow, MeetingRow, MeetingRuleRow } from '../store/repos/meetings.js';
import type { AttendanceService } from './meetings-attendance.js';
import { MeetingBase, type MeetingDeps } from './meetings-base.js';
import { meetingTitle, reminder } from './meetings-messages.js';
import type { MeetingService } from './meetings.js';

/** Days before a quarter ends that the secretary hears it has no thematic meeting. */
const QUARTER_WARN_DAYS = 30;

/**
 * The meetings' scheduled work, computed from the database on every tick (and by `jobs:run
 * --at`): this month's recurring meeting, late invitations, reminders (with quiet hours and
 * idempotency keys), the quorum outlook a day ahead, the check-in buttons or the code hint when
 * the window opens, the automatic close when it ends, and the quarter's thematic-meeting warning.
 * After downtime only what is still useful is sent.
 */
export class MeetingJobs extends MeetingBase {
  constructor(
    m: MeetingDeps,
    private readonly meetings: MeetingService,
    private readonly attendance: AttendanceService,
    private readonly log: Logger,
  ) {
    super(m);
  }

  job(): Job {
    return { name: 'meetings', run: (now, opts) => this.run(now, opts.dryRun) };
  }

  async run(now: number, dryRun: boolean): Promise<void> {
    if (dryRun) {
      this.log.info({ job: 'meetings', scheduled: this.m.repo.allScheduled().length, rules: this.m.repo.activeRules().length }, 'dry run: nothing written');
      return;
    }
    for (const rule of this.m.repo.activeRules()) await this.safely(`rule ${rule.id}`, () => this.recur(rule, now));
    for (const meeting of this.m.repo.allScheduled()) await this.safely(`meeting ${meeting.id}`, () => this.tend(meeting, now));
    for (const cell of this.repos.cells.list()) await this.safely(`cell ${cell.id}`, () => this.quarter(cell.id, now));
  }

  /** One step's failure (a broken row, say) is logged and does not stop the others. */
  private async safely(what: string, fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.log.error({ err, job: 'meetings', what }, 'meeting job step failed');
    }
  }

  /** Creates this month's (or next month's) regular meeting ahead of time, once per month. */
  private async recur(rule: MeetingRuleRow, now: number): Promise<void> {
    const cell = this.cell(rule.cellId);
    const pattern: RecurrencePattern = rule.pattern === 'dayOfMonth' ? { type: 'dayOfMonth', day: rule.day ?? 1 } : { type: 'nthWeekday', nth: rule.nth ?? 1, weekday: rule.weekday ?? 1 };
    for (const { month, startsAt } of dueOccurrences(pattern, rule.time, now, cell.timezone, undefined, rule.createdAt)) {
      const created = this.m.repo.insertOnce({
        cellId: cell.id,
        kind: 'regular',
        withThematic: rule.withThematic,
        startsAt,
        durationMinutes: rule.durationMinutes,
        place: rule.place,
        onlineLink: rule.onlineLink,
        agenda: rule.agenda,
        ruleId: rule.id,
        seriesKey: `rule:${rule.id}:${month}`,
        checkInSecret: MeetingBase.newSecret(),
        createdBy: null,
        createdAt: now,
        updatedAt: now,
      });
      if (!created) continue;
      this.audit(null, cell.id, 'meeting.create', { meeting: created.id, kind: 'regular', recurring: true });
      await this.meetings.inviteAll(created);
      for (const leader of this.leaders(cell.id)) {
        this.send(leader.personId, cell.id, `mtg:${created.id}:autocreated:p${leader.personId}`, (t, locale) => ({
          text: t('meetings.recurring.created', { title: meetingTitle(t, created, cell.timezone), when: formatDateTime(created.startsAt, cell.timezone, locale) }),
          choices: [[choice(t('meetings.list.open'), `mtg:v:${created.id}`)]],
        }));
      }
    }
  }

  private async tend(meeting: MeetingRow, now: number): Promise<void> {
    const cell = this.cell(meeting.cellId);
    const s = this.settingsOf(cell.id);
    const tz = cell.timezone;
    const quiet = { from: s.quietFrom, to: s.quietTo };
    const window = checkInWindow(meeting.startsAt, s.checkInBeforeMinutes, s.checkInAfterMinutes);
    if (now >= window.closesAt) {
      await this.attendance.close(null, meeting.id);
      return;
    }
    if (now < meeting.startsAt) {
      await this.meetings.inviteAll(meeting);
      const current = this.meeting(meeting.id);
      await this.remind(current, now, tz, quiet, s.reminderOffsets);
      this.quorumOutlook(current, now);
    }
    if (isCheckInOpen(window, now)) await this.openCheckIn(meeting, s.checkInMode, window.closesAt);
  }

  private async remind(meeting: MeetingRow, now: number, tz: string, quiet: { from: string; to: string }, offsets: number[]): Promise<void> {
    const slot = dueReminder(reminderSlots(meeting.startsAt, offsets, tz, quiet), meeting.startsAt, meeting.invitedAt ?? meeting.createdAt, now, tz, quiet);
    if (!slot) return;
    const prefix = `mtg:${meeting.id}:rem:${meeting.startsAt}:${slot.offset}:`;
    const done = this.m.repo.outboxKeys(prefix);
    const audience = this.m.repo.attendees(meeting.id).filter((row) => row.expected && row.invited && reminderAudience(row.rsvp, slot.final) !== null && !done.has(`${prefix}p${row.personId}`));
    const invitedAt = this.invitationTimes(meeting, audience);
    const due = audience.filter((row) => invitedAt(row) < slot.dueAt);
    let queued = 0;
    await this.inChunks(due, (row) => {
      const audience = reminderAudience(row.rsvp, slot.final) ?? 'nudge';
      if (this.send(row.personId, meeting.cellId, `${prefix}p${row.personId}`, (t, locale) => reminder(t, locale, meeting, tz, audience, row.rsvp), { bulk: true, essential: false, expiresAt: meeting.startsAt })) queued++;
    });
    if (queued > 0) this.log.info({ job: 'meetings', meeting: meeting.id, offset: slot.offset, queued }, 'reminders queued');
  }

  /**
   * When each row's invitation reached (or will reach) its person. Most rows were invited with the
   * meeting; one invited later (a member who joined since, or could not be reached until now)
   * counts from its own invitation, so no reminder follows it from a slot that came before it.
   * Only rows changed since the meeting's invitations are looked up: a few one by one, many (the
   * attendees at the final reminder) in one read of the meeting's invitations.
   */
  private invitationTimes(meeting: MeetingRow, rows: readonly AttendeeRow[]): (row: AttendeeRow) => number {
    const since = meeting.invitedAt ?? meeting.createdAt;
    const changed = rows.filter((row) => row.updatedAt > since);
    if (changed.length === 0) return () => since;
    const keys = this.m.repo.outboxKeys(`mtg:${meeting.id}:inv:`);
    const all = changed.length > 50 ? new Map(this.repos.outbox.byKeyPrefix(`mtg:${meeting.id}:inv:`).map((r) => [r.idempotencyKey, r])) : null;
    return (row) => {
      if (row.updatedAt <= since) return since;
      const n = MeetingBase.invitationCount(keys, meeting.id, row.personId);
      if (n === 0) return since;
      const key = MeetingBase.invitationKey(meeting.id, row.personId, n - 1);
      const own = all ? all.get(key) : this.repos.outbox.byKey(key);
      return own ? Math.max(since, own.createdAt, own.nextAttemptAt) : since;
    };
  }

  /** From a day ahead: when the answers already make the quorum unreachable, the leaders hear it once. */
  private quorumOutlook(meeting: MeetingRow, now: number): void {
    if (meeting.kind === 'committee' || now < meeting.startsAt - 24 * HOUR_MS) return;
    const outlook = this.attendance.quorumOutlook(meeting);
    if (!outlook.unreachable) return;
    const tz = this.cell(meeting.cellId).timezone;
    for (const leader of this.leaders(meeting.cellId)) {
      this.send(leader.personId, meeting.cellId, `mtg:${meeting.id}:quorumwarn:${meeting.startsAt}:p${leader.personId}`, (t) => ({
        text: t('meetings.quorum.outlook', { title: meetingTitle(t, meeting, tz), possible: outlook.possible, expected: outlook.expectedFull, required: outlook.required }),
        choices: [[choice(t('meetings.list.open'), `mtg:v:${meeting.id}`)]],
      }));
    }
  }

  /** The window opened: "Điểm danh" to everyone expected (button mode) or the code reminder to the leaders (code mode). */
  private async openCheckIn(meeting: MeetingRow, mode: 'code' | 'button', closesAt: number): Promise<void> {
    const tz = this.cell(meeting.cellId).timezone;
    if (mode === 'button') {
      // After the start the invitations no longer sync the roster: a member who joined meanwhile gets the button too.
      this.syncRoster(meeting);
      const prefix = `mtg:${meeting.id}:ci:${meeting.startsAt}:`;
      const done = this.m.repo.outboxKeys(prefix);
      const due = this.m.repo.attendees(meeting.id).filter((row) => row.expected && row.checkedInAt === null && row.rsvp !== 'absent' && !done.has(`${prefix}p${row.personId}`));
      await this.inChunks(due, (row) => {
        this.send(row.personId, meeting.cellId, `${prefix}p${row.personId}`, (t) => ({ text: t('meetings.checkin.prompt', { title: meetingTitle(t, meeting, tz) }), choices: [[choice(t('meetings.checkin.button'), `mtg:c:${meeting.id}`)]] }), { bulk: true, expiresAt: closesAt });
      });
    }
    for (const leader of this.leaders(meeting.cellId)) {
      this.send(leader.personId, meeting.cellId, `mtg:${meeting.id}:open:${meeting.startsAt}:p${leader.personId}`, (t) => ({
        text: t(mode === 'code' ? 'meetings.checkin.openCode' : 'meetings.checkin.openButton', { title: meetingTitle(t, meeting, tz) }),
        choices: [[choice(t('meetings.manage.code'), `mtg:m:code:${meeting.id}`)], [choice(t('meetings.manage.attendance'), `mtg:m:att:${meeting.id}`)], [choice(t('meetings.manage.close'), `mtg:m:close:${meeting.id}`)]],
      }), { expiresAt: closesAt });
    }
  }

  /** A quarter ending without a thematic meeting: the secretary hears it once, privately. */
  private quarter(cellId: number, now: number): void {
    const cell = this.cell(cellId);
    if (this.m.repo.notCancelledBetween(cellId, 0, Number.MAX_SAFE_INTEGER).length === 0) return; // the cell does not plan meetings here
    const iso = localIso(now, cell.timezone);
    const warning = quarterWarning(iso, this.meetings.thematicInQuarter(cellId, now), QUARTER_WARN_DAYS);
    if (!warning || warning.code !== 'quarterWithoutThematic') return;
    const label = `${iso.slice(0, 4)}-Q${quarterOf(iso)}`;
    for (const secretary of this.repos.members.withRoles(cellId, ['secretary'])) {
      this.send(secretary.personId, cellId, `thematic:${cellId}:${label}:p${secretary.personId}`, (t) => ({
        text: t('meetings.warn.quarterJob', { quarter: quarterOf(iso), year: iso.slice(0, 4), days: warning.daysLeft }),
        choices: [[choice(t('meetings.list.create'), 'cmd:taohop')]],
      }));
    }
  }
}
