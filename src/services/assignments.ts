import { isoDateIn } from '../conversation/format.js';
import type { Translate } from '../conversation/i18n.js';
import { choice, type OutMessage } from '../conversation/message.js';
import {
  checkDeadline,
  checkDoneOn,
  checkNote,
  checkTitle,
  deadlineEnd,
  dueReminder,
  forCriterion,
  isActive,
  nextStatus,
  OVERDUE_WINDOW_DAYS,
  overdueDue,
  reminderSlots,
  tally,
  tallyByMember,
  type AssignmentEvent,
  type AssignmentTally,
} from '../domain/assignments.js';
import { DomainError } from '../domain/errors.js';
import { isQuiet } from '../domain/meetings-time.js';
import { criteria, isCriterion, type Criterion, type Period } from '../domain/monthlyCheck.js';
import { can, type PrivilegedAction } from '../domain/roles.js';
import type { Logger } from '../logger.js';
import type { AssignmentPatch, AssignmentRepo, AssignmentRow } from '../store/repos/assignments.js';
import type { CellRow } from '../store/repos/cells.js';
import type { MemberRow } from '../store/repos/members.js';
import type { Access } from './access.js';
import { assigneeChoices, dayLabel, daysLeft, leaderChoices, newTaskNotice, taskText, type TaskPeople } from './assignments-messages.js';
import type { Caller, ServiceDeps } from './context.js';
import type { Notifier } from './notifier.js';
import type { SettingsService } from './settings.js';

export interface AssignmentDeps {
  access: Access;
  notifier: Notifier;
  settings: SettingsService;
  repo: AssignmentRepo;
  log?: Logger;
}

/** A task with the people on it, as lists and cards show it. */
export interface AssignmentView {
  row: AssignmentRow;
  cell: CellRow;
  people: TaskPeople;
  /** The caller is the assignee (may answer it). */
  isAssignee: boolean;
  /** The caller may confirm, return, cancel or move it. */
  canManage: boolean;
}

export interface NewAssignment {
  memberId: number;
  title: string;
  deadline: string;
  criterion: number;
}

export interface AssignmentSummary {
  all: AssignmentTally;
  byCriterion: Record<Criterion, AssignmentTally>;
  byMember: Map<number, AssignmentTally>;
}

type MemberEvent = Extract<AssignmentEvent, 'accept' | 'block' | 'resume' | 'done'>;

/**
 * Assignments (phân công công tác): the secretary or deputy gives a member a task with a deadline
 * and the criterion it serves; the member accepts it, reports a difficulty (with a note) or that it
 * is done; a leader confirms completion or returns it. Reminders before the deadline and a notice
 * when it has passed come from `runJob`, keyed so each is sent once. Everything is private: tasks
 * are never posted to a group.
 */
