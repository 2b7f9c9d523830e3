/**
 * The member roll as files: the words a secretary may write (from every locale), reading an
 * Excel or CSV file into a raw grid for the roster rules, the empty template, the export that
 * can be edited and imported again unchanged, and the printable sheet of personal invites.
 */
import { parse as parseCsv, type Info } from 'csv-parse/sync';
import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  Footer,
  ImageRun,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
  convertMillimetersToTwip,
} from 'docx';
import ExcelJS from 'exceljs';
import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { locales, type Translate, type Translator } from '../conversation/i18n.js';
import { DomainError } from '../domain/errors.js';
import { duesCategories, exemptionKinds, memberships, reviewForms } from '../domain/members.js';
import { roles } from '../domain/roles.js';
import { cellText, currentExemption, ROSTER_MAX_ROWS, rosterFields, type RawCell, type RawGrid, type RosterField, type RosterRecord, type RosterVocabulary } from '../domain/roster.js';
import { fold } from '../domain/text.js';

// ---------------------------------------------------------------------------------------------
// vocabulary

/** The groups of values with a word list, as named under `rosterFiles.choices` and `rosterFiles.valueAliases`. */
const valueGroups = {
  role: { values: roles, labels: (v: string) => `roles.${v}` },
  membership: { values: memberships, labels: (v: string) => `members.membership.${v}` },
  exemption: { values: exemptionKinds, labels: (v: string) => `members.exemption.${v}` },
  duesCategory: { values: duesCategories, labels: (v: string) => `members.duesCategory.${v}` },
  reviewForm: { values: reviewForms, labels: (v: string) => `members.reviewForm.${v}` },
} as const;
type ValueGroup = keyof typeof valueGroups;

/** "a|b| c" from several locales → ["a", "b", "c"], NFC, without repeats. */
function words(texts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const text of texts) for (const w of text.split('|')) if (w.trim() !== '') out.add(w.normalize('NFC').replace(/\s+/g, ' ').trim());
  return [...out];
}

/** Every word a secretary may write, from every locale: column labels and aliases, value labels, short forms. */
export function rosterVocabulary(translator: Translator): RosterVocabulary {
  const ts = locales.map((l) => translator.for(l));
  // A missing key comes back as the key itself: never a word anyone writes.
  const all = (...keys: string[]): string[] => words(keys.flatMap((k) => ts.map((t) => t(k)).filter((v) => v !== k)));
  const group = <T extends string>(name: ValueGroup, values: readonly T[]): Record<T, string[]> => {
    const labels = valueGroups[name].labels;
    return Object.fromEntries(values.map((v) => [v, all(labels(v), `rosterFiles.choices.${name}.${v}`, `rosterFiles.valueAliases.${name}.${v}`)])) as Record<T, string[]>;
  };
  return {
    headers: Object.fromEntries(rosterFields.map((f) => [f, all(`rosterFiles.columns.${f}`, `rosterFiles.headerAliases.${f}`)])) as Record<RosterField, string[]>,
    roles: group('role', roles),
    memberships: group('membership', memberships),
    exemptions: group('exemption', exemptionKinds),
    duesCategories: group('duesCategory', duesCategories),
    reviewForms: group('reviewForm', reviewForms),
    yes: all('rosterFiles.choices.yes', 'rosterFiles.valueAliases.yes'),
    no: all('rosterFiles.choices.no', 'rosterFiles.valueAliases.no'),
    dateHeaders: { admitted: all('rosterFiles.dateHeaders.admitted'), full: all('rosterFiles.dateHeaders.full') },
  };
}

// ---------------------------------------------------------------------------------------------
// reading

export const ROSTER_FILE_MAX_BYTES = 5 * 1024 * 1024;
/**
 * Lines (CSV records, or rows of a sheet) read at most. Files with more than ROSTER_MAX_ROWS members
 * are refused by the rules with their own message; this bound only keeps a huge file from
 * holding the bot up for seconds (blank or formatted lines count, hence the margin).
 */
export const ROSTER_FILE_MAX_LINES = 5 * ROSTER_MAX_ROWS;
/** The header row is looked for among the first rows with content (a title may come first). */
const HEADER_SEARCH_ROWS = 10;

