import { DomainError } from '../../domain/errors.js';
import { dmy, parseRange, periodKinds, periodOf, type PeriodKind, type SummaryPeriod } from '../../domain/summary.js';
import { buildSummaryChart } from '../../reports/chart.js';
import { buildSummaryReport, buildSummaryWorkbook, fileBase } from '../../reports/summary-files.js';
import { formulaText, rollupText, scorecardText, summaryText } from '../../reports/summary-text.js';
import type { SummaryService } from '../../services/summary.js';
import type { Ctx, Feature } from '../context.js';
import { choice, type Choice } from '../message.js';
import { cancelRow, parseId, requirePrivate, withCell } from './shared.js';

export interface SummaryFeatureDeps {
  summary: SummaryService;
}

const leaders = ['secretary', 'deputy'] as const;

/** Periods travel in actions as yyyymmdd pairs: `tk:v:<cell>:<from>:<to>` stays far below 64 bytes. */
const pack = (p: SummaryPeriod): string => `${p.from.replace(/-/g, '')}:${p.to.replace(/-/g, '')}`;
function unpack(from: string | undefined, to: string | undefined): SummaryPeriod {
  const iso = (x: string | undefined): string => {
    if (!x || !/^\d{8}$/.test(x)) throw new DomainError('SUMMARY.BAD_PERIOD');
    return `${x.slice(0, 4)}-${x.slice(4, 6)}-${x.slice(6, 8)}`;
  };
  const p = { from: iso(from), to: iso(to) };
  if (p.from > p.to) throw new DomainError('SUMMARY.BAD_PERIOD');
  return p;
}

/**
 * `/tongket` (secretary and deputy, private chat): choose a period → the summary in one message
 * (the channel splits it where it is too long) → the scorecard, the score's formula, the files.
 */
