import { isoDateIn } from '../conversation/format.js';
import type { Translate } from '../conversation/i18n.js';
import { choice } from '../conversation/message.js';
import { DomainError } from '../domain/errors.js';
import { isQuiet, localIso } from '../domain/meetings-time.js';
import {
  checkMonth,
  checkNote,
  isCheckResult,
  isCriterion,
  marksInOrder,
  monthOfIso,
  monthPeriod,
  summarise,
  type CheckResult,
  type CheckSummary,
  type Criterion,
  type CriterionMark,
  type Month,
} from '../domain/monthlyCheck.js';
import { can } from '../domain/roles.js';
import type { Logger } from '../logger.js';
import type { CellRow } from '../store/repos/cells.js';
import type { MonthlyCheckRepo, MonthlyCheckRow } from '../store/repos/monthlyCheck.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';
import type { IndicatorReading, IndicatorRegistry } from './indicators.js';
import type { Notifier } from './notifier.js';
import type { SettingsService } from './settings.js';

/** The meetings the check follows: closed regular meetings (read from the meetings feature's store). */
export interface ClosedMeetings {
  closedSince(since: number): { id: number; cellId: number; kind: string; startsAt: number; closedAt: number | null }[];
}

export interface MonthlyCheckDeps {
  access: Access;
  notifier: Notifier;
  settings: SettingsService;
  repo: MonthlyCheckRepo;
  indicators: IndicatorRegistry;
  meetings: ClosedMeetings;
  log?: Logger;
}

export interface MonthlyCheckView {
  cell: CellRow;
  month: Month;
  marks: (CriterionMark & { markedBy: string | null; markedAt: number | null })[];
  summary: CheckSummary;
  canMark: boolean;
}

/** How long after a regular meeting the secretary is still asked to mark its month. */
const PROMPT_WITHIN_MS = 7 * 86_400_000;

/**
 * The monthly 4 Tốt check: after each regular meeting (or any time, for a chosen month) the
 * secretary or deputy marks each of the four criteria Đạt / Không đạt, with an optional note, with
 * the indicators the data supports shown beside each. Leaders and the committee can look.
 */
