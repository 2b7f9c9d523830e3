import type { Translate } from '../conversation/i18n.js';
import { COMMEND_AT, dmy, LIST_MAX, percent, REMIND_BELOW, SCORE_WEIGHTS, type MemberLine, type Summary } from '../domain/summary.js';
import type { CellSummary, ScorecardLine } from '../services/summary.js';

/** "120.000 đ", as src/conversation/format.ts writes it, with one formatter for the whole text (a long summary formats hundreds of amounts). */
const money = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });
const formatMoney = (amount: number): string => `${money.format(Math.round(amount))} đ`;

/**
 * The translator, with each template looked up once per text and filled in here: a summary of a
 * hundred members makes about a thousand lookups. Only for this namespace's plain `{{name}}` templates.
 */
export function templated(t: Translate): Translate {
  const cache = new Map<string, string>();
  return (key, params) => {
    let raw = cache.get(key);
    if (raw === undefined) {
      raw = t(key);
      cache.set(key, raw);
    }
    if (!params) return raw;
    return raw.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
  };
}

const monthLabel = (m: string): string => `${m.slice(5, 7)}/${m.slice(0, 4)}`;
const quarterLabel = (q: string): string => `${q.slice(6)}/${q.slice(0, 4)}`;
const ratio = (a: number, b: number): string => `${a}/${b} (${percent(b ? a / b : null)})`;

/** The /tongket message: one text, split by the channel where it is longer than the channel allows. */
export function summaryText(translate: Translate, cs: CellSummary): string {
  const t = templated(translate);
  const s = cs.summary;
  const lines: string[] = [t('summary.title', { cell: cs.cell.name }), t('summary.period', { from: dmy(s.period.from), to: dmy(s.period.to) }), ''];
  lines.push(...meetingSection(t, s), '', ...duesSection(t, s), '', ...inputsSection(t, s), '', ...memberSection(t, s), '', ...flagSection(t, s), '', ...listSection(t, s));
  return lines.join('\n');
}

function meetingSection(t: Translate, s: Summary): string[] {
  const c = s.cadence;
  const out = [t('summary.meetings.title')];
  out.push(`- ${t('summary.meetings.regular', { held: c.monthsHeld.length, due: c.monthsDue.length })}${c.monthsMissed.length ? ` ${t('summary.meetings.missing', { list: c.monthsMissed.map(monthLabel).join(', ') })}` : ''}`);
  out.push(`- ${t('summary.meetings.thematic', { held: c.quartersHeld.length, due: c.quartersDue.length })}${c.quartersMissed.length ? ` ${t('summary.meetings.missingQuarter', { list: c.quartersMissed.map(quarterLabel).join(', ') })}` : ''}`);
  out.push(`- ${t('summary.meetings.attendance', { value: s.attendance.expected ? ratio(s.attendance.present, s.attendance.expected) : '—' })}`);
  out.push(`- ${t('summary.meetings.quorum', { met: s.attendance.quorumMet, of: s.attendance.quorumCounted })}`);
  for (const m of s.meetings) {
    out.push(
      `  • ${t('summary.meetings.line', {
        date: dmy(m.date),
        kind: t(`summary.kind.${m.thematic && m.kind === 'regular' ? 'regularThematic' : m.kind}`),
        value: m.expected ? ratio(m.present, m.expected) : '—',
        quorum: t(m.quorum.met ? 'summary.meetings.quorumMet' : 'summary.meetings.quorumNotMet', { present: m.quorum.presentFull, required: m.quorum.required, of: m.quorum.expectedFull }),
      })}`,
    );
  }
  if (s.meetings.length === 0) out.push(`  ${t('summary.meetings.none')}`);
  return out;
}

function duesSection(t: Translate, s: Summary): string[] {
  return [t('summary.dues.title'), `- ${t('summary.dues.months', { value: s.dues.memberMonths ? ratio(s.dues.paidMemberMonths, s.dues.memberMonths) : '—' })}`, `- ${t('summary.dues.amounts', { paid: formatMoney(s.dues.paid), due: formatMoney(s.dues.due) })}`];
}

function inputsSection(t: Translate, s: Summary): string[] {
  return [
    t('summary.inputs.title'),
    `- ${t('summary.inputs.assignments', { total: s.assignments.total, onTime: s.assignments.onTime, late: s.assignments.late, open: s.assignments.open })}`,
    `- ${t('summary.inputs.pledges', { year: s.year, value: ratio(s.pledges.registered, s.pledges.of) })}`,
    `- ${s.reviews ? t('summary.inputs.reviews', { value: ratio(s.reviews.submitted, s.reviews.of) }) : t('summary.inputs.noReviews')}`,
    `- ${t('summary.inputs.feedback', { open: s.feedback.open, anonymous: s.feedback.anonymous })}`,
  ];
}

export function memberLineText(t: Translate, m: MemberLine): string {
  const notes: string[] = [];
  if (m.membership === 'probationary') notes.push(t('summary.member.probationary'));
  if (m.joinedInPeriod) notes.push(t('summary.member.joined'));
  if (m.leftInPeriod) notes.push(t('summary.member.left'));
  if (m.exempt) notes.push(t('summary.member.exempt'));
  const parts = [
    t('summary.member.attendance', { present: m.present, expected: m.expected, excused: m.excused, unexcused: m.unexcused }),
    t('summary.member.dues', { paid: m.duesPaidMonths, months: m.duesMonths, owed: formatMoney(m.duesOwed) }),
    t('summary.member.assignments', { onTime: m.assignmentsOnTime, late: m.assignmentsLate, total: m.assignments }),
    t(m.pledged ? 'summary.member.pledged' : 'summary.member.notPledged'),
    m.reviewed === null ? null : t(m.reviewed ? 'summary.member.reviewed' : 'summary.member.notReviewed'),
    t('summary.member.feedback', { n: m.openFeedback }),
    m.score ? t('summary.member.score', { score: m.score.total }) : null,
  ].filter((x): x is string => x !== null);
  return `${m.fullName}${notes.length ? ` (${notes.join(', ')})` : ''}: ${parts.join('; ')}`;
}