const unreadable = (): DomainError => new DomainError('ROSTER.UNREADABLE');

/** As the roster rules compare headers: folded, punctuation as spaces. */
const key = (text: string): string => fold(text).replace(/[^a-z0-9]+/g, ' ').trim();

interface RawRow {
  line: number;
  cells: RawCell[];
}

/**
 * An Excel (.xlsx) or CSV/text file → the header row and data rows, cells as typed in the file.
 * Throws ROSTER.UNREADABLE for another format, a damaged file or one over 5 MB.
 */
export async function readRosterFile(data: Buffer, filename: string, vocab: RosterVocabulary): Promise<RawGrid> {
  if (data.length > ROSTER_FILE_MAX_BYTES) throw unreadable();
  const ext = /\.([a-z0-9]+)$/i.exec(filename.trim())?.[1]?.toLowerCase() ?? '';
  const zip = data.length >= 4 && data.readUInt32LE(0) === 0x04034b50;
  if (ext === 'xlsx' || ext === 'xlsm') return readXlsx(data, vocab);
  // A workbook renamed to .csv is still a workbook.
  if (ext === 'csv' || ext === 'txt' || ext === 'tsv') return zip ? readXlsx(data, vocab) : readCsv(data, vocab);
  throw unreadable();
}

/**
 * Nodes a roll never needs (a validation over whole columns would otherwise be expanded cell by
 * cell), and bounds on rows and columns per sheet: past them exceljs stops with an error.
 */
const XLSX_READ = { ignoreNodes: ['dataValidations', 'conditionalFormatting', 'picture', 'drawing', 'legacyDrawing', 'extLst'], maxRows: ROSTER_FILE_MAX_LINES, maxCols: 1000 };

async function readXlsx(data: Buffer, vocab: RosterVocabulary): Promise<RawGrid> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ExcelJS.Buffer, XLSX_READ);
  } catch {
    throw unreadable();
  }
  const sheets = [...wb.worksheets].sort((a, b) => Number(a.state !== 'visible') - Number(b.state !== 'visible'));
  let best: { rows: RawRow[]; header: HeaderAt } | null = null;
  for (const ws of sheets) {
    const rows = sheetRows(ws);
    if (rows.length === 0) continue;
    const header = locateHeader(rows, vocab);
    // The data sheet names most columns; the instructions sheet mentions the name column once.
    if (!best || rank(header) > rank(best.header)) best = { rows, header };
  }
  if (!best) return { headers: [], rows: [] };
  return toGrid(best.rows, best.header, vocab);
}

const rank = (h: HeaderAt): number => (h.nameColumn !== null ? 1000 : 0) + h.known;

function sheetRows(ws: ExcelJS.Worksheet): RawRow[] {
  const rows: RawRow[] = [];
  ws.eachRow((row, line) => {
    const values = row.values;
    if (!Array.isArray(values)) return;
    const cells: RawCell[] = [];
    // row.values is 1-based and sparse; merged cells give their top-left value.
    for (let c = 1; c < values.length; c++) cells.push(rawCell(values[c]));
    if (cells.some((c) => cellText(c) !== '')) rows.push({ line, cells });
  });
  return rows;
}

/** exceljs' value → what the rules read: dates stay dates, formulas give their result, rich text its text. */
export function rawCell(value: ExcelJS.CellValue | undefined): RawCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'object') return null;
  if ('error' in value) return null;
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return rawCell((value as { result?: ExcelJS.CellValue }).result);
  if ('hyperlink' in value) {
    const text: unknown = (value as { text?: unknown }).text;
    return typeof text === 'string' ? text : rawCell(text as ExcelJS.CellValue);
  }
  return null;
}

interface HeaderAt {
  /** Index in the rows of the header row. */
  index: number;
  /** Column of the full name, when the header names it. */
  nameColumn: number | null;
  /** How many cells of the header row name one of our columns. */
  known: number;
}

