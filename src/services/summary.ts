import { isoDateIn } from '../conversation/format.js';
import type { Translate } from '../conversation/i18n.js';
import { DomainError } from '../domain/errors.js';
import { localParts, zonedInstant } from '../domain/meetings-time.js';
import { dueSummaries } from '../domain/summary-schedule.js';
import { choice, type OutMessage } from '../conversation/message.js';
import type { Logger } from '../logger.js';
import type { Criterion } from '../domain/monthlyCheck.js';
import { rulesOn } from '../domain/rules.js';
import { monthsOf, percent, periodOf, summarise, type Summary, type SummaryCharge, type SummaryMeeting, type SummaryPeriod } from '../domain/summary.js';
import type { MonthlyCheckRepo } from '../store/repos/monthlyCheck.js';
import { readSettings } from '../domain/settings.js';
import type { CellRow } from '../store/repos/cells.js';
import type { SummaryRecords, SummaryRepo, SummaryWindow } from '../store/repos/summary.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';
import type { IndicatorReading, IndicatorRegistry, IndicatorSource } from './indicators.js';
import type { Notifier } from './notifier.js';
import type { SettingsService } from './settings.js';

export interface SummaryServiceDeps {
  access: Access;
  settings: SettingsService;
  repo: SummaryRepo;
  indicators: IndicatorRegistry;
  monthlyChecks: MonthlyCheckRepo;
  notifier: Notifier;
  /** Renders the digest (the conversation layer's text), so the service stays free of wording. */
  digestText: (t: Translate, cs: CellSummary) => string;
  log?: Logger;
}

export interface CellSummary {
  cell: { id: number; name: string; superiorName: string; timezone: string };
  today: string;
  summary: Summary;
  /** What the files show row by row: meetings with attendees, charges, tasks of the period. */
  detail: { meetings: SummaryMeeting[]; charges: SummaryCharge[]; assignments: { memberId: number; title: string; criterion: number; deadline: string; status: string; doneOn: string | null }[] };
}

/** One criterion of the 4 Tốt scorecard: what the data supports, and the cell's own monthly marks. */
export interface ScorecardLine {
  criterion: Criterion;
  weight: number;
  indicators: IndicatorReading[];
  /** Months marked Đạt / Không đạt in the monthly check over the period. */
  met: number;
  notMet: number;
}

/**
 * /tongket: the summary of a cell over a period, the 4 Tốt scorecard, and the roll-up of every
 * cell for the bot admins (the superior committee). Counts and facts only, never private notes.
 */