export class AssignmentService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly a: AssignmentDeps,
  ) {}

  private cell(cellId: number): CellRow {
    const cell = this.deps.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return cell;
  }

  private today(cell: CellRow): string {
    return isoDateIn(this.deps.clock.now(), cell.timezone);
  }

  private row(id: number): AssignmentRow {
    const row = this.a.repo.get(id);
    if (!row) throw new DomainError('ASSIGNMENT.NOT_FOUND');
    return row;
  }

  private allowed(caller: Caller, cellId: number, action: PrivilegedAction): boolean {
    return can(this.a.access.actor(caller, cellId).actor, action);
  }

  canManage(caller: Caller, cellId: number): boolean {
    return this.allowed(caller, cellId, 'assignment.manage');
  }

  canViewCell(caller: Caller, cellId: number): boolean {
    return this.allowed(caller, cellId, 'assignment.view');
  }

  private people(row: AssignmentRow): TaskPeople {
    const { members } = this.deps.repos;
    return { assignee: members.get(row.memberId)?.fullName ?? '?', assigner: members.get(row.assignedBy)?.fullName ?? null };
  }

  private view(caller: Caller, row: AssignmentRow, me: MemberRow | undefined): AssignmentView {
    return { row, cell: this.cell(row.cellId), people: this.people(row), isAssignee: me?.id === row.memberId, canManage: this.canManage(caller, row.cellId) };
  }

  // ---- assigning ------------------------------------------------------------------------------------

  /** Members a task can be given to: the active members of the cell. */
  assignable(caller: Caller, cellId: number): MemberRow[] {
    this.a.access.require(caller, cellId, 'assignment.manage');
    return this.deps.repos.members.list(cellId, ['active']);
  }

  /** Checks what was typed for a new task without storing anything (the dialogue asks again on a refusal). */
  checkInput(caller: Caller, cellId: number, input: Partial<NewAssignment>): void {
    this.a.access.require(caller, cellId, 'assignment.manage');
    if (input.title !== undefined) {
      const title = checkTitle(input.title);
      if (!title.ok) throw new DomainError(title.code);
    }
    if (input.deadline !== undefined && checkDeadline(input.deadline, this.today(this.cell(cellId)))) throw new DomainError('ASSIGNMENT.DEADLINE_INVALID');
    if (input.criterion !== undefined && !isCriterion(input.criterion)) throw new DomainError('ASSIGNMENT.CRITERION_INVALID');
    if (input.memberId !== undefined) this.assignee(cellId, input.memberId);
  }

  private assignee(cellId: number, memberId: number): MemberRow {
    const m = this.deps.repos.members.get(memberId);
    if (!m || m.cellId !== cellId || m.status !== 'active') throw new DomainError('ASSIGNMENT.ASSIGNEE_INVALID');
    return m;
  }

  create(caller: Caller, cellId: number, input: NewAssignment): AssignmentRow {
    const me = this.a.access.requireMember(caller, cellId, 'assignment.manage');
    const cell = this.cell(cellId);
    const title = checkTitle(input.title);
    if (!title.ok) throw new DomainError(title.code);
    const today = this.today(cell);
    if (checkDeadline(input.deadline, today)) throw new DomainError('ASSIGNMENT.DEADLINE_INVALID');
    if (!isCriterion(input.criterion)) throw new DomainError('ASSIGNMENT.CRITERION_INVALID');
    const assignee = this.assignee(cellId, input.memberId);
    const now = this.deps.clock.now();
    const row = this.a.repo.transaction(() => {
      const inserted = this.a.repo.insert({ cellId, memberId: assignee.id, assignedBy: me.id, title: title.value, criterion: input.criterion, deadline: input.deadline, status: 'open', createdAt: now, updatedAt: now });
      this.audit(caller, inserted, 'assignment.create', { criterion: inserted.criterion, deadline: inserted.deadline });
      return inserted;
    });
    const people = this.people(row);
    this.a.notifier.toPerson(assignee.personId, cellId, `asg:${row.id}:new`, (t) => newTaskNotice(t, this.localeOf(assignee.personId), row, people, cell.timezone, today, cell.name));
    return row;
  }

  // ---- reading --------------------------------------------------------------------------------------

  /** The caller's own tasks in the cell. */
  mine(caller: Caller, cellId: number): AssignmentView[] {
    const me = this.a.access.requireMember(caller, cellId, 'assignment.respond');
    return this.a.repo.ofMember(me.id).map((r) => this.view(caller, r, me));
  }

  /** Every task of the cell, for those who follow them up. */
  ofCell(caller: Caller, cellId: number): AssignmentView[] {
    const me = this.a.access.require(caller, cellId, 'assignment.view');
    return this.a.repo.ofCell(cellId).map((r) => this.view(caller, r, me));
  }

  /** One task: its assignee, or someone who may see the cell's tasks. */
  get(caller: Caller, id: number): AssignmentView {
    const row = this.row(id);
    const { actor, member } = this.a.access.actor(caller, row.cellId);
    if (member?.id === row.memberId && can(actor, 'assignment.respond')) return this.view(caller, row, member);
    const me = this.a.access.require(caller, row.cellId, 'assignment.view');
    return this.view(caller, row, me);
  }

  // ---- the member answers ------------------------------------------------------------------------------

  respond(caller: Caller, id: number, event: MemberEvent, note?: string): AssignmentRow {
    const row = this.row(id);
    const me = this.a.access.requireMember(caller, row.cellId, 'assignment.respond');
    if (me.id !== row.memberId) throw new DomainError('ASSIGNMENT.NOT_YOURS');
    const next = nextStatus(row.status, event);
    if (!next) throw new DomainError('ASSIGNMENT.STATE');
    const now = this.deps.clock.now();
    const cell = this.cell(row.cellId);
    const patch: AssignmentPatch = { status: next, updatedAt: now };
    if (event === 'accept') patch.acceptedAt = now;
    if (event === 'block') {
      const checked = checkNote(note ?? '');
      if (!checked.ok) throw new DomainError(checked.code);
      Object.assign(patch, { blockedAt: now, blockNote: checked.value });
    }
    if (event === 'done') Object.assign(patch, { doneAt: now, doneOn: this.today(cell) });
    const updated = this.move(row, patch);
    this.audit(caller, updated, `assignment.${event}`, {});
    this.tellLeaders(updated, event, me);
    return updated;
  }

  // ---- leaders follow up ----------------------------------------------------------------------------------

  /**
   * Confirms completion: of a task reported done (its reported day counts), or of one the member
   * did not report, on the day the leader gives (today by default).
   */
  confirm(caller: Caller, id: number, doneOn?: string): AssignmentRow {
    const row = this.row(id);
    const me = this.a.access.requireMember(caller, row.cellId, 'assignment.manage');
    if (!nextStatus(row.status, 'confirm')) throw new DomainError('ASSIGNMENT.STATE');
    const now = this.deps.clock.now();
    const cell = this.cell(row.cellId);
    const day = row.status === 'done' && row.doneOn ? row.doneOn : (doneOn ?? this.today(cell));
    if (row.status !== 'done' && checkDoneOn(day, this.today(cell))) throw new DomainError('ASSIGNMENT.DATE_INVALID');
    const updated = this.move(row, { status: 'confirmed', confirmedAt: now, confirmedBy: me.id, doneAt: row.doneAt ?? now, doneOn: day, updatedAt: now });
    this.audit(caller, updated, 'assignment.confirm', { doneOn: day });
    this.tellAssignee(updated, me, 'confirmed');
    return updated;
  }

  /** Returns a task reported done to its member, with the reason. */
  sendBack(caller: Caller, id: number, note: string): AssignmentRow {
    const row = this.row(id);
    const me = this.a.access.requireMember(caller, row.cellId, 'assignment.manage');
    if (!nextStatus(row.status, 'return')) throw new DomainError('ASSIGNMENT.STATE');
    const checked = checkNote(note);
    if (!checked.ok) throw new DomainError(checked.code);
    const now = this.deps.clock.now();
    const updated = this.move(row, { status: 'accepted', doneAt: null, doneOn: null, returnedAt: now, returnNote: checked.value, updatedAt: now });
    this.audit(caller, updated, 'assignment.return', {});
    this.tellAssignee(updated, me, 'returned');
    return updated;
  }

  cancel(caller: Caller, id: number): AssignmentRow {
    const row = this.row(id);
    const me = this.a.access.requireMember(caller, row.cellId, 'assignment.manage');
    if (!nextStatus(row.status, 'cancel')) throw new DomainError('ASSIGNMENT.STATE');
    const now = this.deps.clock.now();
    const updated = this.move(row, { status: 'cancelled', cancelledAt: now, cancelledBy: me.id, updatedAt: now });
    this.audit(caller, updated, 'assignment.cancel', {});
    this.tellAssignee(updated, me, 'cancelled');
    return updated;
  }

  changeDeadline(caller: Caller, id: number, deadline: string): AssignmentRow {
    const row = this.row(id);
    const me = this.a.access.requireMember(caller, row.cellId, 'assignment.manage');
    if (!isActive(row.status)) throw new DomainError('ASSIGNMENT.STATE');
    if (checkDeadline(deadline, this.today(this.cell(row.cellId)))) throw new DomainError('ASSIGNMENT.DEADLINE_INVALID');
    const updated = this.move(row, { deadline, updatedAt: this.deps.clock.now() });
    this.audit(caller, updated, 'assignment.deadline', { from: row.deadline, to: deadline });
    this.tellAssignee(updated, me, 'deadline');
    return updated;
  }

  /** Applies a change only from the state it was decided on: a concurrent press gets ASSIGNMENT.STATE. */
  private move(row: AssignmentRow, patch: AssignmentPatch): AssignmentRow {
    const updated = this.a.repo.transition(row.id, row.status, patch);
    if (!updated) throw new DomainError('ASSIGNMENT.STATE');
    return updated;
  }

  private audit(caller: Caller | null, row: AssignmentRow, action: string, details: Record<string, string | number | null>): void {
    this.deps.repos.audit.record({ cellId: row.cellId, actorPersonId: caller?.personId ?? null, action, targetMemberId: row.memberId, details: { assignment: row.id, ...details }, createdAt: this.deps.clock.now() });
  }

  private localeOf(personId: number): 'vi' | 'en' {
    const locale = this.deps.repos.people.person(personId)?.locale;
    return locale === 'en' || locale === 'vi' ? locale : this.deps.translator.defaultLocale;
  }

  /** Who hears about a member's answer: the assigner while they still lead the cell, else its secretaries and deputies. */
  private leadersFor(row: AssignmentRow): MemberRow[] {
    const { members } = this.deps.repos;
    const assigner = members.get(row.assignedBy);
    const leads = (m: MemberRow | undefined): m is MemberRow => m !== undefined && m.status === 'active' && (m.role === 'secretary' || m.role === 'deputy');
    const chosen = leads(assigner) ? [assigner] : members.withRoles(row.cellId, ['secretary', 'deputy']);
    return chosen.filter((m) => m.id !== row.memberId);
  }

  private tellLeaders(row: AssignmentRow, event: MemberEvent, by: MemberRow): void {
    const cell = this.cell(row.cellId);
    const people = this.people(row);
    const today = this.today(cell);
    for (const leader of this.leadersFor(row)) {
      const locale = this.localeOf(leader.personId);
      this.a.notifier.toPerson(leader.personId, row.cellId, `asg:${row.id}:${event}:${row.updatedAt}:p${leader.personId}`, (t) => ({
        text: [t(`assignments.notice.${event}`, { name: by.fullName }), '', taskText(t, locale, row, people, cell.timezone, today)].join('\n'),
        choices: event === 'done' ? leaderChoices(t, row) : [[choice(t('assignments.action.open'), `as:v:${row.id}`)]],
      }));
    }
  }

  private tellAssignee(row: AssignmentRow, by: MemberRow, what: 'confirmed' | 'returned' | 'cancelled' | 'deadline'): void {
    const assignee = this.deps.repos.members.get(row.memberId);
    if (!assignee || assignee.status !== 'active' || assignee.id === by.id) return;
    const cell = this.cell(row.cellId);
    const people = this.people(row);
    const today = this.today(cell);
    const locale = this.localeOf(assignee.personId);
    this.a.notifier.toPerson(assignee.personId, row.cellId, `asg:${row.id}:${what}:${row.updatedAt}`, (t) => ({
      text: [t(`assignments.notice.${what}`, { name: by.fullName }), '', taskText(t, locale, row, people, cell.timezone, today)].join('\n'),
      choices: assigneeChoices(t, row),
    }));
  }

  // ---- counts for the scorecard and /tongket -----------------------------------------------------------------

  /** Tasks whose deadline falls in `period`: in all, per criterion and per member (no permission check: for services). */
  summary(cellId: number, period: Period): AssignmentSummary {
    const cell = this.cell(cellId);
    const today = this.today(cell);
    const rows = this.a.repo.inCellByDeadline(cellId, period.from, period.to);
    const byCriterion = Object.fromEntries(criteria.map((c) => [c, tally(forCriterion(rows, c), period, today)])) as Record<Criterion, AssignmentTally>;
    return { all: tally(rows, period, today), byCriterion, byMember: tallyByMember(rows, period, today) };
  }

  /** Members with a task (not cancelled) running during `period`: given by its end, due on or after its start. */
  membersWithTasks(cellId: number, period: Period): Set<number> {
    const endOfPeriod = deadlineEnd(period.to, this.cell(cellId).timezone);
    return new Set(this.a.repo.runningInCell(cellId, period.from, endOfPeriod).map((r) => r.memberId));
  }

  // ---- scheduled: reminders and overdue notices ----------------------------------------------------------------

  /** Tasks whose card is known to be queued, with when (its assignee had it from then): the job stops looking them up. */
  private readonly carded = new Map<number, number>();

  runJob(now: number, dryRun: boolean): JobReport {
    const report: JobReport = { cards: 0, reminders: 0, overdue: 0 };
    // Reminders and overdue notices only for deadlines near enough (a day of margin for time zones);
    // the card of a task given before its member could be reached, for every task still running.
    const { from, to } = jobHorizon(now);
    const cells = new Map<number, JobCell>();
    for (const row of this.a.repo.activeDueBetween('0000-01-01', '9999-12-31')) {
      try {
        const c = this.jobCell(row.cellId, now, cells);
        const cardAt = this.deliverCard(row, now, dryRun, report, c);
        if (row.deadline >= from && row.deadline <= to) this.tend(row, now, dryRun, report, c, cardAt);
      } catch (err) {
        this.a.log?.error({ err, job: 'assignments', assignment: row.id }, 'assignment job step failed');
      }
    }
    if (report.cards + report.reminders + report.overdue > 0) this.a.log?.info({ job: 'assignments', ...report, dryRun }, 'assignment notices queued');
    return report;
  }

  private jobCell(cellId: number, now: number, cells: Map<number, JobCell>): JobCell {
    const known = cells.get(cellId);
    if (known) return known;
    const cell = this.cell(cellId);
    const s = this.a.settings.of(cell.id);
    const quiet = { from: s.meetings.quietFrom, to: s.meetings.quietTo };
    const c = { cell, quiet, quietNow: isQuiet(now, cell.timezone, quiet), daysBefore: s.assignments.reminderDaysBefore, hour: s.assignments.reminderHour, today: isoDateIn(now, cell.timezone) };
    cells.set(cellId, c);
    return c;
  }

  /**
   * The new task's card, for a task given to a member the bot could not write to then (imported,
   * no chat account yet): it goes on the first run (out of quiet hours) after they join. Keyed
   * like the card `create` sends, so a member gets it once either way. Returns when the card was
   * (or, on a dry run, would be) queued; undefined while it cannot be.
   */
  private deliverCard(row: AssignmentRow, now: number, dryRun: boolean, report: JobReport, c: JobCell): number | undefined {
    const known = this.carded.get(row.id);
    if (known !== undefined) return known;
    const key = `asg:${row.id}:new`;
    const queued = this.deps.repos.outbox.byKey(key);
    if (queued) {
      this.carded.set(row.id, queued.createdAt);
      return queued.createdAt;
    }
    if (c.quietNow) return undefined;
    const assignee = this.deps.repos.members.get(row.memberId);
    if (!assignee || assignee.status !== 'active' || !this.a.notifier.accountFor(assignee.personId)) return undefined;
    report.cards++;
    if (dryRun) return now;
    const people = this.people(row);
    if (!this.a.notifier.toPerson(assignee.personId, row.cellId, key, (t) => newTaskNotice(t, this.localeOf(assignee.personId), row, people, c.cell.timezone, c.today, c.cell.name))) return undefined;
    this.carded.set(row.id, now);
    return now;
  }

  private tend(row: AssignmentRow, now: number, dryRun: boolean, report: JobReport, c: JobCell, cardAt: number | undefined): void {
    // Nothing goes out in quiet hours; the next tick after them catches up.
    if (c.quietNow) return;
    const { cell, quiet, daysBefore: reminderDaysBefore, hour: reminderHour, today } = c;
    const tz = cell.timezone;
    const { outbox } = this.deps.repos;
    // A task counts from when its card reached the member: one given before they joined gets no reminder from an earlier slot.
    const assignedAt = Math.max(row.createdAt, cardAt ?? row.createdAt);
    const slot = dueReminder(reminderSlots(row.deadline, reminderDaysBefore, reminderHour, tz, quiet), assignedAt, now, row.deadline, tz, quiet);
    const remKey = slot ? `asg:${row.id}:rem:${row.deadline}:${slot.daysBefore}` : null;
    const lateKey = overdueDue(row.deadline, assignedAt, now, reminderHour, tz, quiet) ? `asg:${row.id}:late:${row.deadline}` : null;
    // A notice already queued (by this process or another) is not built again every minute.
    const remind = remKey !== null && outbox.byKey(remKey) === undefined;
    const late = lateKey !== null && outbox.byKey(lateKey) === undefined;
    if (!remind && !late) return;
    const assignee = this.deps.repos.members.get(row.memberId);
    if (!assignee || assignee.status !== 'active') return;
    const people = this.people(row);
    const locale = this.localeOf(assignee.personId);
    // Counted when queued (or, on a dry run, when it would be): a member not reachable yet is tried again on later runs.
    const reachable = this.a.notifier.accountFor(assignee.personId) !== null;
    if (remind && remKey) {
      const build = (t: Translate): OutMessage => ({ text: [reminderHeading(t, row.deadline, today, tz, locale), '', taskText(t, locale, row, people, tz, today)].join('\n'), choices: assigneeChoices(t, row) });
      if (dryRun ? reachable : this.a.notifier.toPerson(assignee.personId, cell.id, remKey, build, false)) report.reminders++;
    }
    if (late && lateKey) {
      if (dryRun) {
        if (reachable) report.overdue++;
        return;
      }
      if (
        this.a.notifier.toPerson(assignee.personId, cell.id, lateKey, (t) => ({
          text: [t('assignments.notice.overdueMember'), '', taskText(t, locale, row, people, tz, today)].join('\n'),
          choices: assigneeChoices(t, row),
        }))
      )
        report.overdue++;
      for (const leader of this.leadersFor(row)) {
        const leaderLocale = this.localeOf(leader.personId);
        this.a.notifier.toPerson(leader.personId, cell.id, `${lateKey}:p${leader.personId}`, (t) => ({
          text: [t('assignments.notice.overdueLeader', { name: people.assignee }), '', taskText(t, leaderLocale, row, people, tz, today)].join('\n'),
          choices: leaderChoices(t, row),
        }));
      }
    }
  }
}

interface JobReport {
  /** Cards of tasks given before their member could be reached. */
  cards: number;
  reminders: number;
  overdue: number;
}

interface JobCell {
  cell: CellRow;
  quiet: { from: string; to: string };
  quietNow: boolean;
  daysBefore: number[];
  hour: number;
  today: string;
}

/** ISO dates bounding the deadlines that can need a reminder (at most 30 days ahead) or an overdue notice at `now`. */
function jobHorizon(now: number): { from: string; to: string } {
  const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(now - (OVERDUE_WINDOW_DAYS + 2) * 86_400_000), to: iso(now + 32 * 86_400_000) };
}

function reminderHeading(t: Translate, deadline: string, today: string, tz: string, locale: 'vi' | 'en'): string {
  const left = daysLeft(deadline, today);
  return left === 0 ? t('assignments.notice.reminderToday') : t('assignments.notice.reminder', { n: left, date: dayLabel(deadline, tz, locale) });
}