/** The first row (of the first ten with content) naming the full-name column, else the first row. */
function locateHeader(rows: readonly RawRow[], vocab: RosterVocabulary): HeaderAt {
  const names = new Set(vocab.headers.fullName.map(key));
  const known = new Set(rosterFields.flatMap((f) => vocab.headers[f].map(key)));
  const count = (row: RawRow): number => row.cells.filter((c) => known.has(key(cellText(c)))).length;
  for (let i = 0; i < Math.min(rows.length, HEADER_SEARCH_ROWS); i++) {
    const row = rows[i] as RawRow;
    const nameColumn = row.cells.findIndex((c) => names.has(key(cellText(c))));
    if (nameColumn >= 0) return { index: i, nameColumn, known: count(row) };
  }
  return { index: 0, nameColumn: null, known: rows[0] ? count(rows[0]) : 0 };
}

function toGrid(rows: readonly RawRow[], header: HeaderAt, vocab: RosterVocabulary): RawGrid {
  const head = rows[header.index];
  if (!head) return { headers: [], rows: [] };
  const names = new Set(vocab.headers.fullName.map(key));
  const repeatsHeader = (row: RawRow): boolean => header.nameColumn !== null && names.has(key(cellText(row.cells[header.nameColumn] ?? null)));
  return {
    headers: head.cells.map((c) => cellText(c)),
    // A header printed again further down (a second header line, a copied page) is not a member.
    rows: rows.slice(header.index + 1).filter((r) => !repeatsHeader(r)),
  };
}

function readCsv(data: Buffer, vocab: RosterVocabulary): RawGrid {
  let text = decodeText(data).replace(/\r\n?/g, '\n');
  let lineOffset = 0;
  // Excel's "sep=;" first line names the delimiter.
  const sep = /^sep=([,;\t|])\n/i.exec(text);
  if (sep) {
    text = text.slice(sep[0].length);
    lineOffset = 1;
  }
  const delimiter = sep?.[1] ?? detectDelimiter(text, vocab);
  const buf = Buffer.from(text, 'utf8');
  let records: { record: string[]; info: Info }[];
  try {
    records = parseCsv(buf, { delimiter, info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, record_delimiter: '\n', to: ROSTER_FILE_MAX_LINES }) as unknown as { record: string[]; info: Info }[];
  } catch {
    throw unreadable();
  }
  const end = records.at(-1)?.info.bytes ?? 0;
  if (records.length >= ROSTER_FILE_MAX_LINES && buf.subarray(end).toString('utf8').trim() !== '') throw unreadable();
  const rows: RawRow[] = [];
  // A record starts where the previous one ended; its line is the count of line breaks before that.
  let start = 0;
  let scanned = 0;
  let line = 1 + lineOffset;
  for (const { record, info } of records) {
    for (; scanned < start; scanned++) if (buf[scanned] === 0x0a) line++;
    const cells = record.map((v): RawCell => (v.trim() === '' ? null : v));
    if (cells.some((c) => c !== null)) rows.push({ line, cells });
    start = info.bytes;
  }
  if (rows.length === 0) return { headers: [], rows: [] };
  return toGrid(rows, locateHeader(rows, vocab), vocab);
}

/** UTF-8 (with or without BOM) or UTF-16 with BOM (Excel's "Unicode text"); anything else is refused. */
function decodeText(data: Buffer): string {
  if (data[0] === 0xff && data[1] === 0xfe) return data.subarray(2).toString('utf16le');
  if (data[0] === 0xfe && data[1] === 0xff) return Buffer.from(data.subarray(2)).swap16().toString('utf16le');
  try {
    // A file saved in a Windows code page would come out as gibberish names: better refused.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data);
  } catch {
    throw unreadable();
  }
}

/**
 * The delimiter of the header line: the first of the first lines that, split by one of comma,
 * semicolon or tab, names the full-name column (the split with most fields wins); without one,
 * the delimiter used most on a line.
 */