export function summaryFeature(deps: SummaryFeatureDeps): Feature {
  const { summary } = deps;

  function start(ctx: Ctx, args: string): Promise<void> | void {
    if (!requirePrivate(ctx)) return;
    // Bot admins (the superior committee) without a leading role anywhere get the roll-up of every cell.
    if (ctx.caller.isAdmin && ctx.picked === null && !leadsACell(ctx)) return pickRollup(ctx);
    return withCell(ctx, 'tongket', leaders, (cellId) => {
      const typed = args.trim();
      if (typed) {
        const range = parseRange(typed);
        if (!range) {
          ctx.reply({ text: ctx.t('summary.badRange') });
          return;
        }
        return show(ctx, cellId, range);
      }
      pick(ctx, cellId);
    });
  }

  function leadsACell(ctx: Ctx): boolean {
    return ctx.deps.services.cells.cellsOf(ctx.caller.personId).some((c) => c.status === 'active' && (leaders as readonly string[]).includes(c.role));
  }

  function pickRollup(ctx: Ctx): void {
    const rows: Choice[][] = periodKinds.map((k) => [choice(ctx.t(`summary.periods.${k}`), `tk:a:${k}`)]);
    ctx.reply({ text: ctx.t('summary.rollup.pick'), choices: rows });
  }

  function pick(ctx: Ctx, cellId: number): void {
    // Asking for the period already checks the caller may read the summary.
    summary.view(ctx.caller, cellId, periodOf('month', summary.today(cellId)));
    const rows: Choice[][] = periodKinds.map((k) => [choice(ctx.t(`summary.periods.${k}`), `tk:p:${cellId}:${k}`)]);
    rows.push([choice(ctx.t('summary.periods.range'), `tk:r:${cellId}`)]);
    if (ctx.caller.isAdmin) rows.push([choice(ctx.t('summary.rollupButton'), 'tk:a')]);
    ctx.reply({ text: ctx.t('summary.pickPeriod'), choices: rows });
  }

  function show(ctx: Ctx, cellId: number, period: SummaryPeriod): void {
    const cs = summary.view(ctx.caller, cellId, period);
    ctx.clearFlow();
    const p = pack(period);
    ctx.reply({
      text: summaryText(ctx.t, cs),
      choices: [[choice(ctx.t('summary.scorecardButton'), `tk:s:${cellId}:${p}`)], [choice(ctx.t('summary.filesButton'), `tk:x:${cellId}:${p}`), choice(ctx.t('summary.chartButton'), `tk:c:${cellId}:${p}`)], [choice(ctx.t('summary.formulaButton'), `tk:f:${cellId}`)]],
    });
  }

  return {
    commands: { tongket: start },
    actions: {
      tk: async (ctx, parts) => {
        const [op, cellPart, a, b] = parts;
        if (op === 'a') {
          if (!cellPart) return pickRollup(ctx);
          if (!periodKinds.includes(cellPart as PeriodKind)) throw new DomainError('SUMMARY.BAD_PERIOD');
          // The roll-up's periods follow the default time zone: cells of one deployment share it.
          const today = summary.todayDefault();
          const period = periodOf(cellPart as PeriodKind, today);
          ctx.reply({ text: rollupText(ctx.t, summary.rollup(ctx.caller, period), period) });
          return;
        }
        const cellId = parseId(cellPart);
        switch (op) {
          case 'p': {
            if (!periodKinds.includes(a as PeriodKind)) throw new DomainError('SUMMARY.BAD_PERIOD');
            return show(ctx, cellId, periodOf(a as PeriodKind, summary.today(cellId)));
          }
          case 'r':
            summary.view(ctx.caller, cellId, periodOf('month', summary.today(cellId)));
            ctx.setFlow('summary', 'range', { cellId }, cellId);
            ctx.reply({ text: ctx.t('summary.askRange'), choices: [cancelRow(ctx)] });
            return;
          case 'v':
            return show(ctx, cellId, unpack(a, b));
          case 's': {
            const period = unpack(a, b);
            const cs = summary.view(ctx.caller, cellId, period);
            ctx.reply({ text: scorecardText(ctx.t, cs, summary.scorecard(ctx.caller, cellId, period, ctx.t)) });
            return;
          }
          case 'x': {
            const period = unpack(a, b);
            const cs = summary.view(ctx.caller, cellId, period);
            const card = summary.scorecard(ctx.caller, cellId, period, ctx.t);
            const [xlsx, docx] = await Promise.all([buildSummaryWorkbook(ctx.t, cs), buildSummaryReport(ctx.t, cs, card)]);
            const base = fileBase(cs);
            ctx.reply({
              text: ctx.t('summary.files.caption', { from: dmy(period.from), to: dmy(period.to) }),
              attachments: [
                { kind: 'document', filename: `${base}.xlsx`, mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: xlsx },
                { kind: 'document', filename: `${base}.docx`, mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', data: docx },
              ],
            });
            return;
          }
          case 'c': {
            const period = unpack(a, b);
            const cs = summary.view(ctx.caller, cellId, period);
            ctx.reply({
              text: ctx.t('summary.chart.caption', { from: dmy(period.from), to: dmy(period.to) }),
              attachments: [{ kind: 'photo', filename: `${fileBase(cs)}.png`, mime: 'image/png', data: buildSummaryChart(ctx.t, cs) }],
            });
            return;
          }
          case 'f':
            summary.view(ctx.caller, cellId, periodOf('month', summary.today(cellId)));
            ctx.reply({ text: formulaText(ctx.t) });
            return;
          default:
            throw new DomainError('SUMMARY.BAD_PERIOD');
        }
      },
    },
    flows: {
      summary: (ctx, step, text, data) => {
        const cellId = parseId(String(data.cellId));
        if (step !== 'range') return ctx.clearFlow();
        const range = parseRange(text);
        if (!range) {
          ctx.reply({ text: ctx.t('summary.badRange'), choices: [cancelRow(ctx)] });
          return;
        }
        show(ctx, cellId, range);
      },
    },
  };
}
