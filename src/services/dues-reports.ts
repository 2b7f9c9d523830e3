import { isoDateIn } from '../conversation/format.js';
import type { Translate } from '../conversation/i18n.js';
import { isMonth, monthOf, monthsFromTo, monthsOfQuarter, splitShare, type Month, type PaymentMethod } from '../domain/dues.js';
import { DomainError } from '../domain/errors.js';
import type { DuesCategory } from '../domain/members.js';
import { buildLedger, type LedgerData, type LedgerRow } from '../reports/dues-ledger.js';
import { buildReport, type ReportData, type ReportPeriod, type ReportRow } from '../reports/dues-report.js';
import type { Caller, ServiceDeps } from './context.js';
import type { DuesService, MonthLine } from './dues.js';

export interface DuesFile {
  filename: string;
  mime: string;
  data: Buffer;
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const methodsOf = (line: MonthLine): PaymentMethod[] => [...new Set(line.payments.filter((p) => p.status === 'confirmed').map((p) => p.method))];
const lastPaidOn = (line: MonthLine): string | null =>
  line.payments
    .filter((p) => p.status === 'confirmed' && p.paidOn)
    .map((p) => p.paidOn as string)
    .sort()
    .pop() ?? null;

/**
 * The dues book (sổ thu đảng phí) as an Excel workbook, one sheet per year, and the monthly or
 * quarterly report to the superior committee as a Word document, in the cell's language (Vietnamese
 * by default), with Vietnamese number and date formats.
 */
export class DuesReports {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly dues: DuesService,
  ) {}

  private t(cellId: number): Translate {
    return this.deps.translator.for(this.dues.cell(cellId).locale);
  }

  private names(cellId: number): { collectors: string[]; secretary: string | null } {
    const active = this.deps.repos.members.list(cellId, ['active']);
    return { collectors: active.filter((m) => m.collectsDues).map((m) => m.fullName), secretary: active.find((m) => m.role === 'secretary')?.fullName ?? null };
  }

  /** Every member who owed something in the period, plus everyone active, in name order. */
  private people(cellId: number, lines: Map<number, MonthLine[]>): { id: number; name: string; category: DuesCategory }[] {
    const rows = this.deps.repos.members.list(cellId, ['active', 'left']).filter((m) => m.status === 'active' || (lines.get(m.id)?.length ?? 0) > 0);
    return rows.map((m) => ({ id: m.id, name: m.fullName, category: (lines.get(m.id) ?? []).at(-1)?.category ?? m.duesCategory }));
  }

  ledgerData(caller: Caller, cellId: number): LedgerData {
    this.dues.requireManager(caller, cellId, 'dues.export');
    const cell = this.dues.cell(cellId);
    const now = this.deps.clock.now();
    const today = isoDateIn(now, cell.timezone);
    this.dues.ensureCharges(cellId, monthOf(today), now);
    const all = this.dues.linesInCell(cellId);
    const years = [...new Set([...all.values()].flat().map((l) => Number(l.month.slice(0, 4))))].sort();
    if (years.length === 0) years.push(Number(today.slice(0, 4)));
    const sheets = years.map((year) => {
      const lines = this.dues.linesInCell(cellId, `${year}-01`, `${year}-12`);
      const rows: LedgerRow[] = this.people(cellId, lines).map((p) => {
        const mine = lines.get(p.id) ?? [];
        const months = monthsFromTo(`${year}-01`, `${year}-12`).map((m) => {
          const l = mine.find((x) => x.month === m);
          return l ? { due: l.due, paid: l.confirmed, paidOn: lastPaidOn(l), methods: methodsOf(l), settlement: l.settlement, percentOff: l.percentOff, reliefKind: l.reliefKind } : null;
        });
        const totalDue = mine.reduce((s, l) => s + (l.due ?? 0), 0);
        const totalPaid = mine.reduce((s, l) => s + l.confirmed, 0);
        // Only months already over count as owed; the current month is still open.
        const owed = mine.filter((l) => l.month < monthOf(today)).reduce((s, l) => s + Math.max(0, (l.due ?? 0) - l.confirmed), 0);
        return { name: p.name, category: p.category, months, totalDue, totalPaid, owed };
      });
      return { year, rows };
    });
    return { cellName: cell.name, superiorName: cell.superiorName, sheets, generatedOn: today, ...this.names(cellId) };
  }