function detectDelimiter(text: string, vocab: RosterVocabulary): string {
  const candidates = [',', ';', '\t'];
  const names = new Set(vocab.headers.fullName.map(key));
  const lines = text
    .split('\n', 50)
    .filter((l) => l.trim() !== '')
    .slice(0, HEADER_SEARCH_ROWS);
  for (const l of lines) {
    const named = candidates.filter((d) => l.split(d).some((cell) => names.has(key(cell.replace(/"/g, '')))));
    if (named.length > 0) return named.reduce((a, b) => (countOutsideQuotes(l, b) > countOutsideQuotes(l, a) ? b : a));
  }
  let best = ',';
  let bestCount = 0;
  for (const d of candidates) {
    const most = Math.max(0, ...lines.map((l) => countOutsideQuotes(l, d)));
    if (most > bestCount) {
      best = d;
      bestCount = most;
    }
  }
  return best;
}

function countOutsideQuotes(line: string, ch: string): number {
  let quoted = false;
  let n = 0;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === ch && !quoted) n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// writing: template and export

const DATE_FORMAT = 'dd/mm/yyyy';
const MONEY_FORMAT = '#,##0';
/** Dropdowns cover at least this many rows below the header. */
const VALIDATED_ROWS = 1000;
const thin = { style: 'thin' as const };
const box = { top: thin, left: thin, bottom: thin, right: thin };

const dateFields: ReadonlySet<RosterField> = new Set(['membershipSince', 'exemptionFrom', 'exemptionTo']);
const widths: Record<RosterField, number> = {
  fullName: 28,
  role: 16,
  membership: 14,
  membershipSince: 16,
  exemption: 26,
  exemptionFrom: 14,
  exemptionTo: 14,
  attachedTemporarily: 14,
  collectsDues: 12,
  duesCategory: 22,
  incomeBase: 18,
  reviewForm: 12,
  partyGroup: 16,
};

/** An ISO date as an Excel date: midnight UTC, so no time zone moves the day. */
const excelDate = (iso: string): Date => new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))));
const dmy = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** The words a dropdown offers for a column; null for free columns. */
function choicesOf(t: Translate, field: RosterField): string[] | null {
  const of = <T extends string>(name: ValueGroup, values: readonly T[]): string[] => values.map((v) => t(`rosterFiles.choices.${name}.${v}`));
  switch (field) {
    case 'role':
      return of('role', roles);
    case 'membership':
      return of('membership', memberships);
    case 'exemption':
      return of('exemption', exemptionKinds);
    case 'duesCategory':
      return of('duesCategory', duesCategories);
    case 'reviewForm':
      return of('reviewForm', reviewForms);
    case 'attachedTemporarily':
    case 'collectsDues':
      return [t('rosterFiles.choices.yes'), t('rosterFiles.choices.no')];
    default:
      return null;
  }
}

/** The row of a record, in the template's words, so that importing it again changes nothing. */
function recordCells(t: Translate, r: RosterRecord, todayIso: string): Record<RosterField, ExcelJS.CellValue> {
  const exemption = currentExemption(r.exemptions, todayIso);
  const yesNo = (v: boolean): string => t(v ? 'rosterFiles.choices.yes' : 'rosterFiles.choices.no');
  return {
    fullName: r.fullName,
    role: t(`rosterFiles.choices.role.${r.role}`),
    membership: t(`rosterFiles.choices.membership.${r.membership}`),
    membershipSince: r.membershipSince ? excelDate(r.membershipSince) : null,
    exemption: exemption ? t(`rosterFiles.choices.exemption.${exemption.kind}`) : null,
    exemptionFrom: exemption ? excelDate(exemption.from) : null,
    exemptionTo: exemption?.to ? excelDate(exemption.to) : null,
    attachedTemporarily: yesNo(r.attachedTemporarily),
    collectsDues: yesNo(r.collectsDues),
    duesCategory: t(`rosterFiles.choices.duesCategory.${r.duesCategory}`),
    incomeBase: r.incomeBase,
    reviewForm: t(`rosterFiles.choices.reviewForm.${r.reviewForm}`),
    partyGroup: r.partyGroup,
  };
}

/** exceljs writes validations for a range, though its types only offer them per cell. */
interface RangeValidations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

function rosterWorkbook(t: Translate, fields: readonly RosterField[], rows: readonly Record<RosterField, ExcelJS.CellValue>[], meta: { creator: string | null; header: string | null }): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  if (meta.creator) wb.creator = meta.creator;
  const ws = wb.addWorksheet(t('rosterFiles.sheet.data'), {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
    ...(meta.header ? { headerFooter: { oddHeader: `&C${meta.header.replace(/&/g, '&&')}` } } : {}),
  });
  ws.columns = fields.map((f) => ({
    key: f,
    width: widths[f],
    ...(dateFields.has(f) ? { style: { numFmt: DATE_FORMAT } } : f === 'incomeBase' ? { style: { numFmt: MONEY_FORMAT } } : {}),
  }));
  const head = ws.getRow(1);
  fields.forEach((f, i) => {
    const c = head.getCell(i + 1);
    c.value = t(`rosterFiles.columns.${f}`);
    c.font = { bold: true };
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
    c.border = box;
  });
  head.height = 32;
  for (const r of rows) ws.addRow(fields.map((f) => r[f]));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: fields.length } };

  const last = Math.max(VALIDATED_ROWS + 1, rows.length + 1 + 100);
  const validations = (ws as unknown as RangeValidations).dataValidations;
  fields.forEach((f, i) => {
    const choices = choicesOf(t, f);
    if (!choices) return;
    const column = ws.getColumn(i + 1).letter;
    validations.add(`${column}2:${column}${last}`, {
      type: 'list',
      allowBlank: true,
      formulae: [`"${choices.join(',')}"`],
      // A warning, not a stop: the short forms (ĐV, CT, DB…) are accepted too.
      showErrorMessage: true,
      errorStyle: 'warning',
      errorTitle: t('rosterFiles.validation.title'),
      error: t('rosterFiles.validation.message'),
    });
  });

  addHelpSheet(wb, t, fields);
  return wb;
}

