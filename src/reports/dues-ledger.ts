import ExcelJS from 'exceljs';
import type { Translate } from '../conversation/i18n.js';
import type { PaymentMethod, ReliefKind, Settlement } from '../domain/dues.js';
import type { DuesCategory } from '../domain/members.js';

export interface LedgerMonth {
  due: number | null;
  paid: number;
  /** ISO date the collector confirmed the last payment. */
  paidOn: string | null;
  methods: PaymentMethod[];
  settlement: Settlement;
  percentOff: number;
  reliefKind: ReliefKind | null;
}

export interface LedgerRow {
  name: string;
  category: DuesCategory;
  /** Index 0 = January; null where the member owed nothing that month (not yet a member). */
  months: (LedgerMonth | null)[];
  totalDue: number;
  totalPaid: number;
  owed: number;
}

export interface LedgerData {
  cellName: string;
  superiorName: string;
  sheets: { year: number; rows: LedgerRow[] }[];
  generatedOn: string;
  collectors: string[];
  secretary: string | null;
}

/** Layout shared with the tests that read the workbook back. */
export const LEDGER = {
  /** First data row; rows 1–3 hold the title, row 4 the month headers, row 5 the sub-headers. */
  firstRow: 6,
  /** Columns A–C: No., name, category; then four columns per month. */
  monthColumn: (monthIndex: number): number => 4 + monthIndex * 4,
  perMonth: ['due', 'paid', 'paidOn', 'how'] as const,
  /** After the twelve months: total due, total paid, owed, signature. */
  totalsColumn: 4 + 12 * 4,
} as const;

const MONEY = '#,##0';
const DATE = 'dd/mm/yyyy';
const thin = { style: 'thin' as const };
const box = { top: thin, left: thin, bottom: thin, right: thin };

/** An ISO date as an Excel date (midnight UTC, so no time zone shifts the day). */
const excelDate = (iso: string): Date => new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))));

/** How a month was paid, as the paper book would say it. */
export function howPaid(m: LedgerMonth, t: Translate): string {
  if (m.due === 0 && m.paid === 0) return m.reliefKind ? t(`dues.relief.short.${m.reliefKind}`) : t('dues.doc.exempt');
  const parts = m.methods.map((x) => t(`dues.method.${x}`));
  if (m.percentOff > 0 && m.percentOff < 100) parts.push(t('dues.doc.reduced', { percent: m.percentOff }));
  if (m.settlement === 'partial') parts.push(t('dues.doc.partial'));
  if (m.settlement === 'over') parts.push(t('dues.doc.over'));
  return parts.join(', ');
}

/** The dues book: one sheet per year, members × months (due, paid, date, how), totals and signature columns. */
export async function buildLedger(data: LedgerData, t: Translate): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = data.cellName;
  wb.title = t('dues.doc.ledgerTitle', { year: data.sheets.at(-1)?.year ?? '' });
  const stamp = excelDate(data.generatedOn);
  wb.created = stamp;
  wb.modified = stamp;
  for (const sheet of data.sheets) addYear(wb, data, sheet.year, sheet.rows, t);
  const buffer = await wb.xlsx.writeBuffer();
  return Buffer.from(buffer as ArrayBuffer);
}