export class SummaryService {
  private readonly dateFormats = new Map<string, (ms: number) => string>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly d: SummaryServiceDeps,
  ) {}

  private cellOf(cellId: number): { id: number; name: string; superiorName: string; timezone: string } {
    const cell = this.deps.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return { id: cell.id, name: cell.name, superiorName: cell.superiorName, timezone: cell.timezone };
  }

  today(cellId: number): string {
    return isoDateIn(this.deps.clock.now(), this.cellOf(cellId).timezone);
  }

  /**
   * The scheduled summaries, every tick: on the first working day of the month (from 08:00, cell
   * time) the secretary gets last month's summary; from mid-June and mid-December the secretary and
   * deputy are reminded to prepare the sơ kết / tổng kết. Each message has an idempotency key.
   */
  runJob(now: number, dryRun: boolean): number {
    let queued = 0;
    for (const cell of this.deps.repos.cells.list()) {
      const local = localParts(now, cell.timezone);
      const today = `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
      for (const due of dueSummaries(today, Math.floor(local.minutes / 60), DIGEST_HOUR)) {
        const roles = due.kind === 'digest' ? (['secretary'] as const) : (['secretary', 'deputy'] as const);
        const people = this.deps.repos.members.withRoles(cell.id, [...roles]).filter((m) => m.status === 'active');
        if (people.length === 0 || dryRun) continue;
        if (due.kind === 'digest') {
          const period = periodOf('month', `${due.month}-01`);
          const cs = this.compute(cell.id, period);
          const p = `${period.from.replace(/-/g, '')}:${period.to.replace(/-/g, '')}`;
          for (const m of people) {
            const build = (t: Translate): OutMessage => ({
              text: `${t('summary.digest.intro', { month: `${due.month.slice(5, 7)}/${due.month.slice(0, 4)}` })}\n\n${this.d.digestText(t, cs)}`,
              choices: [[choice(t('summary.scorecardButton'), `tk:s:${cell.id}:${p}`)], [choice(t('summary.filesButton'), `tk:x:${cell.id}:${p}`)]],
            });
            if (this.d.notifier.toPerson(m.personId, cell.id, `summary.digest:${cell.id}:${due.month}:${m.personId}`, build, false)) queued += 1;
          }
        } else {
          const kind = due.half === 'H1' ? 'half' : 'year';
          for (const m of people) {
            const build = (t: Translate): OutMessage => ({ text: t(`summary.reminder.${due.half}`, { year: due.year }), choices: [[choice(t(`summary.periods.${kind}`), `tk:p:${cell.id}:${kind}`)]] });
            if (this.d.notifier.toPerson(m.personId, cell.id, `summary.review:${cell.id}:${due.year}-${due.half}:${m.personId}`, build, false)) queued += 1;
          }
        }
      }
    }
    if (queued > 0) this.d.log?.info({ queued }, 'summaries queued');
    return queued;
  }

  /** Today in the deployment's default time zone (for the roll-up). */
  todayDefault(): string {
    return isoDateIn(this.deps.clock.now(), this.deps.settings.defaultTimezone);
  }

  /** Secretary and deputy of the cell. */
  view(caller: Caller, cellId: number, period: SummaryPeriod): CellSummary {
    this.d.access.require(caller, cellId, 'summary.view');
    return this.compute(cellId, period);
  }

  /** Bot admins: every cell (the caller needs no role in them), read together. */
  rollup(caller: Caller, period: SummaryPeriod): CellSummary[] {
    if (!caller.isAdmin) throw new DomainError('AUTH.NOT_ADMIN');
    return this.computeCells(this.deps.repos.cells.list(), period);
  }

  /** No permission check: for jobs, the roll-up and the benchmark. */
  compute(cellId: number, period: SummaryPeriod): CellSummary {
    const cell = this.deps.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return this.computeCells([cell], period)[0] as CellSummary;
  }

  /**
   * The summaries of `cells` over the period, in their order: one read per time zone (usually one
   * for the whole deployment), each with one query per table whatever the number of cells.
   */
  private computeCells(cells: readonly CellRow[], period: SummaryPeriod): CellSummary[] {
    const zones = new Map<string, CellRow[]>();
    for (const c of cells) {
      const list = zones.get(c.timezone);
      if (list) list.push(c);
      else zones.set(c.timezone, [c]);
    }
    const out = new Map<number, CellSummary>();
    for (const [tz, group] of zones) {
      const w = windowOf(period, tz);
      const records = this.d.repo.read(
        group.map((c) => c.id),
        w.read,
      );
      for (const c of group) out.set(c.id, this.summariseCell(c, period, w, records.get(c.id)));
    }
    return cells.map((c) => out.get(c.id) as CellSummary);
  }

  private summariseCell(row: CellRow, period: SummaryPeriod, w: Window, r: SummaryRecords | undefined): CellSummary {
    const cell = { id: row.id, name: row.name, superiorName: row.superiorName, timezone: row.timezone };
    const localDate = this.localDates(cell.timezone);
    const today = localDate(this.deps.clock.now());
    // The cell's row is at hand (the roll-up lists them all), so its settings are read from it rather than fetched again per cell.
    const settings = readSettings(row.settings);
    const all: SummaryMeeting[] = (r?.meetings ?? []).map((m) => ({ meetingId: m.id, kind: m.kind, withThematic: m.withThematic, date: localDate(m.startsAt), attendees: m.attendees }));
    const charges = r?.charges ?? [];
    const periodMonths = new Set(monthsOf(period));
    const rules = rulesOn(period.to);
    const periodMeetings = all.filter((m) => m.date >= period.from && m.date <= period.to);
    const periodCharges = charges.filter((c) => periodMonths.has(c.month));
    const tasks = r?.assignments ?? [];
    const yearPrefix = `${w.year}-`;
    const summary = summarise(
      {
        period,
        today,
        quorumRule: settings.meetings.quorum,
        members: r?.members ?? [],
        meetings: periodMeetings,
        charges: periodCharges,
        assignments: tasks,
        pledged: r?.pledged ?? new Set(),
        reviewed: r?.reviewed ?? null,
        openFeedback: r?.openFeedback ?? new Map(),
        anonymousFeedback: r?.anonymousFeedback ?? 0,
        yearMeetings: all.filter((m) => m.date.startsWith(yearPrefix)),
        yearCharges: charges.filter((c) => c.month.startsWith(yearPrefix)),
        quarterMeetings: all.filter((m) => m.date >= w.quarterFrom && m.date <= w.quarterTo),
      },
      rules.removal.warnAt,
      rules.removal.monthsPerYear,
    );
    return { cell, today, summary, detail: { meetings: periodMeetings, charges: periodCharges, assignments: tasks } };
  }

  /** The calendar date in `tz` of an instant, with one formatter per zone (a summary converts hundreds of meeting times). */
  private localDates(tz: string): (ms: number) => string {
    let f = this.dateFormats.get(tz);
    if (!f) this.dateFormats.set(tz, (f = localDateIn(tz)));
    return f;
  }

  /** The 4 Tốt scorecard: indicators by criterion (every feature's, through the registry) and the monthly marks. */
  scorecard(caller: Caller, cellId: number, period: SummaryPeriod, t: Translate): ScorecardLine[] {
    this.d.access.require(caller, cellId, 'summary.view');
    return this.scorecardOf(cellId, period, t);
  }

  scorecardOf(cellId: number, period: SummaryPeriod, t: Translate): ScorecardLine[] {
    const weights = this.d.settings.of(cellId).scorecard.weights;
    const readings = this.d.indicators.readByCriterion(cellId, period, t);
    const marks = this.d.monthlyChecks.between(cellId, period.from.slice(0, 7), period.to.slice(0, 7));
    return ([1, 2, 3, 4] as const).map((c) => ({
      criterion: c,
      weight: weights[c - 1] ?? 0,
      indicators: readings[c],
      met: marks.filter((m) => m.criterion === c && m.result === 'met').length,
      notMet: marks.filter((m) => m.criterion === c && m.result === 'notMet').length,
    }));
  }

  /**
   * Indicators the summary supports, added to the registry beside the other features' (meetings,
   * dues and feedback have none of their own yet): cadence, attendance, quorum, dues, open feedback.
   */
  indicatorSources(): IndicatorSource[] {
    const shared = this.d.indicators.shared;
    const of = (cellId: number, period: SummaryPeriod): Summary => shared(`summary:${cellId}:${period.from}:${period.to}`, () => this.compute(cellId, period).summary);
    const ratio = (a: number, b: number): string => `${a}/${b} (${percent(b ? a / b : null)})`;
    return [
      {
        criterion: 3,
        key: 'summary.regularMeetings',
        label: (t) => t('summary.indicator.regularMeetings'),
        value: (cellId, p) => {
          const c = of(cellId, p).cadence;
          return c.monthsDue.length ? { value: `${c.monthsHeld.length}/${c.monthsDue.length}`, target: '100 %' } : null;
        },
      },
      {
        criterion: 3,
        key: 'summary.thematicMeetings',
        label: (t) => t('summary.indicator.thematicMeetings'),
        value: (cellId, p) => {
          const c = of(cellId, p).cadence;
          return c.quartersDue.length ? { value: `${c.quartersHeld.length}/${c.quartersDue.length}`, target: '≥ 1 / quý' } : null;
        },
      },
      {
        criterion: 4,
        key: 'summary.attendance',
        label: (t) => t('summary.indicator.attendance'),
        value: (cellId, p) => {
          const a = of(cellId, p).attendance;
          return a.expected ? { value: ratio(a.present, a.expected), target: '100 %' } : null;
        },
      },
      {
        criterion: 3,
        key: 'summary.quorum',
        label: (t) => t('summary.indicator.quorum'),
        value: (cellId, p) => {
          const a = of(cellId, p).attendance;
          return a.quorumCounted ? { value: ratio(a.quorumMet, a.quorumCounted), target: '100 %' } : null;
        },
      },
      {
        criterion: 4,
        key: 'summary.dues',
        label: (t) => t('summary.indicator.dues'),
        value: (cellId, p) => {
          const d = of(cellId, p).dues;
          return d.memberMonths ? { value: ratio(d.paidMemberMonths, d.memberMonths), target: '100 %' } : null;
        },
      },
      {
        criterion: 2,
        key: 'summary.threeMonth',
        label: (t) => t('summary.indicator.threeMonth'),
        value: (cellId, p) => ({ value: of(cellId, p).flags.filter((f) => f.level === 'threshold').length, target: '0' }),
      },
      {
        criterion: 2,
        key: 'summary.feedback',
        label: (t) => t('summary.indicator.feedback'),
        value: (cellId, p) => {
          const f = of(cellId, p).feedback;
          return { value: `${f.open} / ${f.anonymous}` };
        },
      },
    ];
  }
}

/** Local hour from which the scheduled summaries go out. */
export const DIGEST_HOUR = 8;

/**
 * The calendar date (yyyy-mm-dd) of an instant in `tz`, as `isoDateIn` gives it, through one
 * Intl formatter built here instead of a time-zone date object per call (several times faster).
 */
export function localDateIn(tz: string): (ms: number) => string {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (ms) => {
    let y = '';
    let m = '';
    let d = '';
    for (const p of format.formatToParts(ms)) {
      if (p.type === 'year') y = p.value;
      else if (p.type === 'month') m = p.value;
      else if (p.type === 'day') d = p.value;
    }
    return `${y.padStart(4, '0')}-${m}-${d}`;
  };
}

/** What a summary of `period` reads in `tz`. */
interface Window {
  read: SummaryWindow;
  /** The calendar year of the period's end (the three-month rule, the yearly commitment). */
  year: number;
  /** The quarters the period touches (a thematic meeting counts for its whole quarter). */
  quarterFrom: string;
  quarterTo: string;
}

function windowOf(period: SummaryPeriod, tz: string): Window {
  const year = Number(period.to.slice(0, 4));
  const yearFrom = `${year}-01-01`;
  // From the first day of the period's first quarter (a thematic meeting counts for its whole quarter).
  const quarterFrom = `${period.from.slice(0, 5)}${String(Math.floor((Number(period.from.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
  const from = quarterFrom < yearFrom ? quarterFrom : yearFrom;
  const lastQuarterMonth = Math.floor((Number(period.to.slice(5, 7)) - 1) / 3) * 3 + 3;
  const quarterTo = `${period.to.slice(0, 5)}${String(lastQuarterMonth).padStart(2, '0')}-${String(new Date(Date.UTC(Number(period.to.slice(0, 4)), lastQuarterMonth, 0)).getUTCDate())}`;
  const to = quarterTo > `${year}-12-31` ? quarterTo : `${year}-12-31`;
  // One read covers the period and the calendar year of its end (for the three-month rule).
  return {
    read: {
      meetings: { fromMs: zonedInstant(from, '00:00', tz), toMs: zonedInstant(nextDay(to), '00:00', tz) },
      months: { from: from.slice(0, 7), to: to.slice(0, 7) },
      period: { from: period.from, to: period.to },
      feedback: { fromMs: zonedInstant(period.from, '00:00', tz), toMs: zonedInstant(nextDay(period.to), '00:00', tz) },
      pledgeYear: year,
    },
    year,
    quarterFrom,
    quarterTo,
  };
}

function nextDay(iso: string): string {
  const d = new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)) + 1));
  return d.toISOString().slice(0, 10);
}