  async ledger(caller: Caller, cellId: number): Promise<DuesFile> {
    const data = this.ledgerData(caller, cellId);
    const last = data.sheets.at(-1)?.year ?? 0;
    return { filename: `so-thu-dang-phi-${last}.xlsx`, mime: XLSX_MIME, data: await buildLedger(data, this.t(cellId)) };
  }

  reportData(caller: Caller, cellId: number, period: ReportPeriod): ReportData {
    this.dues.requireManager(caller, cellId, 'dues.export');
    const cell = this.dues.cell(cellId);
    const now = this.deps.clock.now();
    const today = isoDateIn(now, cell.timezone);
    const months: Month[] = period.kind === 'month' ? [period.month] : monthsOfQuarter(period.year, period.quarter);
    if (!months.every(isMonth) || (period.kind === 'quarter' && (period.quarter < 1 || period.quarter > 4))) throw new DomainError('DUES.MONTH_INVALID');
    this.dues.ensureCharges(cellId, monthOf(today), now);
    const from = months[0] as Month;
    const to = months[months.length - 1] as Month;
    const lines = this.dues.linesInCell(cellId, from, to);
    const shareKept = this.dues.shareKept(cellId);
    const rows: ReportRow[] = this.people(cellId, lines)
      .filter((p) => (lines.get(p.id)?.length ?? 0) > 0)
      .map((p) => {
        const mine = lines.get(p.id) ?? [];
        const cells = months.map((m) => mine.find((l) => l.month === m) ?? null);
        const totalDue = cells.reduce((s, l) => s + (l?.due ?? 0), 0);
        const totalPaid = cells.reduce((s, l) => s + (l?.confirmed ?? 0), 0);
        const exempt = cells.every((l) => l === null || l.due === 0);
        const methods = [...new Set(cells.flatMap((l) => (l ? methodsOf(l) : [])))];
        const paidOn = cells.map((l) => (l ? lastPaidOn(l) : null)).filter((d): d is string => d !== null).sort().pop() ?? null;
        return {
          name: p.name,
          due: cells.map((l) => l?.due ?? null),
          paid: cells.map((l) => l?.confirmed ?? 0),
          totalDue,
          totalPaid,
          exempt,
          percentOff: Math.max(0, ...cells.map((l) => (l && l.due !== 0 ? l.percentOff : 0))),
          methods,
          paidOn,
        };
      });
    const collected = rows.reduce((s, r) => s + r.totalPaid, 0);
    const share = splitShare(collected, shareKept);
    const owing = rows.filter((r) => !r.exempt);
    return {
      cellName: cell.name,
      superiorName: cell.superiorName,
      period,
      months,
      rows,
      counts: {
        members: rows.length,
        owing: owing.length,
        exempt: rows.length - owing.length,
        paidFull: owing.filter((r) => r.totalPaid > 0 && r.totalPaid >= r.totalDue).length,
        notPaid: owing.filter((r) => r.totalPaid === 0 || r.totalPaid < r.totalDue).length,
      },
      totals: { due: rows.reduce((s, r) => s + r.totalDue, 0), collected, kept: share.kept, up: share.up, shareKept },
      generatedOn: today,
      ...this.names(cellId),
    };
  }

  async report(caller: Caller, cellId: number, period: ReportPeriod): Promise<DuesFile> {
    const data = this.reportData(caller, cellId, period);
    const name = period.kind === 'month' ? `bao-cao-dang-phi-${period.month}.docx` : `bao-cao-dang-phi-${period.year}-quy-${period.quarter}.docx`;
    return { filename: name, mime: DOCX_MIME, data: await buildReport(data, this.t(cellId)) };
  }
}