function memberSection(t: Translate, s: Summary): string[] {
  return [t('summary.member.title', { n: s.members.length }), ...s.members.map((m, i) => `${i + 1}. ${memberLineText(t, m)}`)];
}

function flagSection(t: Translate, s: Summary): string[] {
  const out = [t('summary.flags.title', { year: s.year })];
  if (s.flags.length === 0) out.push(`- ${t('summary.flags.none')}`);
  for (const f of s.flags) out.push(`- ${t(f.level === 'threshold' ? 'summary.flags.threshold' : 'summary.flags.warn', { name: f.fullName, absent: f.unexcusedMonths, unpaid: f.unpaidMonths })}`);
  return out;
}

function listSection(t: Translate, s: Summary): string[] {
  const names = (list: MemberLine[]): string => (list.length ? list.map((m) => `${m.fullName} (${m.score?.total ?? '—'})`).join(', ') : t('summary.lists.nobody'));
  return [t('summary.lists.title'), `- ${t('summary.lists.commend', { names: names(s.commend) })}`, `- ${t('summary.lists.remind', { names: names(s.remind) })}`, t('summary.lists.note')];
}

/** The engagement score's formula, shown on request. */
export function formulaText(t: Translate): string {
  return t('summary.formula', { attendance: SCORE_WEIGHTS.attendance, dues: SCORE_WEIGHTS.dues, assignments: SCORE_WEIGHTS.assignments, pledge: SCORE_WEIGHTS.pledge, commend: COMMEND_AT, remind: REMIND_BELOW, max: LIST_MAX });
}

/** The 4 Tốt scorecard as text. */
export function scorecardText(t: Translate, cs: CellSummary, lines: ScorecardLine[]): string {
  const out = [t('summary.scorecard.title', { cell: cs.cell.name }), t('summary.period', { from: dmy(cs.summary.period.from), to: dmy(cs.summary.period.to) })];
  for (const l of lines) {
    out.push('', t('summary.scorecard.criterion', { n: l.criterion, name: t(`monthlyCheck.criterion.${l.criterion}`), weight: l.weight }));
    if (l.indicators.length === 0) out.push(`   ${t('summary.scorecard.noIndicators')}`);
    for (const r of l.indicators) out.push(`   • ${r.label}: ${r.value}${r.target ? ` (${t('summary.scorecard.target', { target: r.target })})` : ''}`);
    out.push(`   ${t('summary.scorecard.marks', { met: l.met, notMet: l.notMet })}`);
    out.push(`   ${t('summary.scorecard.own')}`);
  }
  out.push('', t('summary.scorecard.note'));
  return out.join('\n');
}

/** The roll-up for the superior committee: each cell in one line, then the total. Counts only. */
export function rollupText(translate: Translate, all: CellSummary[], period: { from: string; to: string }): string {
  const t = templated(translate);
  const out = [t('summary.rollup.title', { n: all.length }), t('summary.period', { from: dmy(period.from), to: dmy(period.to) }), ''];
  const total = { members: 0, held: 0, due: 0, present: 0, expected: 0, paidMonths: 0, memberMonths: 0, paid: 0, duesDue: 0, threshold: 0, open: 0, anonymous: 0 };
  for (const [i, cs] of all.entries()) {
    const s = cs.summary;
    const members = s.members.filter((m) => !m.leftInPeriod).length;
    const threshold = s.flags.filter((f) => f.level === 'threshold').length;
    out.push(
      `${i + 1}. ${t('summary.rollup.line', {
        cell: cs.cell.name,
        members,
        held: s.cadence.monthsHeld.length,
        due: s.cadence.monthsDue.length,
        attendance: percent(s.attendance.rate),
        dues: percent(s.dues.memberMonths ? s.dues.paidMemberMonths / s.dues.memberMonths : null),
        threshold,
      })}`,
    );
    total.members += members;
    total.held += s.cadence.monthsHeld.length;
    total.due += s.cadence.monthsDue.length;
    total.present += s.attendance.present;
    total.expected += s.attendance.expected;
    total.paidMonths += s.dues.paidMemberMonths;
    total.memberMonths += s.dues.memberMonths;
    total.paid += s.dues.paid;
    total.duesDue += s.dues.due;
    total.threshold += threshold;
    total.open += s.feedback.open;
    total.anonymous += s.feedback.anonymous;
  }
  out.push(
    '',
    t('summary.rollup.total', {
      members: total.members,
      held: total.held,
      due: total.due,
      attendance: total.expected ? ratio(total.present, total.expected) : '—',
      dues: total.memberMonths ? ratio(total.paidMonths, total.memberMonths) : '—',
      paid: formatMoney(total.paid),
      duesDue: formatMoney(total.duesDue),
      threshold: total.threshold,
      open: total.open,
      anonymous: total.anonymous,
    }),
    t('summary.rollup.note'),
  );
  return out.join('\n');
}