function addYear(wb: ExcelJS.Workbook, data: LedgerData, year: number, rows: LedgerRow[], t: Translate): void {
  const ws = wb.addWorksheet(String(year), {
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    views: [{ state: 'frozen', xSplit: 3, ySplit: 5 }],
  });
  const last = LEDGER.totalsColumn + 3;
  ws.mergeCells(1, 1, 1, last);
  ws.getCell(1, 1).value = t('dues.doc.ledgerTitle', { year });
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.mergeCells(2, 1, 2, last);
  ws.getCell(2, 1).value = t('dues.doc.ledgerSubtitle', { cell: data.cellName, superior: data.superiorName });
  ws.getCell(2, 1).alignment = { horizontal: 'center' };

  const header = (row: number, col: number, text: string, span = 1, rowSpan = 1) => {
    if (span > 1 || rowSpan > 1) ws.mergeCells(row, col, row + rowSpan - 1, col + span - 1);
    const c = ws.getCell(row, col);
    c.value = text;
    c.font = { bold: true };
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    for (let r = row; r < row + rowSpan; r++) for (let k = col; k < col + span; k++) ws.getCell(r, k).border = box;
  };
  header(4, 1, t('dues.doc.no'), 1, 2);
  header(4, 2, t('dues.doc.name'), 1, 2);
  header(4, 3, t('dues.doc.category'), 1, 2);
  for (let i = 0; i < 12; i++) {
    const col = LEDGER.monthColumn(i);
    header(4, col, t('dues.doc.month', { month: i + 1 }), 4);
    header(5, col, t('dues.doc.due'));
    header(5, col + 1, t('dues.doc.paid'));
    header(5, col + 2, t('dues.doc.paidOn'));
    header(5, col + 3, t('dues.doc.how'));
  }
  header(4, LEDGER.totalsColumn, t('dues.doc.totalDue'), 1, 2);
  header(4, LEDGER.totalsColumn + 1, t('dues.doc.totalPaid'), 1, 2);
  header(4, LEDGER.totalsColumn + 2, t('dues.doc.owed'), 1, 2);
  header(4, LEDGER.totalsColumn + 3, t('dues.doc.signature'), 1, 2);

  rows.forEach((r, i) => {
    const row = LEDGER.firstRow + i;
    ws.getCell(row, 1).value = i + 1;
    ws.getCell(row, 2).value = r.name;
    ws.getCell(row, 3).value = t(`dues.category.${r.category}`);
    r.months.forEach((m, k) => {
      if (!m) return;
      const col = LEDGER.monthColumn(k);
      if (m.due !== null) ws.getCell(row, col).value = m.due;
      if (m.paid > 0) ws.getCell(row, col + 1).value = m.paid;
      if (m.paidOn) ws.getCell(row, col + 2).value = excelDate(m.paidOn);
      const how = howPaid(m, t);
      if (how) ws.getCell(row, col + 3).value = how;
    });
    ws.getCell(row, LEDGER.totalsColumn).value = r.totalDue;
    ws.getCell(row, LEDGER.totalsColumn + 1).value = r.totalPaid;
    ws.getCell(row, LEDGER.totalsColumn + 2).value = r.owed;
  });

  // The "Cộng" row: column sums of what was due and paid each month, and of the totals.
  const totalRow = LEDGER.firstRow + rows.length;
  ws.getCell(totalRow, 2).value = t('dues.doc.total');
  ws.getCell(totalRow, 2).font = { bold: true };
  for (let k = 0; k < 12; k++) {
    const col = LEDGER.monthColumn(k);
    ws.getCell(totalRow, col).value = rows.reduce((s, r) => s + (r.months[k]?.due ?? 0), 0);
    ws.getCell(totalRow, col + 1).value = rows.reduce((s, r) => s + (r.months[k]?.paid ?? 0), 0);
  }
  ws.getCell(totalRow, LEDGER.totalsColumn).value = rows.reduce((s, r) => s + r.totalDue, 0);
  ws.getCell(totalRow, LEDGER.totalsColumn + 1).value = rows.reduce((s, r) => s + r.totalPaid, 0);
  ws.getCell(totalRow, LEDGER.totalsColumn + 2).value = rows.reduce((s, r) => s + r.owed, 0);
  ws.getRow(totalRow).font = { bold: true };

  for (let row = LEDGER.firstRow; row <= totalRow; row++) {
    for (let col = 1; col <= last; col++) {
      const c = ws.getCell(row, col);
      c.border = box;
      const offset = col >= 4 && col < LEDGER.totalsColumn ? (col - 4) % 4 : -1;
      if (offset === 0 || offset === 1 || (col >= LEDGER.totalsColumn && col < LEDGER.totalsColumn + 3)) c.numFmt = MONEY;
      if (offset === 2) c.numFmt = DATE;
    }
  }

  ws.getColumn(1).width = 5;
  ws.getColumn(2).width = 26;
  ws.getColumn(3).width = 22;
  for (let k = 0; k < 12; k++) {
    const col = LEDGER.monthColumn(k);
    ws.getColumn(col).width = 10;
    ws.getColumn(col + 1).width = 10;
    ws.getColumn(col + 2).width = 11;
    ws.getColumn(col + 3).width = 14;
  }
  for (let k = 0; k < 3; k++) ws.getColumn(LEDGER.totalsColumn + k).width = 12;
  ws.getColumn(LEDGER.totalsColumn + 3).width = 16;

  // Signatures, as at the foot of the paper book.
  const foot = totalRow + 2;
  ws.getCell(foot, 2).value = t('dues.doc.collectorSign');
  ws.getCell(foot, 2).font = { bold: true };
  ws.getCell(foot + 1, 2).value = t('dues.doc.signHint');
  ws.getCell(foot + 4, 2).value = data.collectors.join(', ');
  const right = LEDGER.monthColumn(9);
  ws.getCell(foot - 1, right).value = t('dues.doc.dateLine', { day: data.generatedOn.slice(8, 10), month: data.generatedOn.slice(5, 7), year: data.generatedOn.slice(0, 4) });
  ws.getCell(foot, right).value = t('dues.doc.secretarySign');
  ws.getCell(foot, right).font = { bold: true };
  ws.getCell(foot + 1, right).value = t('dues.doc.signHint');
  ws.getCell(foot + 4, right).value = data.secretary ?? '';
}
