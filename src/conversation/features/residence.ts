import { formatIsoDate } from '../../domain/dates.js';
import { DomainError } from '../../domain/errors.js';
import { checkCommentYear, residenceExemptReasons } from '../../domain/residence.js';
import { cite, rulesOn } from '../../domain/rules.js';
import type { ResidenceService } from '../../services/residence.js';
import type { Ctx, Feature } from '../context.js';
import { isoDateIn } from '../format.js';
import { choice, type Choice } from '../message.js';
import { oneColumn, parseId, requirePrivate, withCell } from './shared.js';

export interface ResidenceFeatureDeps {
  residence: ResidenceService;
}

const viewers = ['secretary', 'deputy', 'committee'] as const;
/** Names with a tick button per page. */
const PAGE = 30;
const short = (s: string, max = 40): string => ([...s].length > max ? `${[...s].slice(0, max - 1).join('')}…` : s);

/**
 * `/nhanxet`: who has handed in the yearly comment from their residence party committee (form
 * 3-213), ticked by the secretary or deputy name by name; and, from a member's card, whether the
 * member is exempt from residence ties and why.
 */
export function residenceFeature(deps: ResidenceFeatureDeps): Feature {
  const { residence } = deps;

  const today = (ctx: Ctx, cellId: number): string => isoDateIn(ctx.deps.clock.now(), ctx.deps.services.cells.get(cellId).timezone);

  function start(ctx: Ctx): Promise<void> | void {
    if (!requirePrivate(ctx)) return;
    return withCell(ctx, 'nhanxet', viewers, (cellId) => board(ctx, cellId, Number(today(ctx, cellId).slice(0, 4))));
  }

  function board(ctx: Ctx, cellId: number, year: number, opts: { replace?: boolean; prefix?: string; page?: number } = {}): void {
    const s = residence.status(ctx.caller, cellId, year);
    const sources = cite(rulesOn(today(ctx, cellId)).sources.residence);
    const lines = [ctx.t('residence.title', { year, cell: s.cell.name }), ctx.t('residence.source', { sources }), ctx.t('residence.counts', { received: s.counts.received, expected: s.counts.expected, exempt: s.counts.exempt }), ''];
    if (opts.prefix) lines.unshift(opts.prefix, '');
    const expected = s.rows.filter((r) => r.expected);
    if (expected.length === 0) lines.push(ctx.t('residence.nobody'));
    for (const r of expected) lines.push(r.receivedOn ? ctx.t('residence.lineReceived', { name: r.member.fullName, date: formatIsoDate(r.receivedOn) }) : ctx.t('residence.lineMissing', { name: r.member.fullName }));
    const exempt = s.rows.filter((r) => r.exemptReason !== null);
    if (exempt.length > 0) {
      lines.push('', ctx.t('residence.exemptTitle'));
      for (const r of exempt) lines.push(`• ${r.member.fullName} — ${ctx.t(`residence.reason.${r.exemptReason}`)}`);
    }
    const rows: Choice[][] = [];
    if (s.canManage) {
      // One button per name, a page at a time (every name is in the text above).
      const pages = Math.max(1, Math.ceil(expected.length / PAGE));
      const page = Math.min(Math.max(opts.page ?? 0, 0), pages - 1);
      const slice = expected.slice(page * PAGE, page * PAGE + PAGE);
      rows.push(...oneColumn(slice.map((r) => choice(`${r.receivedOn ? '✓' : '☐'} ${short(r.member.fullName)}`, `rx:t:${cellId}:${year}:${r.member.id}:${r.receivedOn ? 0 : 1}:${page}`))));
      const nav: Choice[] = [];
      if (page > 0) nav.push(choice(ctx.t('members.prev'), `rx:st:${cellId}:${year}:${page - 1}`));
      if (page < pages - 1) nav.push(choice(ctx.t('members.next'), `rx:st:${cellId}:${year}:${page + 1}`));
      if (nav.length > 0) rows.push(nav);
      if (expected.length > 0) lines.push('', ctx.t('residence.hint'));
    }
    const other = year === Number(today(ctx, cellId).slice(0, 4)) ? year - 1 : year + 1;
    if (!checkCommentYear(other, today(ctx, cellId))) rows.push([choice(ctx.t('residence.yearButton', { year: other }), `rx:st:${cellId}:${other}`)]);
    ctx.reply({ text: lines.join('\n'), choices: rows, replaceOrigin: opts.replace === true });
  }

  function tick(ctx: Ctx, cellId: number, year: number, memberId: number, received: boolean, page: number): void {
    const s = residence.tick(ctx.caller, cellId, year, memberId, received);
    const name = s.rows.find((r) => r.member.id === memberId)?.member.fullName ?? '';
    const prefix = ctx.t(received ? 'residence.ticked' : 'residence.unticked', { name });
    ctx.toast = prefix;
    board(ctx, cellId, year, { replace: true, prefix, page });
  }

  /** From the member card: the member's `residenceExempt` field and the reasons to pick from. */
  function memberCard(ctx: Ctx, memberId: number, opts: { replace?: boolean; prefix?: string } = {}): void {
    const { member, reason } = residence.exemptionOf(ctx.caller, memberId);
    if (!residence.canManage(ctx.caller, member.cellId)) throw new DomainError('AUTH.FORBIDDEN');
    const lines = [
      ctx.t('residence.cardTitle', { name: member.fullName }),
      reason ? ctx.t('residence.cardExempt', { reason: ctx.t(`residence.reason.${reason}`) }) : ctx.t('residence.cardNotExempt'),
      '',
      ctx.t('residence.cardHint'),
    ];
    if (opts.prefix) lines.unshift(opts.prefix, '');
    const rows: Choice[][] = oneColumn(residenceExemptReasons.map((r) => choice(`${reason === r ? '✓ ' : ''}${ctx.t(`residence.reason.${r}`)}`, `rx:ex:${memberId}:${r}`)));
    rows.push([choice(`${reason === null ? '✓ ' : ''}${ctx.t('residence.notExempt')}`, `rx:ex:${memberId}:none`)]);
    rows.push([choice(ctx.t('residence.backToMember'), `mb:v:${memberId}`)]);
    ctx.reply({ text: lines.join('\n'), choices: rows, replaceOrigin: opts.replace === true });
  }

  function setExempt(ctx: Ctx, memberId: number, value: string | undefined): void {
    const reason = value === 'none' ? null : (value ?? '');
    residence.setExempt(ctx.caller, memberId, reason);
    memberCard(ctx, memberId, { replace: true, prefix: ctx.t('members.saved') });
  }

  return {
    commands: { nhanxet: start },
    actions: {
      rx: (ctx, [what, a, b, c, d, e]) => {
        switch (what) {
          case 'st':
            return board(ctx, parseId(a), Number(b), { page: Number(c ?? 0), replace: c !== undefined });
          case 't':
            return tick(ctx, parseId(a), Number(b), parseId(c), d === '1', Number(e ?? 0));
          case 'card':
            return memberCard(ctx, parseId(a));
          case 'ex':
            return setExempt(ctx, parseId(a), b);
        }
        return ctx.run('unknown_command');
      },
    },
  };
}