const ruleKeys = ['blank', 'dates', 'names', 'income', 'idNumbers', 'neverRemoves', 'secretary', 'extraColumns', 'save'] as const;

function addHelpSheet(wb: ExcelJS.Workbook, t: Translate, fields: readonly RosterField[]): void {
  const ws = wb.addWorksheet(t('rosterFiles.sheet.help'), { pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  ws.columns = [{ width: 28 }, { width: 90, style: { alignment: { wrapText: true, vertical: 'top' } } }, { width: 24 }];
  const title = ws.addRow([t('rosterFiles.help.title')]);
  title.font = { bold: true, size: 14 };
  ws.addRow([]);
  const head = ws.addRow([t('rosterFiles.help.columnHeader'), t('rosterFiles.help.whatHeader'), t('rosterFiles.help.exampleHeader')]);
  head.font = { bold: true };
  head.eachCell((c) => {
    c.border = box;
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
  });
  for (const f of fields) {
    const row = ws.addRow([t(`rosterFiles.columns.${f}`), t(`rosterFiles.help.columns.${f}.what`), t(`rosterFiles.help.columns.${f}.example`)]);
    row.getCell(1).font = { bold: true };
    row.eachCell((c) => {
      c.border = box;
      c.alignment = { wrapText: true, vertical: 'top' };
    });
  }
  ws.addRow([]);
  ws.addRow([t('rosterFiles.help.rulesTitle')]).font = { bold: true };
  for (const k of ruleKeys) {
    if (k === 'income' && !fields.includes('incomeBase')) continue;
    ws.addRow(['•', t(`rosterFiles.help.rules.${k}`)]).getCell(1).alignment = { horizontal: 'right', vertical: 'top' };
  }
}

/** The empty template: the header row, dropdowns and date formats, and a sheet of instructions. No example row: it would be imported. */
export async function rosterTemplateXlsx(t: Translate): Promise<Buffer> {
  const wb = rosterWorkbook(t, rosterFields, [], { creator: null, header: null });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The template as CSV: the header line only, UTF-8 with a BOM so that Excel shows the Vietnamese. */
export function rosterTemplateCsv(t: Translate): Buffer {
  const line = rosterFields.map((f) => csvField(t(`rosterFiles.columns.${f}`))).join(',');
  return Buffer.from(`\uFEFF${line}\r\n`, 'utf8');
}

const csvField = (s: string): string => (/[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * The roll in the template's columns and words, ready to edit and import again: importing it
 * unchanged changes nothing. The income base column is left out unless `includeIncome`.
 */
export async function rosterExportXlsx(t: Translate, records: readonly RosterRecord[], opts: { includeIncome: boolean; todayIso: string; cellName: string }): Promise<Buffer> {
  const fields = rosterFields.filter((f) => opts.includeIncome || f !== 'incomeBase');
  const rows = records.map((r) => recordCells(t, r, opts.todayIso));
  const header = t('rosterFiles.export.header', { cell: opts.cellName, date: dmy(opts.todayIso) });
  const wb = rosterWorkbook(t, fields, rows, { creator: opts.cellName, header });
  wb.title = header;
  const stamp = excelDate(opts.todayIso);
  wb.created = stamp;
  wb.modified = stamp;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------
// the invite sheet

export interface InviteSheetEntry {
  fullName: string;
  /** Formatted: ABCD-EFGH-JKLM. */
  code: string;
  telegramLink: string | null;
  expires: string;
}

export interface InviteSheet {
  cellName: string;
  botZaloName: string | null;
  /** dd/mm/yyyy */
  issuedOn: string;
  entries: readonly InviteSheetEntry[];
}

const FONT = 'Times New Roman';
/** A4 in millimetres, margins as in party documents (left for binding). */
const PAGE = { width: 210, height: 297, top: 20, bottom: 20, left: 30, right: 15 };
const A4_TWIPS = { width: 11906, height: 16838 };
const QR_PX = 132; // shown 3.5 cm wide (96 px to the inch)
/** Pixels per QR module: a whole number keeps the edges sharp; 10 gives about 250 dpi at 3.5 cm. */
const QR_SCALE = 10;
const QR_COLUMN_MM = 42;
const dashed = { style: BorderStyle.DASHED, size: 6, color: '808080' };
const noBorder = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };

type RunOptions = { bold?: boolean; italics?: boolean; size?: number; spacing?: number };
const run = (text: string, o: RunOptions = {}): TextRun =>
  new TextRun({ text, font: FONT, bold: o.bold ?? false, italics: o.italics ?? false, ...(o.size ? { size: o.size } : {}), ...(o.spacing ? { characterSpacing: o.spacing } : {}) });
const line = (children: (TextRun | ExternalHyperlink)[], after = 60, center = false): Paragraph => new Paragraph({ spacing: { after }, ...(center ? { alignment: AlignmentType.CENTER } : {}), children });

/** A printable Word sheet, one block per member that never breaks across pages: name, Telegram QR and link, Zalo code, expiry, how to use it. */
export async function inviteSheetDocx(t: Translate, sheet: InviteSheet): Promise<Buffer> {
  const qrs = sheet.entries.map((e) => (e.telegramLink ? qrPng(e.telegramLink, QR_SCALE) : null));
  const contentMm = PAGE.width - PAGE.left - PAGE.right;
  const body: (Paragraph | Table)[] = [
    line([run(t('rosterFiles.invites.title'), { bold: true, size: 30 })], 60, true),
    line([run(t('rosterFiles.invites.subtitle', { cell: sheet.cellName, date: sheet.issuedOn }), { italics: true })], 240, true),
  ];
  sheet.entries.forEach((entry, i) => {
    body.push(inviteBlock(t, sheet, entry, qrs[i] ?? null, contentMm));
    // Two tables in a row would merge into one in Word: a paragraph keeps the blocks apart.
    body.push(line([], 160));
  });
  const doc = new Document({
    creator: sheet.cellName,
    title: t('rosterFiles.invites.title'),
    styles: { default: { document: { run: { font: FONT, size: 24 } } } },
    sections: [
      {
        properties: {
          page: {
            size: A4_TWIPS,
            margin: { top: convertMillimetersToTwip(PAGE.top), bottom: convertMillimetersToTwip(PAGE.bottom), left: convertMillimetersToTwip(PAGE.left), right: convertMillimetersToTwip(PAGE.right) },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ text: `${sheet.cellName} · ${t('rosterFiles.invites.page')} `, font: FONT, size: 18 }), new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: 18 })],
              }),
            ],
          }),
        },
        children: body,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

function inviteBlock(t: Translate, sheet: InviteSheet, entry: InviteSheetEntry, qr: Buffer | null, contentMm: number): Table {
  const text: Paragraph[] = [line([run(entry.fullName, { bold: true, size: 32 })], 120)];
  if (entry.telegramLink) {
    text.push(line([run(t('rosterFiles.invites.telegram'), { bold: true })], 0));
    text.push(line([new ExternalHyperlink({ link: entry.telegramLink, children: [new TextRun({ text: entry.telegramLink, font: FONT, size: 20, style: 'Hyperlink' })] })], 120));
  }
  text.push(line([run(sheet.botZaloName ? t('rosterFiles.invites.zalo', { bot: sheet.botZaloName }) : `${t('rosterFiles.invites.code')}:`, { bold: true })], 0));
  text.push(line([run(entry.code, { bold: true, size: 36, spacing: 40 })], 120));
  text.push(line([run(t('rosterFiles.invites.expires', { date: entry.expires }))], 60));
  const variant = entry.telegramLink ? (sheet.botZaloName ? 'both' : 'telegram') : sheet.botZaloName ? 'zalo' : 'code';
  text.push(line([run(t(`rosterFiles.invites.instructions.${variant}`), { italics: true, size: 22 })], 0));

  const margins = { top: convertMillimetersToTwip(3), bottom: convertMillimetersToTwip(3), left: convertMillimetersToTwip(3), right: convertMillimetersToTwip(3) };
  const cellBorders = { top: noBorder, bottom: noBorder, left: noBorder, right: noBorder };
  const textWidth = qr ? contentMm - QR_COLUMN_MM : contentMm;
  const cells: TableCell[] = [];
  if (qr) {
    cells.push(
      new TableCell({
        width: { size: convertMillimetersToTwip(QR_COLUMN_MM), type: WidthType.DXA },
        verticalAlign: VerticalAlign.CENTER,
        margins,
        borders: cellBorders,
        children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new ImageRun({ type: 'png', data: qr, transformation: { width: QR_PX, height: QR_PX }, altText: { name: 'QR', title: 'QR', description: entry.telegramLink ?? '' } })] })],
      }),
    );
  }
  cells.push(new TableCell({ width: { size: convertMillimetersToTwip(textWidth), type: WidthType.DXA }, verticalAlign: VerticalAlign.CENTER, margins, borders: cellBorders, children: text }));
  return new Table({
    width: { size: convertMillimetersToTwip(contentMm), type: WidthType.DXA },
    columnWidths: (qr ? [QR_COLUMN_MM, textWidth] : [textWidth]).map(convertMillimetersToTwip),
    layout: TableLayoutType.FIXED,
    // Dashed edges: lines to cut along.
    borders: { top: dashed, bottom: dashed, left: dashed, right: dashed, insideHorizontal: noBorder, insideVertical: noBorder },
    rows: [new TableRow({ cantSplit: true, children: cells })],
  });
}

