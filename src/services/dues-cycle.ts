import { isoDateIn } from '../conversation/format.js';
import type { Translate } from '../conversation/i18n.js';
import type { OutMessage } from '../conversation/message.js';
import { isSettled, monthOf, nudgeWindow, owedMonths, reminderDue, ruleLevel, unpaidMonthsInYear, type Month, type RuleLevel, type Span } from '../domain/dues.js';
import { cite, rulesOn } from '../domain/rules.js';
import type { CellRow } from '../store/repos/cells.js';
import type { MemberRow } from '../store/repos/members.js';
import type { ServiceDeps } from './context.js';
import type { DuesService, MonthLine } from './dues.js';
import type { Notifier } from './notifier.js';
import type { SettingsService } from './settings.js';

export interface ReminderNotice {
  cell: CellRow;
  member: MemberRow;
  line: MonthLine;
  /** Earlier months still owed, each on its own. */
  older: MonthLine[];
  collectors: MemberRow[];
  portalUrl: string;
  /** Months in a running temporary exemption may be paid later (or ahead). */
  flexible: boolean;
}

export interface NudgeNotice {
  cell: CellRow;
  member: MemberRow;
  owed: MonthLine[];
  collectors: MemberRow[];
  portalUrl: string;
}

export interface RuleNotice {
  cell: CellRow;
  member: MemberRow;
  year: number;
  months: Month[];
  level: Exclude<RuleLevel, 'none'>;
  sources: string;
}

/** How the dialogue layer words the cycle's messages (the translator works without a chat). */
export interface DuesNotices {
  reminder(t: Translate, n: ReminderNotice): OutMessage;
  nudge(t: Translate, n: NudgeNotice): OutMessage;
  rule(t: Translate, n: RuleNotice): OutMessage;
}

export interface CycleReport {
  reminders: number;
  nudges: number;
  alerts: number;
}

/**
 * The monthly dues cycle, computed from the database at `now`: the reminder on the cell's day, a
 * nudge every `nudgeEveryDays` while a month stays unpaid, and the private notices to the secretary
 * under the three-month rule. Every message is keyed per member, month and window, so a restart or
 * a second process (jobs:run) never sends one twice. Nothing about one member goes to a group.
 */
export class DuesCycle {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly dues: DuesService,
    private readonly settings: SettingsService,
    private readonly notifier: Notifier,
    private readonly notices: DuesNotices,
  ) {}

  run(now: number, opts: { dryRun: boolean } = { dryRun: false }): CycleReport {
    if (!opts.dryRun) return this.runAll(now);
    // A dry run does the real work in a transaction and rolls it back: exact counts, nothing kept.
    let report: CycleReport = { reminders: 0, nudges: 0, alerts: 0 };
    try {
      this.dues.repo.transaction(() => {
        report = this.runAll(now);
        throw new RollBack();
      });
    } catch (err) {
      if (!(err instanceof RollBack)) throw err;
    }
    return report;
  }

  private runAll(now: number): CycleReport {
    const report: CycleReport = { reminders: 0, nudges: 0, alerts: 0 };
    for (const cell of this.deps.repos.cells.list()) {
      const r = this.runCell(cell, now);
      report.reminders += r.reminders;
      report.nudges += r.nudges;
      report.alerts += r.alerts;
    }
    return report;
  }

  private runCell(cell: CellRow, now: number): CycleReport {
    const report: CycleReport = { reminders: 0, nudges: 0, alerts: 0 };
    const members = this.deps.repos.members.list(cell.id, ['active']);
    if (members.length === 0) return report;
    const today = isoDateIn(now, cell.timezone);
    const current = monthOf(today);
    const s = this.settings.of(cell.id).dues;
    const rules = rulesOn(today);
    this.dues.ensureCharges(cell.id, current, now);
    // Two years back is as far as reminders, nudges and the three-month count ever look.
    const lines = this.dues.linesInCell(cell.id, `${Number(current.slice(0, 4)) - 2}-01`, current);
    const spansOf = this.dues.spansInCell(cell.id);
    const collectors = this.dues.collectors(cell.id);
    const window = nudgeWindow(today, s.reminderDay, s.nudgeEveryDays);
    // Nudges and the three-month count are worked out once per window / day for the whole cell.
    const nudgeNow = window.index >= 1 && this.deps.repos.outbox.claimJob(`dues:nudges:${cell.id}:${window.cycle}:${window.index}`, now);
    const rulesNow = this.deps.repos.outbox.claimJob(`dues:rules:${cell.id}:${today}`, now);
    const reminded: number[] = [];

    for (const member of members) {
      const mine = lines.get(member.id) ?? [];
      const spans = spansOf.get(member.id) ?? [];
      const line = mine.find((l) => l.month === current);
      const older = owedMonths(mine, today, s.reminderDay, spans).filter((l) => l.month < current);

      // The month's reminder: not for an exempt month, one already paid, or one declared ahead.
      if (line && line.remindedAt === null && reminderDue(current, today, s.reminderDay) && line.due !== 0 && !isSettled(line.settlement) && !line.pending) {
        const notice: ReminderNotice = { cell, member, line, older, collectors, portalUrl: rules.dues.portalUrl, flexible: spans.some((sp) => sp.to === null || sp.to >= today) };
        const key = `dues:remind:${member.id}:${current}`;
        const queued = this.notifier.toPerson(member.personId, cell.id, key, (t) => this.notices.reminder(t, notice));
        if (queued) report.reminders++;
        // Reminded only once it is queued: a member with no chat account yet (imported, not joined)
        // stays due and gets this month's reminder on the first run after they join.
        if (queued || this.deps.repos.outbox.byKey(key)) reminded.push(line.chargeId);
      } else if (nudgeNow) {
        const owed = owedMonths(mine, today, s.reminderDay, spans);
        const cycleLine = mine.find((l) => l.month === window.cycle);
        const contactedThisWindow = cycleLine?.remindedAt !== null && cycleLine?.remindedAt !== undefined && isoDateIn(cycleLine.remindedAt, cell.timezone) >= window.start;
        if (owed.length > 0 && !contactedThisWindow) {
          const notice: NudgeNotice = { cell, member, owed, collectors, portalUrl: rules.dues.portalUrl };
          // Nudges may wait when a channel's monthly budget runs low; reminders may not.
          if (this.notifier.toPerson(member.personId, cell.id, `dues:nudge:${member.id}:${window.cycle}:${window.index}`, (t) => this.notices.nudge(t, notice), false)) report.nudges++;
        }
      }

      if (rulesNow) report.alerts += this.ruleNotices(cell, member, mine, today, spans);
    }
    this.dues.repo.markReminded(reminded, now);
    return report;
  }

  /** Tells the secretary privately at 2 and at 3 unpaid months in a calendar year (this year and, in January, last year). */
  private ruleNotices(cell: CellRow, member: MemberRow, lines: MonthLine[], today: string, spans: Span[]): number {
    const rules = rulesOn(today);
    const year = Number(today.slice(0, 4));
    let sent = 0;
    for (const y of [year - 1, year]) {
      const months = unpaidMonthsInYear(lines, y, today, spans);
      const level = ruleLevel(months.length, rules.removal);
      if (level === 'none') continue;
      const notice: RuleNotice = { cell, member, year: y, months, level, sources: cite(rules.sources.removal) };
      for (const leader of this.dues.leadersFor(member)) {
        if (this.notifier.toPerson(leader.personId, cell.id, `dues:rule:${member.id}:${y}:${level}:${leader.personId}`, (t) => this.notices.rule(t, notice))) sent++;
      }
    }
    return sent;
  }
}

class RollBack extends Error {}
