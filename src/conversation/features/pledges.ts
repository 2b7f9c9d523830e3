import { formatIsoDate } from '../../domain/dates.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import { isFilled, isPledgeSection, missingSections, nextSection, pledgeSections, sectionText, type PledgeContent, type PledgeSection } from '../../domain/pledges.js';
import type { MyPledge, PledgeService } from '../../services/pledges.js';
import type { Ctx, Feature } from '../context.js';
import { isoDateIn } from '../format.js';
import { choice, type Choice } from '../message.js';
import { cancelRow, oneColumn, parseId, requirePrivate, withCell } from './shared.js';

export interface PledgesFeatureDeps {
  pledges: PledgeService;
}

const roman = ['I', 'II', 'III'];
/** Names with a "read" button per page. */
const PAGE = 30;

/**
 * `/camket`: the member writes their yearly commitment section by section (each message is a
 * paragraph), reads it back, edits a section, submits it, and writes the mid-year self-check when
 * it opens. Leaders see who has registered; the secretary and deputy can read submitted ones.
 */
export function pledgesFeature(deps: PledgesFeatureDeps): Feature {
  const { pledges } = deps;

  const yearOf = (ctx: Ctx, cellId: number): number => Number(isoDateIn(ctx.deps.clock.now(), ctx.deps.services.cells.get(cellId).timezone).slice(0, 4));

  function start(ctx: Ctx): Promise<void> | void {
    if (!requirePrivate(ctx)) return;
    return withCell(ctx, 'camket', 'any', (cellId) => menu(ctx, cellId, yearOf(ctx, cellId)));
  }

  function statusLine(ctx: Ctx, mine: MyPledge): string {
    if (!mine.pledge) return ctx.t('pledges.status.none');
    if (mine.pledge.status === 'submitted') return ctx.t('pledges.status.submitted', { date: formatIsoDate(isoDateIn(mine.pledge.submittedAt ?? 0, mine.cell.timezone)) });
    const filled = pledgeSections.filter((k) => isFilled(mine.content, k)).length;
    return ctx.t('pledges.status.draft', { filled, total: pledgeSections.length });
  }

  function menu(ctx: Ctx, cellId: number, year: number): void {
    const mine = pledges.mine(ctx.caller, cellId, year);
    const c = mine.cell.id;
    const lines = [ctx.t('pledges.menuTitle', { year, cell: mine.cell.name }), statusLine(ctx, mine)];
    if (mine.selfCheck.length > 0) lines.push(ctx.t('pledges.status.selfChecked'));
    lines.push('', ctx.t('pledges.about'));
    if (!mine.open && !mine.pledge) lines.push('', ctx.t('pledges.yearClosed'));
    const rows: Choice[][] = [];
    const submitted = mine.pledge?.status === 'submitted';
    if (mine.open && !submitted) {
      const next = nextSection(mine.content);
      rows.push([choice(next ? ctx.t('pledges.menu.writeNext', { section: ctx.t(`pledges.section.${next}`) }) : ctx.t('pledges.menu.write'), `pl:w:${c}:${year}`)]);
      if (mine.pledge) rows.push([choice(ctx.t('pledges.menu.view'), `pl:v:${c}:${year}`)], [choice(ctx.t('pledges.menu.edit'), `pl:e:${c}:${year}`)], [choice(ctx.t('pledges.menu.submit'), `pl:s:${c}:${year}`)]);
    } else if (mine.pledge) {
      rows.push([choice(ctx.t('pledges.menu.view'), `pl:v:${c}:${year}`)]);
    }
    if (submitted && mine.selfCheckOpen) rows.push([choice(ctx.t('pledges.menu.selfCheck'), `pl:sc:${c}:${year}`)]);
    if (submitted && mine.open) rows.push([choice(ctx.t('pledges.menu.withdraw'), `pl:wd:${c}:${year}`)]);
    if (pledges.canSeeStatus(ctx.caller, c)) rows.push([choice(ctx.t('pledges.menu.status'), `pl:st:${c}:${year}`)]);
    for (const other of pledges.years(ctx.caller, c).filter((y) => y !== year)) rows.push([choice(ctx.t('pledges.menu.year', { year: other }), `pl:y:${c}:${other}`)]);
    ctx.reply({ text: lines.join('\n'), choices: rows });
  }

  // ---- writing -------------------------------------------------------------------------------------

  function writingChoices(ctx: Ctx, cellId: number, year: number, key: PledgeSection): Choice[][] {
    return [[choice(ctx.t('pledges.nextSection'), `pl:nx:${cellId}:${year}:${key}`)], [choice(ctx.t('pledges.menu.view'), `pl:v:${cellId}:${year}`)], [choice(ctx.t('pledges.saveExit'), 'pl:q')]];
  }

  function prompt(ctx: Ctx, mine: MyPledge, key: PledgeSection, mode: 'append' | 'replace'): void {
    if (!mine.open) throw new DomainError('PLEDGE.YEAR_CLOSED');
    if (mine.pledge?.status === 'submitted') throw new DomainError('PLEDGE.SUBMITTED');
    const n = pledgeSections.indexOf(key) + 1;
    ctx.setFlow('pledge', 'section', { cellId: mine.cell.id, year: mine.year, section: key, mode }, mine.cell.id);
    const lines = [ctx.t('pledges.sectionHeading', { n, total: pledgeSections.length, title: ctx.t(`pledges.section.${key}`) }), ctx.t(`pledges.hint.${key}`)];
    const count = (mine.content.sections[key] ?? []).length;
    if (count > 0) lines.push(ctx.t(mode === 'replace' ? 'pledges.replaceNote' : 'pledges.hasParagraphs', { n: count }));
    lines.push(ctx.t('pledges.typeHow'));
    ctx.reply({ text: lines.join('\n\n'), choices: writingChoices(ctx, mine.cell.id, mine.year, key) });
  }

  function writeNext(ctx: Ctx, mine: MyPledge, after: PledgeSection | null): void {
    const next = nextSection(mine.content, after) ?? nextSection(mine.content);
    if (next) return prompt(ctx, mine, next, 'append');
    ctx.clearFlow();
    view(ctx, mine, true);
  }

  function typed(ctx: Ctx, _step: string, text: string, data: Record<string, unknown>): void {
    const cellId = parseId(String(data.cellId));
    const year = Number(data.year);
    const key = data.section;
    if (!isPledgeSection(key)) throw new DomainError('PLEDGE.SECTION_INVALID');
    const mode = data.mode === 'replace' ? 'replace' : 'append';
    let mine: MyPledge;
    try {
      mine = pledges.write(ctx.caller, cellId, year, key, text, mode);
    } catch (err) {
      if (isDomainError(err) && (err.code === 'PLEDGE.TOO_LONG' || err.code === 'PLEDGE.EMPTY_TEXT' || err.code === 'MEMBER.ID_NUMBER')) {
        ctx.reply({ text: ctx.t(`errors.${err.code}`), choices: writingChoices(ctx, cellId, year, key) });
        return;
      }
      if (isDomainError(err)) ctx.clearFlow();
      throw err;
    }
    // After the first message of an edit, the next ones add to the new text.
    if (mode === 'replace') ctx.setFlow('pledge', 'section', { ...data, mode: 'append' }, cellId);
    const count = (mine.content.sections[key] ?? []).length;
    ctx.reply({ text: ctx.t('pledges.saved', { n: pledgeSections.indexOf(key) + 1, count }), choices: writingChoices(ctx, cellId, year, key) });
  }

  // ---- viewing, editing, submitting ---------------------------------------------------------------

  function assembled(ctx: Ctx, content: PledgeContent, selfCheck: string[], header: string[]): string {
    const lines = [...header];
    pledgeSections.forEach((key, i) => {
      lines.push('', `${roman[i] ?? i + 1}. ${ctx.t(`pledges.section.${key}`)}`, sectionText(content, key) || ctx.t('pledges.empty'));
    });
    if (selfCheck.length > 0) lines.push('', ctx.t('pledges.selfCheckTitle'), selfCheck.join('\n'));
    return lines.join('\n');
  }

  function view(ctx: Ctx, mine: MyPledge, finished = false): void {
    if (!mine.pledge) {
      ctx.reply({ text: ctx.t('pledges.status.none'), choices: mine.open ? [[choice(ctx.t('pledges.menu.write'), `pl:w:${mine.cell.id}:${mine.year}`)]] : [] });
      return;
    }
    const c = mine.cell.id;
    const header = [ctx.t('pledges.viewTitle', { year: mine.year, name: mine.member.fullName }), statusLine(ctx, mine)];
    const rows: Choice[][] = [];
    const footer: string[] = [];
    const submitted = mine.pledge.status === 'submitted';
    if (mine.open && !submitted) {
      const missing = missingSections(mine.content);
      footer.push(missing.length > 0 ? ctx.t('pledges.missing', { sections: missing.map((k) => ctx.t(`pledges.section.${k}`)).join('; ') }) : ctx.t(finished ? 'pledges.allWritten' : 'pledges.readyToSubmit'));
      rows.push(missing.length === 0 ? [choice(ctx.t('pledges.menu.submit'), `pl:s:${c}:${mine.year}`)] : [choice(ctx.t('pledges.menu.write'), `pl:w:${c}:${mine.year}`)]);
      rows.push([choice(ctx.t('pledges.menu.edit'), `pl:e:${c}:${mine.year}`)]);
    }
    if (submitted && mine.selfCheckOpen) rows.push([choice(ctx.t('pledges.menu.selfCheck'), `pl:sc:${c}:${mine.year}`)]);
    rows.push([choice(ctx.t('pledges.menu.back'), `pl:y:${c}:${mine.year}`)]);
    ctx.reply({ text: [assembled(ctx, mine.content, mine.selfCheck, header), ...(footer.length ? ['', ...footer] : [])].join('\n'), choices: rows });
  }

  function pickSection(ctx: Ctx, mine: MyPledge): void {
    if (mine.pledge?.status === 'submitted') throw new DomainError('PLEDGE.SUBMITTED');
    const c = mine.cell.id;
    ctx.reply({
      text: ctx.t('pledges.pickSection'),
      choices: [...oneColumn(pledgeSections.map((k, i) => choice(`${roman[i] ?? i + 1}. ${ctx.t(`pledges.section.${k}`)}${isFilled(mine.content, k) ? ' ✓' : ''}`, `pl:es:${c}:${mine.year}:${k}`))), cancelRow(ctx)],
    });
  }

  function editSection(ctx: Ctx, mine: MyPledge, key: string | undefined): void {
    if (!isPledgeSection(key)) throw new DomainError('PLEDGE.SECTION_INVALID');
    const current = sectionText(mine.content, key);
    if (current) ctx.reply({ text: `${ctx.t('pledges.currentText')}\n${current}` });
    prompt(ctx, mine, key, current ? 'replace' : 'append');
  }

  function submit(ctx: Ctx, cellId: number, year: number): void {
    ctx.clearFlow();
    const mine = pledges.submit(ctx.caller, cellId, year);
    ctx.toast = ctx.t('pledges.submittedToast');
    ctx.reply({ text: ctx.t('pledges.submitted', { year: mine.year }), choices: [[choice(ctx.t('pledges.menu.view'), `pl:v:${cellId}:${year}`)]] });
  }

  function withdraw(ctx: Ctx, cellId: number, year: number): void {
    const mine = pledges.withdraw(ctx.caller, cellId, year);
    ctx.reply({ text: ctx.t('pledges.withdrawn', { year: mine.year }), choices: [[choice(ctx.t('pledges.menu.edit'), `pl:e:${cellId}:${year}`)], [choice(ctx.t('pledges.menu.submit'), `pl:s:${cellId}:${year}`)]] });
  }

  // ---- the mid-year self-check -------------------------------------------------------------------------

  function startSelfCheck(ctx: Ctx, cellId: number, year: number): void {
    const mine = pledges.mine(ctx.caller, cellId, year);
    if (mine.pledge?.status !== 'submitted') throw new DomainError('PLEDGE.NOT_SUBMITTED');
    if (!mine.selfCheckOpen) throw new DomainError('PLEDGE.SELF_CHECK_CLOSED');
    const lines = [ctx.t('pledges.selfCheckAsk', { year })];
    if (mine.selfCheck.length > 0) lines.push('', ctx.t('pledges.currentText'), mine.selfCheck.join('\n'), '', ctx.t('pledges.selfCheckReplace'));
    ctx.setFlow('pledgeCheck', 'text', { cellId, year, mode: mine.selfCheck.length > 0 ? 'replace' : 'append' }, cellId);
    ctx.reply({ text: lines.join('\n'), choices: [[choice(ctx.t('pledges.selfCheckDone'), 'pl:q')], [choice(ctx.t('pledges.menu.view'), `pl:v:${cellId}:${year}`)]] });
  }

  function selfCheckTyped(ctx: Ctx, _step: string, text: string, data: Record<string, unknown>): void {
    const cellId = parseId(String(data.cellId));
    const year = Number(data.year);
    const mode = data.mode === 'replace' ? 'replace' : 'append';
    const done = [[choice(ctx.t('pledges.selfCheckDone'), 'pl:q')], [choice(ctx.t('pledges.menu.view'), `pl:v:${cellId}:${year}`)]];
    let mine: MyPledge;
    try {
      mine = pledges.writeSelfCheck(ctx.caller, cellId, year, text, mode);
    } catch (err) {
      if (isDomainError(err) && (err.code === 'PLEDGE.TOO_LONG' || err.code === 'PLEDGE.EMPTY_TEXT' || err.code === 'MEMBER.ID_NUMBER')) {
        ctx.reply({ text: ctx.t(`errors.${err.code}`), choices: done });
        return;
      }
      if (isDomainError(err)) ctx.clearFlow();
      throw err;
    }
    if (mode === 'replace') ctx.setFlow('pledgeCheck', 'text', { ...data, mode: 'append' }, cellId);
    ctx.reply({ text: ctx.t('pledges.selfCheckSaved', { count: mine.selfCheck.length }), choices: done });
  }

  // ---- leaders ----------------------------------------------------------------------------------------

  function status(ctx: Ctx, cellId: number, year: number, page = 0, replace = false): void {
    const s = pledges.status(ctx.caller, cellId, year);
    const cell = ctx.deps.services.cells.get(cellId);
    const expected = s.rows.filter((r) => r.expected);
    const group = (state: 'submitted' | 'draft' | 'none') => expected.filter((r) => r.status === state);
    const names = (rows: typeof expected, withCheck = false) => (rows.length > 0 ? rows.map((r) => `• ${r.member.fullName}${withCheck && r.selfChecked ? ` ${ctx.t('pledges.selfCheckMark')}` : ''}`) : [ctx.t('pledges.nobody')]);
    const lines = [
      ctx.t('pledges.statusTitle', { year, cell: cell.name }),
      ctx.t('pledges.counts', { submitted: s.counts.submitted, expected: s.counts.expected, drafts: s.counts.drafts, none: s.counts.notStarted, selfChecked: s.counts.selfChecked }),
      '',
      ctx.t('pledges.group.submitted'),
      ...names(group('submitted'), true),
      '',
      ctx.t('pledges.group.draft'),
      ...names(group('draft')),
      '',
      ctx.t('pledges.group.none'),
      ...names(group('none')),
    ];
    const others = s.rows.filter((r) => !r.expected && r.status === 'submitted');
    if (others.length > 0) lines.push('', ctx.t('pledges.group.notExpected'), ...names(others));
    const rows: Choice[][] = [];
    if (pledges.canRead(ctx.caller, cellId)) {
      // One "read" button per submitted commitment, a page at a time.
      const readable = s.rows.filter((r) => r.status === 'submitted' && r.pledgeId !== null);
      const pages = Math.max(1, Math.ceil(readable.length / PAGE));
      const current = Math.min(Math.max(page, 0), pages - 1);
      rows.push(...oneColumn(readable.slice(current * PAGE, current * PAGE + PAGE).map((r) => choice(ctx.t('pledges.readButton', { name: r.member.fullName }), `pl:r:${r.pledgeId}`))));
      const nav: Choice[] = [];
      if (current > 0) nav.push(choice(ctx.t('members.prev'), `pl:st:${cellId}:${year}:${current - 1}`));
      if (current < pages - 1) nav.push(choice(ctx.t('members.next'), `pl:st:${cellId}:${year}:${current + 1}`));
      if (nav.length > 0) rows.push(nav);
      if (readable.length > 0) lines.push('', ctx.t('pledges.pickToRead'));
    }
    ctx.reply({ text: lines.join('\n'), choices: rows, replaceOrigin: replace });
  }

  function read(ctx: Ctx, pledgeId: number): void {
    const p = pledges.read(ctx.caller, pledgeId);
    const header = [ctx.t('pledges.viewTitle', { year: p.pledge.year, name: p.author.fullName }), ctx.t('pledges.status.submitted', { date: formatIsoDate(isoDateIn(p.pledge.submittedAt ?? p.pledge.updatedAt, p.cell.timezone)) })];
    ctx.reply({ text: assembled(ctx, p.content, p.selfCheck, header), choices: p.isAuthor ? [] : [[choice(ctx.t('pledges.menu.status'), `pl:st:${p.cell.id}:${p.pledge.year}`)]] });
  }

  return {
    commands: { camket: start },
    actions: {
      pl: (ctx, [what, a, b, c]) => {
        if (what === 'q') {
          const had = ctx.conv?.flow === 'pledge' || ctx.conv?.flow === 'pledgeCheck';
          if (had) ctx.clearFlow();
          ctx.reply({ text: ctx.t(had ? 'pledges.savedExit' : 'common.nothingToCancel') });
          return;
        }
        if (what === 'r') return read(ctx, parseId(a));
        const cellId = parseId(a);
        const year = Number(b);
        if (!Number.isInteger(year)) throw new DomainError('PLEDGE.NOT_FOUND');
        switch (what) {
          case 'y':
            ctx.clearFlow();
            return menu(ctx, cellId, year);
          case 'w':
            return writeNext(ctx, pledges.mine(ctx.caller, cellId, year), null);
          case 'nx':
            return writeNext(ctx, pledges.mine(ctx.caller, cellId, year), isPledgeSection(c) ? c : null);
          case 'v':
            ctx.clearFlow();
            return view(ctx, pledges.mine(ctx.caller, cellId, year));
          case 'e':
            ctx.clearFlow();
            return pickSection(ctx, pledges.mine(ctx.caller, cellId, year));
          case 'es':
            return editSection(ctx, pledges.mine(ctx.caller, cellId, year), c);
          case 's':
            return submit(ctx, cellId, year);
          case 'wd':
            return withdraw(ctx, cellId, year);
          case 'sc':
            return startSelfCheck(ctx, cellId, year);
          case 'st':
            return status(ctx, cellId, year, Number(c ?? 0), c !== undefined);
        }
        return ctx.run('unknown_command');
      },
    },
    flows: { pledge: typed, pledgeCheck: selfCheckTyped },
  };
}
