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
import type { SummaryRepo } from '../store/repos/summary.js';
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

  /** Bot admins: every cell, one by one (the caller needs no role in them). */
  rollup(caller: Caller, period: SummaryPeriod): CellSummary[] {
    if (!caller.isAdmin) throw new DomainError('AUTH.NOT_ADMIN');
    return this.deps.repos.cells.list().map((c) => this.compute(c.id, period));
  }

  /** No permission check: for jobs, the roll-up and the benchmark. */
  compute(cellId: number, period: SummaryPeriod): CellSummary {
    const cell = this.cellOf(cellId);
    const tz = cell.timezone;
    const today = isoDateIn(this.deps.clock.now(), tz);
    const settings = this.d.settings.of(cellId);
    const { repo } = this.d;
    const year = Number(period.to.slice(0, 4));
    const yearFrom = `${year}-01-01`;
    // From the first day of the period's first quarter (a thematic meeting counts for its whole quarter).
    const quarterFrom = `${period.from.slice(0, 5)}${String(Math.floor((Number(period.from.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
    const from = quarterFrom < yearFrom ? quarterFrom : yearFrom;
    const lastQuarterMonth = Math.floor((Number(period.to.slice(5, 7)) - 1) / 3) * 3 + 3;
    const quarterTo = `${period.to.slice(0, 5)}${String(lastQuarterMonth).padStart(2, '0')}-${String(new Date(Date.UTC(Number(period.to.slice(0, 4)), lastQuarterMonth, 0)).getUTCDate())}`;
    const to = quarterTo > `${year}-12-31` ? quarterTo : `${year}-12-31`;
    // One read covers the period and the calendar year of its end (for the three-month rule).
    const [fromMs, toMs] = [zonedInstant(from, '00:00', tz), zonedInstant(nextDay(to), '00:00', tz)];
    const held = repo.heldMeetings(cellId, fromMs, toMs);
    const attendees = repo.heldAttendees(cellId, fromMs, toMs);
    const byMeeting = new Map<number, SummaryMeeting['attendees']>();
    for (const a of attendees) {
      const list = byMeeting.get(a.meetingId) ?? [];
      list.push({ memberId: a.memberId, membership: a.membership, expected: a.expected, status: a.status });
      byMeeting.set(a.meetingId, list);
    }
    const all: SummaryMeeting[] = held.map((m) => ({ meetingId: m.id, kind: m.kind, withThematic: m.withThematic, date: isoDateIn(m.startsAt, tz), attendees: byMeeting.get(m.id) ?? [] }));
    const months = monthsOf(period);
    const charges = repo.charges(cellId, from.slice(0, 7), to.slice(0, 7));
    const periodMonths = new Set(months);
    const rules = rulesOn(period.to);
    const periodMeetings = all.filter((m) => m.date >= period.from && m.date <= period.to);
    const periodCharges = charges.filter((c) => periodMonths.has(c.month));
    const tasks = repo.assignments(cellId, period.from, period.to);
    const summary = summarise(
      {
        period,
        today,
        quorumRule: settings.meetings.quorum,
        members: repo.members(cellId).map((m) => ({ memberId: m.id, fullName: m.fullName, membership: m.membership, status: m.status, joinedOn: m.joinedOn, leftOn: m.leftOn, exemptions: m.exemptions })),
        meetings: periodMeetings,
        charges: periodCharges,
        assignments: tasks,
        pledged: repo.pledged(cellId, year),
        reviewed: repo.reviewed(cellId, period.from, period.to),
        openFeedback: repo.openFeedback(cellId, zonedInstant(period.from, '00:00', tz), zonedInstant(nextDay(period.to), '00:00', tz)),
        anonymousFeedback: repo.anonymousCount(cellId, period.from, period.to),
        yearMeetings: all.filter((m) => m.date.startsWith(`${year}-`)),
        yearCharges: charges.filter((c) => c.month.startsWith(`${year}-`)),
        quarterMeetings: all.filter((m) => m.date >= quarterFrom && m.date <= quarterTo),
      },
      rules.removal.warnAt,
      rules.removal.monthsPerYear,
    );
    return { cell, today, summary, detail: { meetings: periodMeetings, charges: periodCharges, assignments: tasks } };
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

function nextDay(iso: string): string {
  const d = new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)) + 1));
  return d.toISOString().slice(0, 10);
}