export class MonthlyCheckService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly m: MonthlyCheckDeps,
  ) {}

  private cell(cellId: number): CellRow {
    const cell = this.deps.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return cell;
  }

  today(cellId: number): string {
    return isoDateIn(this.deps.clock.now(), this.cell(cellId).timezone);
  }

  canMark(caller: Caller, cellId: number): boolean {
    return can(this.m.access.actor(caller, cellId).actor, 'monthlyCheck.mark');
  }

  private validMonth(cellId: number, month: string): Month {
    if (checkMonth(month, this.today(cellId))) throw new DomainError('MONTHLY_CHECK.MONTH_INVALID');
    return month;
  }

  view(caller: Caller, cellId: number, month: string): MonthlyCheckView {
    this.m.access.require(caller, cellId, 'monthlyCheck.view');
    return this.assemble(caller, cellId, this.validMonth(cellId, month));
  }

  private assemble(caller: Caller, cellId: number, month: Month): MonthlyCheckView {
    const rows = this.m.repo.ofMonth(cellId, month);
    const marks = marksInOrder(rows.flatMap(toMark)).map((mark) => {
      const row = rows.find((r) => r.criterion === mark.criterion);
      const by = row?.markedBy ? this.deps.repos.members.get(row.markedBy) : undefined;
      return { ...mark, markedBy: by?.fullName ?? null, markedAt: row?.markedAt ?? null };
    });
    return { cell: this.cell(cellId), month, marks, summary: summarise(marks), canMark: this.canMark(caller, cellId) };
  }

  /** The indicators beside each criterion for the month, in the reader's language. */
  indicators(caller: Caller, cellId: number, month: string, t: Translate): Record<Criterion, IndicatorReading[]> {
    this.m.access.require(caller, cellId, 'monthlyCheck.view');
    return this.m.indicators.readByCriterion(cellId, monthPeriod(this.validMonth(cellId, month)), t);
  }

  mark(caller: Caller, cellId: number, month: string, criterion: number, result: string): MonthlyCheckView {
    const me = this.m.access.requireMember(caller, cellId, 'monthlyCheck.mark');
    const m = this.validMonth(cellId, month);
    if (!isCriterion(criterion)) throw new DomainError('MONTHLY_CHECK.CRITERION_INVALID');
    if (!isCheckResult(result)) throw new DomainError('MONTHLY_CHECK.CRITERION_INVALID');
    const now = this.deps.clock.now();
    this.deps.store.db.transaction(() => {
      this.m.repo.upsert({ cellId, month: m, criterion, result, markedBy: me.id, now });
      this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'monthlyCheck.mark', details: { month: m, criterion, result }, createdAt: now });
    });
    return this.assemble(caller, cellId, m);
  }

  /** Writes (or, with "-", clears) the note of one criterion; the mark is unchanged. */
  note(caller: Caller, cellId: number, month: string, criterion: number, text: string): MonthlyCheckView {
    const me = this.m.access.requireMember(caller, cellId, 'monthlyCheck.mark');
    const m = this.validMonth(cellId, month);
    if (!isCriterion(criterion)) throw new DomainError('MONTHLY_CHECK.CRITERION_INVALID');
    const checked = checkNote(text);
    if (!checked.ok) throw new DomainError(checked.code);
    const now = this.deps.clock.now();
    this.deps.store.db.transaction(() => {
      this.m.repo.upsert({ cellId, month: m, criterion, note: checked.value, markedBy: me.id, now });
      this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'monthlyCheck.note', details: { month: m, criterion, cleared: checked.value === null }, createdAt: now });
    });
    return this.assemble(caller, cellId, m);
  }

  /** Marks of the months in [from, to] for summaries (no permission check: for services). */
  marksBetween(cellId: number, from: Month, to: Month): { month: Month; marks: CriterionMark[] }[] {
    const rows = this.m.repo.between(cellId, from, to);
    const months = [...new Set(rows.map((r) => r.month))].sort();
    return months.map((month) => ({ month, marks: marksInOrder(rows.filter((r) => r.month === month).flatMap(toMark)) }));
  }

  // ---- scheduled: the prompt after a regular meeting ----------------------------------------------------------

  /** After a regular meeting closes, its month's check is offered to the secretary once (outside quiet hours). */
  runJob(now: number, dryRun: boolean): { prompts: number } {
    const report = { prompts: 0 };
    for (const meeting of this.m.meetings.closedSince(now - PROMPT_WITHIN_MS)) {
      if (meeting.kind !== 'regular' || meeting.closedAt === null) continue;
      try {
        const cell = this.cell(meeting.cellId);
        const s = this.m.settings.of(cell.id).meetings;
        if (isQuiet(now, cell.timezone, { from: s.quietFrom, to: s.quietTo })) continue;
        const month = monthOfIso(localIso(meeting.startsAt, cell.timezone));
        if (summarise(marksInOrder(this.m.repo.ofMonth(cell.id, month).flatMap(toMark))).complete) continue;
        for (const secretary of this.deps.repos.members.withRoles(cell.id, ['secretary'])) {
          report.prompts++;
          if (dryRun) continue;
          this.m.notifier.toPerson(secretary.personId, cell.id, `mc:prompt:${meeting.id}:p${secretary.personId}`, (t) => ({
            text: t('monthlyCheck.notice.afterMeeting', { month: monthLabel(month) }),
            choices: [[choice(t('monthlyCheck.notice.open', { month: monthLabel(month) }), `mc:m:${cell.id}:${month}`)]],
          }));
        }
      } catch (err) {
        this.m.log?.error({ err, job: 'monthlyCheck', meeting: meeting.id }, 'monthly check job step failed');
      }
    }
    return report;
  }
}

function toMark(r: MonthlyCheckRow): CriterionMark[] {
  return isCriterion(r.criterion) ? [{ criterion: r.criterion, result: r.result as CheckResult | null, note: r.note }] : [];
}

/** "11/2026". */
export const monthLabel = (month: Month): string => `${month.slice(5, 7)}/${month.slice(0, 4)}`;