/**
 * A QR code as a black-and-white PNG of one bit a pixel. qrcode's own PNG renderer paints RGBA
 * pixel by pixel (about 8 ms a code); this takes a fraction of that, which matters for a sheet of
 * a few hundred members.
 */
export function qrPng(text: string, scale: number, margin = 1): Buffer {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const side = (n + 2 * margin) * scale;
  const stride = Math.ceil(side / 8) + 1; // a filter byte, then the row's bits
  // Grey scale, one bit: 1 is white. Start white, clear the dark modules of each module row once,
  // then copy that pixel row down `scale` times.
  const raw = Buffer.alloc(stride * side, 0xff);
  for (let my = 0; my < n; my++) {
    const first = (my + margin) * scale * stride;
    for (let mx = 0; mx < n; mx++) {
      if (!modules.get(my, mx)) continue;
      for (let x = (mx + margin) * scale; x < (mx + margin + 1) * scale; x++) raw[first + 1 + (x >> 3)]! &= ~(0x80 >> (x & 7));
    }
    for (let k = 1; k < scale; k++) raw.copy(raw, first + k * stride, first, first + stride);
  }
  for (let y = 0; y < side; y++) raw[y * stride] = 0; // filter: none
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, grey scale, deflate, adaptive filters, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(4 + body.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body) >>> 0, 4 + body.length);
  return out;
}
