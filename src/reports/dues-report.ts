import { AlignmentType, Document, Packer, PageOrientation, Paragraph, Table, TableBorders, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { formatMoney } from '../conversation/format.js';
import type { Translate } from '../conversation/i18n.js';
import { formatMonth, type Month, type PaymentMethod } from '../domain/dues.js';

export type ReportPeriod = { kind: 'month'; month: Month } | { kind: 'quarter'; year: number; quarter: number };

export interface ReportRow {
  name: string;
  /** Per month of the period: what was due (null = unknown or not a member yet) and what was confirmed. */
  due: (number | null)[];
  paid: number[];
  totalDue: number;
  totalPaid: number;
  exempt: boolean;
  percentOff: number;
  methods: PaymentMethod[];
  paidOn: string | null;
}

export interface ReportData {
  cellName: string;
  superiorName: string;
  period: ReportPeriod;
  months: Month[];
  rows: ReportRow[];
  counts: { members: number; owing: number; exempt: number; paidFull: number; notPaid: number };
  totals: { due: number; collected: number; kept: number; up: number; shareKept: number };
  generatedOn: string;
  collectors: string[];
  secretary: string | null;
}

const ROMAN = ['I', 'II', 'III', 'IV'];
const dmy = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const percent = (share: number): string => `${Math.round(share * 100)} %`;

/** "tháng 11/2026" or "quý IV năm 2026". */
export function periodLabel(p: ReportPeriod, t: Translate): string {
  return p.kind === 'month' ? t('dues.doc.periodMonth', { month: formatMonth(p.month) }) : t('dues.doc.periodQuarter', { quarter: ROMAN[p.quarter - 1] ?? String(p.quarter), year: p.year });
}

const text = (s: string, opts: { bold?: boolean; italics?: boolean; underline?: boolean; size?: number } = {}): TextRun =>
  new TextRun({ text: s, bold: opts.bold ?? false, italics: opts.italics ?? false, ...(opts.underline ? { underline: {} } : {}), ...(opts.size ? { size: opts.size } : {}) });

const para = (s: string, opts: { bold?: boolean; italics?: boolean; underline?: boolean; center?: boolean; right?: boolean; size?: number } = {}): Paragraph =>
  new Paragraph({ alignment: opts.center ? AlignmentType.CENTER : opts.right ? AlignmentType.RIGHT : AlignmentType.LEFT, children: [text(s, opts)] });

const cell = (s: string, opts: { bold?: boolean; center?: boolean; right?: boolean; span?: number } = {}): TableCell =>
  new TableCell({ children: [para(s, opts)], ...(opts.span ? { columnSpan: opts.span } : {}) });

/** Header block: the superior and the cell on the left, the Party's name and the date on the right. */
function heading(data: ReportData, t: Translate): Table {
  const [y, m, d] = [data.generatedOn.slice(0, 4), data.generatedOn.slice(5, 7), data.generatedOn.slice(8, 10)];
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: TableBorders.NONE,
    rows: [
      new TableRow({
        children: [
          new TableCell({ borders: TableBorders.NONE, children: [para(data.superiorName.toUpperCase(), { center: true }), para(data.cellName.toUpperCase(), { bold: true, center: true }), para('*', { center: true })] }),
          new TableCell({ borders: TableBorders.NONE, children: [para(t('dues.doc.party'), { bold: true, underline: true, center: true }), para(t('dues.doc.dateLine', { day: d, month: m, year: y }), { italics: true, center: true })] }),
        ],
      }),
    ],
  });
}

