import { isoDateIn } from '../conversation/format.js';
import { isExpectedAttendee } from '../domain/members.js';
import { criteria, indicatorTargets, percent, ratio, type Period } from '../domain/monthlyCheck.js';
import type { AssignmentService } from './assignments.js';
import type { ServiceDeps } from './context.js';
import type { IndicatorRegistry, IndicatorSource } from './indicators.js';
import { factsOf, type PledgeService } from './pledges.js';
import type { ResidenceService } from './residence.js';

export interface InputIndicatorDeps {
  deps: ServiceDeps;
  assignments: AssignmentService;
  pledges: PledgeService;
  residence: ResidenceService;
  /** The registry's `shared`: one assignment summary per reading, whatever the number of sources using it. */
  shared: IndicatorRegistry['shared'];
}

/**
 * The indicators the inputs of issue 6 support: assignments done on time (per criterion they
 * serve, and in all), members given a task, yearly commitments registered, residence comments
 * handed in, and the number of members. Meetings, dues and feedback add theirs to the same registry.
 */
export function inputIndicators(d: InputIndicatorDeps): IndicatorSource[] {
  const { repos, clock } = d.deps;
  const todayIn = (cellId: number): string => {
    const cell = repos.cells.get(cellId);
    return isoDateIn(clock.now(), cell?.timezone ?? d.deps.settings.defaultTimezone);
  };
  /** The period's last day, or today while it is still running. */
  const asOf = (cellId: number, period: Period): string => {
    const today = todayIn(cellId);
    return today < period.to ? today : period.to;
  };
  /** Tasks already due (or completed) of those whose deadline falls in the period, and those done on time. */
  const onTime = (t: { total: number; pending: number; doneOnTime: number }) => (t.total - t.pending > 0 ? { value: ratio(t.doneOnTime, t.total - t.pending), target: percent(indicatorTargets.assignmentsOnTime) } : null);
  const summary = (cellId: number, period: Period) => d.shared(`assignments.summary:${cellId}:${period.from}:${period.to}`, () => d.assignments.summary(cellId, period));
  const expectedMembers = (cellId: number, isoDate: string) => {
    const exemptions = repos.members.exemptionsInCell(cellId);
    return repos.members.list(cellId, ['active']).filter((m) => isExpectedAttendee(factsOf(m, exemptions), isoDate));
  };

  const perCriterion: IndicatorSource[] = criteria.map((c) => ({
    criterion: c,
    key: `assignments.onTime.c${c}`,
    label: (t) => t('monthlyCheck.indicator.assignmentsForCriterion'),
    value: (cellId, period) => onTime(summary(cellId, period).byCriterion[c]),
  }));

  return [
    ...perCriterion,
    {
      criterion: 3,
      key: 'assignments.membersWithTasks',
      label: (t) => t('monthlyCheck.indicator.membersWithTasks'),
      value: (cellId, period) => {
        const expected = expectedMembers(cellId, asOf(cellId, period));
        if (expected.length === 0) return null;
        const withTasks = d.assignments.membersWithTasks(cellId, period);
        return { value: ratio(expected.filter((m) => withTasks.has(m.id)).length, expected.length), target: percent(indicatorTargets.membersWithTasks) };
      },
    },
    {
      criterion: 4,
      key: 'assignments.onTime',
      label: (t) => t('monthlyCheck.indicator.assignmentsOnTime'),
      value: (cellId, period) => onTime(summary(cellId, period).all),
    },
    {
      criterion: 4,
      key: 'pledges.registered',
      label: (t) => t('monthlyCheck.indicator.pledges'),
      value: (cellId, period) => {
        const day = asOf(cellId, period);
        const counts = d.pledges.counts(cellId, Number(day.slice(0, 4)), day);
        return counts.expected === 0 ? null : { value: ratio(counts.submitted, counts.expected), target: percent(indicatorTargets.pledgesRegistered) };
      },
    },
    {
      criterion: 4,
      key: 'residence.comments',
      label: (t) => t('monthlyCheck.indicator.residence'),
      value: (cellId, period) => {
        const day = asOf(cellId, period);
        const year = Number(day.slice(0, 4));
        if (!d.residence.seasonBegun(cellId, year, day)) return null;
        const counts = d.residence.counts(cellId, year, day);
        return counts.expected === 0 ? null : { value: ratio(counts.received, counts.expected), target: percent(indicatorTargets.residenceComments) };
      },
    },
    {
      criterion: 4,
      key: 'members.count',
      label: (t) => t('monthlyCheck.indicator.members'),
      value: (cellId, period) => {
        // On the rolls at some point of the period: joined by its end, not left before its start.
        const all = repos.members.list(cellId, ['active', 'left']);
        const tz = repos.cells.get(cellId)?.timezone ?? d.deps.settings.defaultTimezone;
        const inPeriod = all.filter((m) => (m.joinedOn ?? isoDateIn(m.createdAt, tz)) <= period.to && (m.leftOn === null || m.leftOn >= period.from));
        return { value: inPeriod.length };
      },
    },
  ];
}
