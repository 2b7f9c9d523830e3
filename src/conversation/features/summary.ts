import { DomainError } from '../../domain/errors.js';
import { parseRange, periodKinds, periodOf, type PeriodKind, type SummaryPeriod } from '../../domain/summary.js';
import { formulaText, scorecardText, summaryText } from '../../reports/summary-text.js';
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

  function pick(ctx: Ctx, cellId: number): void {
    // Asking for the period already checks the caller may read the summary.
    summary.view(ctx.caller, cellId, periodOf('month', summary.today(cellId)));
    const rows: Choice[][] = periodKinds.map((k) => [choice(ctx.t(`summary.periods.${k}`), `tk:p:${cellId}:${k}`)]);
    rows.push([choice(ctx.t('summary.periods.range'), `tk:r:${cellId}`)]);
    ctx.reply({ text: ctx.t('summary.pickPeriod'), choices: rows });
  }

  function show(ctx: Ctx, cellId: number, period: SummaryPeriod): void {
    const cs = summary.view(ctx.caller, cellId, period);
    ctx.clearFlow();
    const p = pack(period);
    ctx.reply({
      text: summaryText(ctx.t, cs),
      choices: [[choice(ctx.t('summary.scorecardButton'), `tk:s:${cellId}:${p}`)], [choice(ctx.t('summary.formulaButton'), `tk:f:${cellId}`)]],
    });
  }

  return {
    commands: { tongket: start },
    actions: {
      tk: (ctx, parts) => {
        const [op, cellPart, a, b] = parts;
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
