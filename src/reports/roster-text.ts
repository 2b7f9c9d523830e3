import type { Translate } from '../conversation/i18n.js';
import { formatIsoDate } from '../domain/dates.js';
import type { FieldChange, RosterField, RosterProblem } from '../domain/roster.js';
import type { MemberRow } from '../store/repos/members.js';
import type { ImportResult, RosterPreview } from '../services/roster.js';

/** Problems listed in one message; the rest are counted (a 5,000-row file can have thousands). */
export const PROBLEMS_SHOWN = 40;
/** Changed members spelled out in a preview; the rest are counted. */
export const CHANGES_SHOWN = 30;
const NAMES_SHOWN = 30;

const column = (t: Translate, field: RosterField | null): string => (field ? t(`rosterFiles.columns.${field}`) : '');

/** "Dòng 5, cột «Ngày vào Đảng»: …", one line per problem, nothing imported. */
export function problemsText(t: Translate, fileName: string, problems: readonly RosterProblem[]): string {
  const lines = [t('roster.problemsTitle', { file: fileName, count: problems.length })];
  for (const p of problems.slice(0, PROBLEMS_SHOWN)) {
    const problem = t(`roster.problem.${p.code}`, { value: p.value ?? '' });
    if (p.line === 0) lines.push(t('roster.problemFile', { problem }));
    else if (p.field === null) lines.push(t('roster.problemHeader', { problem }));
    else lines.push(t('roster.problemLine', { line: p.line, column: column(t, p.field), problem }));
  }
  if (problems.length > PROBLEMS_SHOWN) lines.push(t('roster.moreProblems', { count: problems.length - PROBLEMS_SHOWN }));
  return lines.join('\n');
}

/** A field's value as the roll writes it. */
export function valueText(t: Translate, field: FieldChange['field'], value: string | null): string {
  if (value === null || value === '') return t('roster.empty');
  switch (field) {
    case 'role':
      return t(`roles.${value}`);
    case 'membership':
      return t(`members.membership.${value}`);
    case 'membershipSince':
      return formatIsoDate(value);
    case 'attachedTemporarily':
    case 'collectsDues':
      return t(value === 'yes' ? 'common.yes' : 'common.no');
    case 'duesCategory':
      return t(`members.duesCategory.${value}`);
    case 'reviewForm':
      return value;
    case 'exemption': {
      const [kind, from, to] = value.split(':');
      return `${t(`members.exemption.${kind}`)} ${formatIsoDate(from ?? '')}${to ? ` – ${formatIsoDate(to)}` : ''}`;
    }
    default:
      return value;
  }
}

function changeText(t: Translate, c: FieldChange): string {
  // The income base is private: a preview says that it changes, never the figures.
  if (c.field === 'incomeBase') return t('roster.incomeChanged');
  if (c.field === 'exemption') return c.from === null ? t('roster.exemptionAdded', { value: valueText(t, c.field, c.to) }) : t('roster.change', { field: t('rosterFiles.columns.exemption'), from: valueText(t, c.field, c.from), to: valueText(t, c.field, c.to) });
  return t('roster.change', { field: column(t, c.field), from: valueText(t, c.field, c.from), to: valueText(t, c.field, c.to) });
}

const names = (t: Translate, members: MemberRow[]): string => {
  const shown = members.slice(0, NAMES_SHOWN).map((m) => m.fullName);
  return members.length > NAMES_SHOWN ? `${shown.join(', ')} ${t('roster.andMore', { count: members.length - NAMES_SHOWN })}` : shown.join(', ');
};

/** What "Nhập" would do: new, changed (with the changes), unchanged, and who the file leaves out. */
export function previewText(t: Translate, p: RosterPreview): string {
  const lines = [t('roster.previewTitle', { file: p.fileName, rows: p.plan.rows.length })];
  const { counts } = p;
  if (counts.created === 0 && counts.changed === 0) lines.push(t('roster.previewNothing'));
  if (counts.created > 0) lines.push(t('roster.previewNew', { count: counts.created }));
  if (counts.changed > 0) {
    lines.push(t('roster.previewChanged', { count: counts.changed }));
    const changed = p.plan.rows.flatMap((r) => (r.kind === 'changed' ? [r] : []));
    for (const r of changed.slice(0, CHANGES_SHOWN)) lines.push(t('roster.previewChangeLine', { name: r.row.fullName, changes: r.changes.map((c) => changeText(t, c)).join('; ') }));
    if (changed.length > CHANGES_SHOWN) lines.push(`   ${t('roster.andMore', { count: changed.length - CHANGES_SHOWN })}`);
  }
  if (counts.same > 0) lines.push(t('roster.previewSame', { count: counts.same }));
  const missing = p.plan.missing.map((id) => p.members.get(id)).filter((m): m is MemberRow => m !== undefined);
  if (missing.length > 0) lines.push(t('roster.previewMissing', { count: missing.length, names: names(t, missing) }));
  if (p.ignored.length > 0) lines.push(t('roster.previewIgnored', { columns: p.ignored.join(', ') }));
  return lines.join('\n');
}

/** One line per candidate of an ambiguous name, so the secretary can tell them apart. */
export function candidateText(t: Translate, m: MemberRow): string {
  const since = m.membershipSince ? ` ${t('members.since')} ${formatIsoDate(m.membershipSince)}` : '';
  const group = m.partyGroup ? `, ${m.partyGroup}` : '';
  return t('roster.candidate', { name: m.fullName, role: t(`roles.${m.role}`), membership: `${t(`members.membership.${m.membership}`)}${since}`, group });
}

export function appliedText(t: Translate, cellName: string, r: ImportResult): string {
  const lines = [t('roster.applied', { cell: cellName, created: r.created, changed: r.changed, unchanged: r.unchanged })];
  if (r.missing.length > 0) lines.push(t('roster.appliedMissing', { names: names(t, r.missing) }));
  if (r.withoutChannel > 0) lines.push(t('roster.appliedInvites', { count: r.withoutChannel }));
  return lines.join('\n\n');
}
