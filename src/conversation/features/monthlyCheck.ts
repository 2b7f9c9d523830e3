import { DomainError, isDomainError } from '../../domain/errors.js';
import { addMonths, criteria, isCriterion, monthOfIso, nextUnmarked, parseCheckMonth, type CheckResult, type Criterion } from '../../domain/monthlyCheck.js';
import type { IndicatorReading } from '../../services/indicators.js';
import { monthLabel, type MonthlyCheckService, type MonthlyCheckView } from '../../services/monthlyCheck.js';
import type { Ctx, Feature } from '../context.js';
import { choice, type Choice } from '../message.js';
import { cancelRow, parseId, requirePrivate, withCell } from './shared.js';

export interface MonthlyCheckFeatureDeps {
  monthlyCheck: MonthlyCheckService;
}

const viewers = ['secretary', 'deputy', 'committee'] as const;
/** How long after a criterion card was shown typed text still counts as its note. */
const NOTE_WINDOW_MS = 2 * 3_600_000;

/**
 * `/danhgiathang`: the monthly 4 Tốt check. A board shows the four criteria with their marks,
 * notes and the indicators the data supports; the secretary or deputy walks through them, pressing
 * Đạt / Không đạt (typing the number on Zalo) and typing a note when there is one.
 */
export function monthlyCheckFeature(deps: MonthlyCheckFeatureDeps): Feature {
  const { monthlyCheck } = deps;

  function start(ctx: Ctx, args: string): Promise<void> | void {
    if (!requirePrivate(ctx)) return;
    return withCell(ctx, 'danhgiathang', viewers, (cellId) => {
      const typed = args.trim() ? parseCheckMonth(args, monthlyCheck.today(cellId)) : null;
      if (typed) return board(ctx, cellId, typed);
      pickMonth(ctx, cellId);
    });
  }

  function pickMonth(ctx: Ctx, cellId: number): void {
    const current = monthOfIso(monthlyCheck.today(cellId));
    const previous = addMonths(current, -1);
    // Reading the board checks the caller may see the check at all.
    monthlyCheck.view(ctx.caller, cellId, current);
    ctx.reply({
      text: ctx.t('monthlyCheck.pickMonth'),
      choices: [
        [choice(ctx.t('monthlyCheck.thisMonth', { month: monthLabel(current) }), `mc:m:${cellId}:${current}`)],
        [choice(ctx.t('monthlyCheck.lastMonth', { month: monthLabel(previous) }), `mc:m:${cellId}:${previous}`)],
        [choice(ctx.t('monthlyCheck.otherMonth'), `mc:o:${cellId}`)],
      ],
    });
  }

  function resultText(ctx: Ctx, result: CheckResult | null): string {
    return ctx.t(result === 'met' ? 'monthlyCheck.result.met' : result === 'notMet' ? 'monthlyCheck.result.notMet' : 'monthlyCheck.result.none');
  }

  function indicatorLines(ctx: Ctx, readings: IndicatorReading[]): string[] {
    if (readings.length === 0) return [`   ${ctx.t('monthlyCheck.noIndicators')}`];
    return readings.map((r) => `   • ${r.label}: ${r.value}${r.target ? ` (${ctx.t('monthlyCheck.target', { target: r.target })})` : ''}`);
  }

  function board(ctx: Ctx, cellId: number, month: string, opts: { replace?: boolean; prefix?: string } = {}): void {
    const v = monthlyCheck.view(ctx.caller, cellId, month);
    const indicators = monthlyCheck.indicators(ctx.caller, cellId, month, ctx.t);
    const lines = [ctx.t('monthlyCheck.boardTitle', { month: monthLabel(v.month), cell: v.cell.name })];
    if (opts.prefix) lines.unshift(opts.prefix, '');
    for (const m of v.marks) {
      lines.push('', `${m.criterion}. ${ctx.t(`monthlyCheck.criterion.${m.criterion}`)}: ${resultText(ctx, m.result)}`);
      if (m.note) lines.push(`   ${ctx.t('monthlyCheck.noteLine', { note: m.note })}`);
      lines.push(...indicatorLines(ctx, indicators[m.criterion]));
    }
    lines.push('', ctx.t(v.summary.complete ? 'monthlyCheck.summaryComplete' : 'monthlyCheck.summaryPartial', { met: v.summary.met, notMet: v.summary.notMet, unmarked: v.summary.unmarked }));
    const rows: Choice[][] = [];
    if (v.canMark) {
      const next = nextUnmarked(v.marks);
      if (next !== null) rows.push([choice(ctx.t('monthlyCheck.walk'), `mc:c:${cellId}:${v.month}:${next}`)]);
      rows.push(criteria.map((c) => choice(ctx.t('monthlyCheck.criterionButton', { n: c }), `mc:c:${cellId}:${v.month}:${c}`)));
      lines.push('', ctx.t('monthlyCheck.boardHint'));
    }
    ctx.reply({ text: lines.join('\n'), choices: rows, replaceOrigin: opts.replace === true });
  }

  /** One criterion: its plan points, indicators, current mark; Đạt / Không đạt; a typed message becomes its note. */
  function criterionCard(ctx: Ctx, cellId: number, month: string, c: Criterion, opts: { replace?: boolean; prefix?: string } = {}): void {
    const v: MonthlyCheckView = monthlyCheck.view(ctx.caller, cellId, month);
    if (!v.canMark) throw new DomainError('AUTH.FORBIDDEN');
    const readings = monthlyCheck.indicators(ctx.caller, cellId, month, ctx.t)[c];
    const mark = v.marks.find((m) => m.criterion === c);
    ctx.setFlow('monthlyCheck', 'note', { cellId, month: v.month, criterion: c, at: ctx.deps.clock.now() }, cellId);
    const lines = [
      ctx.t('monthlyCheck.cardTitle', { n: c, month: monthLabel(v.month), name: ctx.t(`monthlyCheck.criterion.${c}`) }),
      ctx.t(`monthlyCheck.describe.${c}`),
      '',
      ctx.t('monthlyCheck.indicatorsTitle'),
      ...indicatorLines(ctx, readings),
      '',
      ctx.t('monthlyCheck.current', { result: resultText(ctx, mark?.result ?? null) }),
    ];
    if (mark?.note) lines.push(ctx.t('monthlyCheck.noteLine', { note: mark.note }));
    lines.push('', ctx.t('monthlyCheck.cardHint'));
    if (opts.prefix) lines.unshift(opts.prefix, '');
    ctx.reply({
      text: lines.join('\n'),
      choices: [
        [choice(ctx.t('monthlyCheck.met'), `mc:r:${cellId}:${v.month}:${c}:1`), choice(ctx.t('monthlyCheck.notMet'), `mc:r:${cellId}:${v.month}:${c}:0`)],
        [choice(ctx.t('monthlyCheck.toBoard'), `mc:m:${cellId}:${v.month}`)],
      ],
      replaceOrigin: opts.replace === true,
    });
  }

  function mark(ctx: Ctx, cellId: number, month: string, c: number, met: boolean): void {
    const v = monthlyCheck.mark(ctx.caller, cellId, month, c, met ? 'met' : 'notMet');
    const done = ctx.t('monthlyCheck.marked', { n: c, result: resultText(ctx, met ? 'met' : 'notMet') });
    ctx.toast = done;
    const next = isCriterion(c) ? nextUnmarked(v.marks, c) : null;
    if (next !== null) return criterionCard(ctx, cellId, v.month, next, { replace: true, prefix: done });
    ctx.clearFlow();
    board(ctx, cellId, v.month, { replace: true, prefix: v.summary.complete ? ctx.t('monthlyCheck.allMarked', { month: monthLabel(v.month) }) : done });
  }

  /** Typed text: on a criterion card it is the note; asked for a month, it is the month. */
  function typed(ctx: Ctx, step: string, text: string, data: Record<string, unknown>): Promise<void> | void {
    const cellId = parseId(String(data.cellId));
    if (step === 'month') {
      const month = parseCheckMonth(text, monthlyCheck.today(cellId));
      if (!month) {
        ctx.reply({ text: `${ctx.t('errors.MONTHLY_CHECK.MONTH_INVALID')}\n${ctx.t('monthlyCheck.askMonth')}`, choices: [cancelRow(ctx)] });
        return;
      }
      ctx.clearFlow();
      return board(ctx, cellId, month);
    }
    const month = String(data.month);
    const c = Number(data.criterion);
    // A card left open for hours: what is typed now is not meant as its note.
    if (ctx.deps.clock.now() - Number(data.at ?? 0) > NOTE_WINDOW_MS) {
      ctx.clearFlow();
      return ctx.run('free_text', text);
    }
    try {
      monthlyCheck.note(ctx.caller, cellId, month, c, text);
    } catch (err) {
      if (isDomainError(err) && (err.code === 'MONTHLY_CHECK.NOTE_INVALID' || err.code === 'MEMBER.ID_NUMBER')) {
        ctx.reply({ text: `${ctx.t(`errors.${err.code}`)}\n${ctx.t('monthlyCheck.cardHint')}` });
        return;
      }
      ctx.clearFlow();
      throw err;
    }
    if (!isCriterion(c)) throw new DomainError('MONTHLY_CHECK.CRITERION_INVALID');
    criterionCard(ctx, cellId, month, c, { prefix: ctx.t(text.trim() === '-' ? 'monthlyCheck.noteCleared' : 'monthlyCheck.noteSaved', { n: c }) });
  }

  return {
    commands: { danhgiathang: start },
    actions: {
      mc: (ctx, [what, cell, month, c, r]) => {
        const cellId = parseId(cell);
        switch (what) {
          case 'm':
            ctx.clearFlow();
            return board(ctx, cellId, String(month));
          case 'o':
            monthlyCheck.view(ctx.caller, cellId, monthOfIso(monthlyCheck.today(cellId)));
            ctx.setFlow('monthlyCheck', 'month', { cellId }, cellId);
            ctx.reply({ text: ctx.t('monthlyCheck.askMonth'), choices: [cancelRow(ctx)] });
            return;
          case 'c': {
            const n = Number(c);
            if (!isCriterion(n)) throw new DomainError('MONTHLY_CHECK.CRITERION_INVALID');
            return criterionCard(ctx, cellId, String(month), n);
          }
          case 'r':
            return mark(ctx, cellId, String(month), Number(c), r === '1');
        }
        return ctx.run('unknown_command');
      },
    },
    flows: { monthlyCheck: typed },
  };
}