function detailTable(data: ReportData, t: Translate): Table {
  const monthly = data.period.kind === 'month';
  const head = monthly
    ? [t('dues.doc.no'), t('dues.doc.name'), t('dues.doc.due'), t('dues.doc.paid'), t('dues.doc.paidOn'), t('dues.doc.how')]
    : [t('dues.doc.no'), t('dues.doc.name'), ...data.months.map((m) => t('dues.doc.paidIn', { month: formatMonth(m) })), t('dues.doc.due'), t('dues.doc.paid'), t('dues.doc.note')];
  const rows = data.rows.map((r, i) => {
    const note = r.exempt ? t('dues.doc.exempt') : [r.percentOff > 0 && r.percentOff < 100 ? t('dues.doc.reduced', { percent: r.percentOff }) : '', r.totalPaid < r.totalDue ? t('dues.doc.short', { amount: formatMoney(r.totalDue - r.totalPaid) }) : '', r.totalPaid > r.totalDue ? t('dues.doc.over') : ''].filter(Boolean).join(', ');
    const cells = monthly
      ? [String(i + 1), r.name, formatMoney(r.totalDue), r.totalPaid > 0 ? formatMoney(r.totalPaid) : '', r.paidOn ? dmy(r.paidOn) : '', [...r.methods.map((x) => t(`dues.method.${x}`)), note].filter(Boolean).join(', ')]
      : [String(i + 1), r.name, ...r.paid.map((p) => (p > 0 ? formatMoney(p) : '')), formatMoney(r.totalDue), r.totalPaid > 0 ? formatMoney(r.totalPaid) : '', note];
    return new TableRow({ children: cells.map((c, k) => cell(c, { right: k >= 2 && k < cells.length - (monthly ? 2 : 1), center: k === 0 })) });
  });
  const totalCells = monthly
    ? [cell(t('dues.doc.total'), { bold: true, span: 2 }), cell(formatMoney(data.totals.due), { bold: true, right: true }), cell(formatMoney(data.totals.collected), { bold: true, right: true }), cell(''), cell('')]
    : [
        cell(t('dues.doc.total'), { bold: true, span: 2 }),
        ...data.months.map((_, k) => cell(formatMoney(data.rows.reduce((s, r) => s + (r.paid[k] ?? 0), 0)), { bold: true, right: true })),
        cell(formatMoney(data.totals.due), { bold: true, right: true }),
        cell(formatMoney(data.totals.collected), { bold: true, right: true }),
        cell(''),
      ];
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: head.map((h) => cell(h, { bold: true, center: true })) }), ...rows, new TableRow({ children: totalCells })],
  });
}

function signatures(data: ReportData, t: Translate): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: TableBorders.NONE,
    rows: [
      new TableRow({
        children: [
          new TableCell({ borders: TableBorders.NONE, children: [para(t('dues.doc.collectorSign').toUpperCase(), { bold: true, center: true }), para(t('dues.doc.signHint'), { italics: true, center: true }), para(''), para(''), para(data.collectors.join(', '), { bold: true, center: true })] }),
          new TableCell({ borders: TableBorders.NONE, children: [para(t('dues.doc.onBehalf'), { bold: true, center: true }), para(t('dues.doc.secretaryTitle'), { bold: true, center: true }), para(''), para(''), para(data.secretary ?? '', { bold: true, center: true })] }),
        ],
      }),
    ],
  });
}

/** The monthly or quarterly dues report to the superior committee: members, amount collected, share kept, amount sent up. */
export async function buildReport(data: ReportData, t: Translate): Promise<Buffer> {
  const c = data.counts;
  const s = data.totals;
  const doc = new Document({
    creator: data.cellName,
    title: `${t('dues.doc.reportTitle')} ${periodLabel(data.period, t)}`,
    styles: { default: { document: { run: { font: 'Times New Roman', size: 26 } } } },
    sections: [
      {
        properties: { page: { size: { orientation: data.period.kind === 'quarter' ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT } } },
        children: [
          heading(data, t),
          para(''),
          para(t('dues.doc.reportTitle'), { bold: true, center: true, size: 30 }),
          para(periodLabel(data.period, t), { bold: true, center: true }),
          para(''),
          para(t('dues.doc.sectionMembers'), { bold: true }),
          para(t('dues.doc.countMembers', { n: c.members })),
          para(t('dues.doc.countOwing', { n: c.owing })),
          para(t('dues.doc.countExempt', { n: c.exempt })),
          para(t('dues.doc.countPaid', { n: c.paidFull })),
          para(t('dues.doc.countNotPaid', { n: c.notPaid })),
          para(t('dues.doc.sectionMoney'), { bold: true }),
          para(t('dues.doc.sumDue', { amount: formatMoney(s.due) })),
          para(t('dues.doc.sumCollected', { amount: formatMoney(s.collected) })),
          para(t('dues.doc.sumKept', { share: percent(s.shareKept), amount: formatMoney(s.kept) })),
          para(t('dues.doc.sumUp', { amount: formatMoney(s.up) })),
          para(t('dues.doc.sectionDetail'), { bold: true }),
          detailTable(data, t),
          para(''),
          signatures(data, t),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
