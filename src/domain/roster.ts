/**
 * The member roll as a spreadsheet: which columns it has, how a cell's text becomes a field,
 * which rows are wrong and why, and what importing it would change. Pure: the words the
 * secretary may write (labels in both languages) and today's date are passed in.
 */
import { isValidDate, parseTypedDate } from './dates.js';
import { needsBase } from './dues.js';
import { duesCategories, exemptionKinds, memberships, reviewForms, type DuesCategory, type ExemptionKind, type Membership, type ReviewForm } from './members.js';
import { checkFullName, containsIdNumber } from './names.js';
import { roles, type Role } from './roles.js';
import { fold, toneNeutral } from './text.js';

/** The columns, in the template's order. */
export const rosterFields = [
  'fullName',
  'role',
  'membership',
  'membershipSince',
  'exemption',
  'exemptionFrom',
  'exemptionTo',
  'attachedTemporarily',
  'collectsDues',
  'duesCategory',
  'incomeBase',
  'reviewForm',
  'partyGroup',
] as const;
export type RosterField = (typeof rosterFields)[number];

export const ROSTER_MAX_ROWS = 10_000;
export const PARTY_GROUP_MAX = 60;
const INCOME_MAX = 1_000_000_000;

/** A cell as read from the file: Excel gives dates and numbers, CSV only text. */
export type RawCell = string | number | boolean | Date | null;
export interface RawGrid {
  /** The header row as written. */
  headers: string[];
  /** Data rows with their line number in the file (1 = the header row). */
  rows: { line: number; cells: RawCell[] }[];
}

/** The words accepted for each column and value, from every locale (labels and codes). */
export interface RosterVocabulary {
  headers: Record<RosterField, string[]>;
  roles: Record<Role, string[]>;
  memberships: Record<Membership, string[]>;
  exemptions: Record<ExemptionKind, string[]>;
  duesCategories: Record<DuesCategory, string[]>;
  reviewForms: Record<ReviewForm, string[]>;
  yes: string[];
  no: string[];
  /**
   * Headers naming one of the two dates a party roll often has side by side: the admission day
   * ("Ngày vào Đảng") and the day the member became full ("Ngày chính thức"). The roll keeps one
   * date per member: the full day for full members, the admission day for probationary ones.
   */
  dateHeaders?: { admitted: string[]; full: string[] };
}

export interface RosterExemption {
  kind: ExemptionKind;
  from: string;
  to: string | null;
}

/** One row of the file; a field left blank is undefined and means "keep" (or the default for a new member). */
export interface RosterRow {
  line: number;
  fullName: string;
  role?: Role;
  membership?: Membership;
  membershipSince?: string;
  exemption?: RosterExemption;
  attachedTemporarily?: boolean;
  collectsDues?: boolean;
  duesCategory?: DuesCategory;
  incomeBase?: number;
  reviewForm?: ReviewForm;
  partyGroup?: string;
}

export const rosterProblemCodes = [
  'FILE_EMPTY',
  'FILE_TOO_MANY_ROWS',
  'NO_NAME_COLUMN',
  'ID_COLUMN',
  'DUPLICATE_COLUMN',
  'NAME_MISSING',
  'NAME_INVALID',
  'ID_NUMBER',
  'NAME_DUPLICATE',
  'ROLE_UNKNOWN',
  'MEMBERSHIP_UNKNOWN',
  'DATE_INVALID',
  'DATE_FUTURE',
  'DATE_ORDER',
  'EXEMPTION_KIND_MISSING',
  'EXEMPTION_KIND_UNKNOWN',
  'EXEMPTION_FROM_MISSING',
  'YES_NO_UNKNOWN',
  'CATEGORY_UNKNOWN',
  'REVIEW_FORM_UNKNOWN',
  'AMOUNT_INVALID',
  'GROUP_TOO_LONG',
  'SECRETARY_CHANGE',
  'ROLE_NOT_ALLOWED',
  'INCOME_NOT_ALLOWED',
  'PENDING_MEMBER',
] as const;
export type RosterProblemCode = (typeof rosterProblemCodes)[number];

export interface RosterProblem {
  /** 0 for problems of the whole file. */
  line: number;
  field: RosterField | null;
  code: RosterProblemCode;
  /** The offending value, shortened, to show the secretary (never for the income base). */
  value?: string;
}

// ---------------------------------------------------------------------------------------------
// headers

/** Headers that name a citizen ID: the bot never stores those numbers, so such a file is refused. */
const ID_HEADER = /\b(cccd|cmnd|cmt|can cuoc|dinh danh|chung minh|citizen|id number|identity|id card|national id)\b/;
const ID_VALUE = /^(\d{9}|\d{12})$/;
/** Phone numbers typed as numbers lose their 0 and look like old 9-digit ID cards: such a column is only read past. */
const PHONE_HEADER = /\b(dien thoai|so dt|sdt|dt|di dong|phone|mobile|zalo)\b/;

/** Folded words for matching; text of symbols only ("✓", "-") stays itself, so "-" never matches "✓". */
const key = (text: string): string => fold(text).replace(/[^a-z0-9]+/g, ' ').trim() || text.trim();

export interface HeaderMap {
  /** Column index of each field found. */
  columns: Partial<Record<RosterField, number>>;
  /** Columns of the admission and full-membership dates, when the file has them apart. */
  dates: { admitted?: number; full?: number };
  /** Headers that are none of ours: read past, never stored. */
  ignored: string[];
}

export function mapHeaders(grid: RawGrid, vocab: RosterVocabulary): { map: HeaderMap; problems: RosterProblem[] } {
  const problems: RosterProblem[] = [];
  const columns: Partial<Record<RosterField, number>> = {};
  const ignored: string[] = [];
  const known = new Map<string, RosterField>();
  for (const field of rosterFields) for (const label of vocab.headers[field]) known.set(key(label), field);
  const dateKinds = new Map<string, 'admitted' | 'full'>();
  for (const kind of ['admitted', 'full'] as const) for (const label of vocab.dateHeaders?.[kind] ?? []) dateKinds.set(key(label), kind);
  const dates: HeaderMap['dates'] = {};
  // Columns without a header (blank, or past the header row's end) are read too: ID numbers hide there.
  const width = grid.rows.reduce((w, r) => Math.max(w, r.cells.length), grid.headers.length);
  for (let i = 0; i < width; i++) {
    const header = grid.headers[i] ?? '';
    const k = key(header);
    if (k === '') {
      if (looksLikeIdColumn(grid, i)) problems.push({ line: 1, field: null, code: 'ID_COLUMN', value: columnLetter(i) });
      continue;
    }
    // Income bases are large numbers too, phone numbers lose their 0: such columns are not taken for ID numbers.
    const numeric = known.get(k) === 'incomeBase' || PHONE_HEADER.test(k);
    if (ID_HEADER.test(k) || (!numeric && looksLikeIdColumn(grid, i))) {
      problems.push({ line: 1, field: null, code: 'ID_COLUMN', value: short(header) });
      continue;
    }
    const dateKind = dateKinds.get(k);
    if (dateKind !== undefined) {
      if (dates[dateKind] !== undefined) problems.push({ line: 1, field: 'membershipSince', code: 'DUPLICATE_COLUMN', value: short(header) });
      else dates[dateKind] = i;
      continue;
    }
    const field = known.get(k);
    if (!field) {
      ignored.push(header.trim());
      continue;
    }
    if (columns[field] !== undefined) problems.push({ line: 1, field, code: 'DUPLICATE_COLUMN', value: short(header) });
    else columns[field] = i;
  }
  if (columns.fullName === undefined && !problems.some((p) => p.code === 'ID_COLUMN')) problems.push({ line: 1, field: 'fullName', code: 'NO_NAME_COLUMN' });
  // The template's one date column says it all; beside it, separate date columns would contradict it.
  if (columns.membershipSince !== undefined && (dates.admitted !== undefined || dates.full !== undefined)) problems.push({ line: 1, field: 'membershipSince', code: 'DUPLICATE_COLUMN', value: short(grid.headers[dates.full ?? dates.admitted ?? 0] ?? '') });
  return { map: { columns, dates, ignored }, problems };
}

/** Most filled cells of the column are 9- or 12-digit numbers: an ID column whatever its header says. */
function looksLikeIdColumn(grid: RawGrid, column: number): boolean {
  let filled = 0;
  let ids = 0;
  for (const row of grid.rows) {
    const cell = row.cells[column] ?? null;
    const text = cellText(cell).replace(/[\s.]/g, '');
    if (text === '') continue;
    filled++;
    // A CCCD starts with its province code (001–096): a number cell has lost those zeros.
    if (ID_VALUE.test(text) || (typeof cell === 'number' && /^\d{10,11}$/.test(text))) ids++;
  }
  return filled > 0 && ids * 2 >= filled;
}

/** 0 → "A", 26 → "AA": how the secretary finds a column that has no header. */
function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

// ---------------------------------------------------------------------------------------------
// cells

export function cellText(cell: RawCell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  return String(cell).normalize('NFC').replace(/\s+/g, ' ').trim();
}

const short = (text: string): string => (text.length > 40 ? `${text.slice(0, 39)}…` : text);

/** Excel counts days from 30/12/1899; a number in a date column is such a serial. */
function fromSerial(serial: number): string | null {
  if (!Number.isInteger(serial) || serial < 10_000 || serial > 80_000) return null;
  const d = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd, an Excel date cell or serial → ISO date; null when it is none. */
export function parseRosterDate(cell: RawCell, todayIso: string): string | null {
  // Excel keeps a date cell as midnight UTC of that day, whatever the file's time zone.
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') return fromSerial(cell);
  const text = cellText(cell);
  const iso = text.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
  if (iso) {
    const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    return isValidDate(y, m, d) ? `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` : null;
  }
  // A year is required: a membership date without one would silently become this year.
  if (!/^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$/.test(text)) return null;
  return parseTypedDate(text, todayIso);
}

/** Each vocabulary's words folded once, not once per cell: a 5,000-row file looks words up 50,000 times. */
const lookups = new WeakMap<object, Map<string, string>>();

function lookup(words: object, entries: () => [string, string][]): Map<string, string> {
  let map = lookups.get(words);
  if (!map) {
    map = new Map();
    // The first value listed wins a word two values share, as a scan in order would.
    for (const [word, value] of entries()) if (!map.has(key(word))) map.set(key(word), value);
    lookups.set(words, map);
  }
  return map;
}

function pick<T extends string>(text: string, words: Record<T, string[]>, values: readonly T[]): T | null {
  const map = lookup(words, () => [...values.map((v): [string, string] => [v, v]), ...values.flatMap((v) => words[v].map((w): [string, string] => [w, v]))]);
  return (map.get(key(text)) as T | undefined) ?? null;
}

const isWord = (list: string[], text: string): boolean => lookup(list, () => list.map((w) => [w, w])).has(key(text));

/** "1.500.000", "1 500 000 đ", 1500000 → 1500000; null when it is not a whole amount in range. */
export function parseAmount(cell: RawCell): number | null {
  if (typeof cell === 'number') return Number.isInteger(cell) && cell > 0 && cell <= INCOME_MAX ? cell : null;
  const text = cellText(cell).replace(/\s*(đ|d|đồng|dong|vnd|vnđ)$/i, '');
  // Separators only between groups of three digits: "1.5" or "1,5" is not fifteen đồng.
  if (!/^\d{1,10}$|^\d{1,3}(?:[ .,]\d{3})+$/.test(text)) return null;
  const n = Number(text.replace(/[ .,]/g, ''));
  return n > 0 && n <= INCOME_MAX ? n : null;
}

// ---------------------------------------------------------------------------------------------
// rows

/** Reads every row; returns the rows only when no row has a problem (nothing is half-imported). */
export function readRoster(grid: RawGrid, vocab: RosterVocabulary, todayIso: string): { rows: RosterRow[]; ignored: string[]; problems: RosterProblem[] } {
  const filled = grid.rows.filter((r) => r.cells.some((c) => cellText(c) !== ''));
  if (filled.length === 0) return { rows: [], ignored: [], problems: [{ line: 0, field: null, code: 'FILE_EMPTY' }] };
  if (filled.length > ROSTER_MAX_ROWS) return { rows: [], ignored: [], problems: [{ line: 0, field: null, code: 'FILE_TOO_MANY_ROWS', value: String(ROSTER_MAX_ROWS) }] };
  const { map, problems } = mapHeaders({ ...grid, rows: filled }, vocab);
  if (problems.length > 0) return { rows: [], ignored: map.ignored, problems };
  // A row with only ignored columns filled (an "STT" numbered ahead of the names) is an empty row.
  const used = Object.values(map.columns);
  const rowsWithData = filled.filter((r) => used.some((i) => cellText(r.cells[i] ?? null) !== ''));
  if (rowsWithData.length === 0) return { rows: [], ignored: map.ignored, problems: [{ line: 0, field: null, code: 'FILE_EMPTY' }] };
  const rows: RosterRow[] = [];
  const seen = new Map<string, number>();
  for (const raw of rowsWithData) {
    const row = readRow(raw, map, vocab, todayIso, problems);
    if (!row) continue;
    const name = nameKey(row.fullName);
    const first = seen.get(name);
    if (first !== undefined) problems.push({ line: row.line, field: 'fullName', code: 'NAME_DUPLICATE', value: `${row.fullName} (${first})` });
    else seen.set(name, row.line);
    rows.push(row);
  }
  return { rows: problems.length > 0 ? [] : rows, ignored: map.ignored, problems };
}

/** Names match ignoring case, spacing and where the tone mark sits ("Thủy" = "Thuỷ"), never the diacritics themselves: "Hùng" and "Hưng" are two people. */
export const nameKey = (name: string): string =>
  name
    .normalize('NFC')
    .trim()
    .toLocaleLowerCase('vi')
    .split(/\s+/)
    .map(toneNeutral)
    .join(' ');

function readRow(raw: { line: number; cells: RawCell[] }, map: HeaderMap, vocab: RosterVocabulary, todayIso: string, problems: RosterProblem[]): RosterRow | null {
  const at = (f: RosterField): RawCell => (map.columns[f] === undefined ? null : (raw.cells[map.columns[f]] ?? null));
  const text = (f: RosterField): string => cellText(at(f));
  const line = raw.line;
  // A value is echoed to the secretary: one holding an ID number is reported as such, never shown.
  const fail = (field: RosterField, code: RosterProblemCode, value?: string): void =>
    void problems.push(value !== undefined && containsIdNumber(value) ? { line, field, code: 'ID_NUMBER' } : { line, field, code, ...(value !== undefined ? { value: short(value) } : {}) });

  const nameText = text('fullName');
  const name = checkFullName(nameText);
  if (nameText === '') fail('fullName', 'NAME_MISSING');
  else if (!name.ok) fail('fullName', name.code === 'MEMBER.ID_NUMBER' ? 'ID_NUMBER' : 'NAME_INVALID', name.code === 'MEMBER.ID_NUMBER' ? undefined : nameText);
  const row: RosterRow = { line, fullName: name.ok ? name.value : nameText };

  const choose = <T extends string>(f: RosterField, words: Record<T, string[]>, values: readonly T[], code: RosterProblemCode): T | undefined => {
    const t = text(f);
    if (t === '') return undefined;
    const v = pick(t, words, values);
    if (v === null) fail(f, code, t);
    return v ?? undefined;
  };
  const yesNo = (f: RosterField): boolean | undefined => {
    const t = text(f);
    if (t === '') return undefined;
    if (at(f) === true || isWord(vocab.yes, t)) return true;
    if (at(f) === false || isWord(vocab.no, t)) return false;
    fail(f, 'YES_NO_UNKNOWN', t);
    return undefined;
  };
  const date = (f: RosterField): string | undefined => {
    if (text(f) === '') return undefined;
    const iso = parseRosterDate(at(f), todayIso);
    if (iso === null) fail(f, 'DATE_INVALID', text(f));
    return iso ?? undefined;
  };

  assign(row, 'role', choose('role', vocab.roles, roles, 'ROLE_UNKNOWN'));
  assign(row, 'membership', choose('membership', vocab.memberships, memberships, 'MEMBERSHIP_UNKNOWN'));
  const sinceCell = sinceColumn(map, row.membership);
  const sinceText = sinceCell === undefined ? '' : cellText(raw.cells[sinceCell] ?? null);
  const since = sinceText === '' ? undefined : (parseRosterDate(raw.cells[sinceCell as number] ?? null, todayIso) ?? undefined);
  if (sinceText !== '' && since === undefined) fail('membershipSince', 'DATE_INVALID', sinceText);
  if (since !== undefined && since > todayIso) fail('membershipSince', 'DATE_FUTURE', sinceText);
  assign(row, 'membershipSince', since);

  const kind = choose('exemption', vocab.exemptions, exemptionKinds, 'EXEMPTION_KIND_UNKNOWN');
  const from = date('exemptionFrom');
  const to = date('exemptionTo');
  if (kind === undefined && text('exemption') === '' && (from !== undefined || to !== undefined)) fail('exemption', 'EXEMPTION_KIND_MISSING');
  if (kind !== undefined && from === undefined && text('exemptionFrom') === '') fail('exemptionFrom', 'EXEMPTION_FROM_MISSING');
  if (from !== undefined && to !== undefined && to < from) fail('exemptionTo', 'DATE_ORDER', text('exemptionTo'));
  if (kind !== undefined && from !== undefined) row.exemption = { kind, from, to: kind === 'permanent' ? null : (to ?? null) };

  assign(row, 'attachedTemporarily', yesNo('attachedTemporarily'));
  assign(row, 'collectsDues', yesNo('collectsDues'));
  assign(row, 'duesCategory', choose('duesCategory', vocab.duesCategories, duesCategories, 'CATEGORY_UNKNOWN'));
  if (text('incomeBase') !== '') {
    const amount = parseAmount(at('incomeBase'));
    // The income base is private: the problem names the cell, never the figure.
    if (amount === null) fail('incomeBase', 'AMOUNT_INVALID');
    else row.incomeBase = amount;
  }
  assign(row, 'reviewForm', choose('reviewForm', vocab.reviewForms, reviewForms, 'REVIEW_FORM_UNKNOWN'));
  const group = text('partyGroup');
  if (containsIdNumber(group)) fail('partyGroup', 'ID_NUMBER');
  else if (group.length > PARTY_GROUP_MAX) fail('partyGroup', 'GROUP_TOO_LONG', group);
  else if (group !== '') row.partyGroup = group;
  // A row without a name, or whose name holds an ID number, is reported once and not matched
  // against others (a duplicate would repeat the number).
  return nameText === '' || (!name.ok && name.code === 'MEMBER.ID_NUMBER') ? null : row;
}

/** Where a row's membership date is: the template's column, else the full day for full members and the admission day for probationary ones. */
function sinceColumn(map: HeaderMap, membership: Membership | undefined): number | undefined {
  if (map.columns.membershipSince !== undefined) return map.columns.membershipSince;
  return membership === 'probationary' ? map.dates.admitted : map.dates.full;
}

function assign<K extends keyof RosterRow>(row: RosterRow, k: K, v: RosterRow[K] | undefined): void {
  if (v !== undefined) row[k] = v;
}

// ---------------------------------------------------------------------------------------------
// what an import would change

/** A member as the roll sees them (the fields the file can carry). */
export interface RosterRecord {
  memberId: number;
  status: 'active' | 'pending';
  fullName: string;
  role: Role;
  membership: Membership;
  membershipSince: string | null;
  exemptions: RosterExemption[];
  attachedTemporarily: boolean;
  collectsDues: boolean;
  duesCategory: DuesCategory;
  /** Null when unknown or not to be compared (the importer may not see it). */
  incomeBase: number | null;
  reviewForm: ReviewForm;
  partyGroup: string | null;
}

export type ChangedField = Exclude<RosterField, 'fullName' | 'exemptionFrom' | 'exemptionTo'>;

export interface FieldChange {
  field: ChangedField;
  from: string | null;
  to: string | null;
}

export type RowPlan =
  | { kind: 'new'; row: RosterRow }
  | { kind: 'changed'; row: RosterRow; memberId: number; changes: FieldChange[] }
  | { kind: 'same'; row: RosterRow; memberId: number }
  | { kind: 'ambiguous'; row: RosterRow; candidates: number[] };

export interface ImportPlan {
  rows: RowPlan[];
  /** Active members the file does not mention: listed, never removed. */
  missing: number[];
  problems: RosterProblem[];
}

export interface PlanRights {
  /** May change roles (the secretary). */
  setRole: boolean;
  /** May record income bases (the secretary and the dues collector). */
  setIncome: boolean;
}

/**
 * Matches rows to members by name and works out each change. `resolved` answers ambiguous
 * names (line → member id, or 0 for "a new member"). Nothing here writes.
 */
export function planImport(rows: readonly RosterRow[], records: readonly RosterRecord[], rights: PlanRights, resolved: ReadonlyMap<number, number> = new Map()): ImportPlan {
  const byName = new Map<string, RosterRecord[]>();
  for (const r of records) byName.set(nameKey(r.fullName), [...(byName.get(nameKey(r.fullName)) ?? []), r]);
  const byId = new Map(records.map((r) => [r.memberId, r]));
  const problems: RosterProblem[] = [];
  const matched = new Set<number>();
  const plans = rows.map((row): RowPlan => {
    const candidates = byName.get(nameKey(row.fullName)) ?? [];
    const choice = resolved.get(row.line);
    const record = choice !== undefined ? byId.get(choice) : candidates.length === 1 ? candidates[0] : undefined;
    if (choice === undefined && candidates.length > 1) return { kind: 'ambiguous', row, candidates: candidates.map((c) => c.memberId) };
    if (!record) {
      checkNew(row, rights, problems);
      return { kind: 'new', row };
    }
    matched.add(record.memberId);
    if (record.status === 'pending') problems.push({ line: row.line, field: 'fullName', code: 'PENDING_MEMBER', value: row.fullName });
    const changes = diff(row, record, rights, problems);
    return changes.length === 0 ? { kind: 'same', row, memberId: record.memberId } : { kind: 'changed', row, memberId: record.memberId, changes };
  });
  const missing = records.filter((r) => r.status === 'active' && !matched.has(r.memberId)).map((r) => r.memberId);
  return { rows: plans, missing, problems };
}

function checkNew(row: RosterRow, rights: PlanRights, problems: RosterProblem[]): void {
  // One secretary per cell, handed over in /thanhvien: an import never makes a second one.
  if (row.role === 'secretary') problems.push({ line: row.line, field: 'role', code: 'SECRETARY_CHANGE', value: row.fullName });
  else if (row.role !== undefined && row.role !== 'member' && !rights.setRole) problems.push({ line: row.line, field: 'role', code: 'ROLE_NOT_ALLOWED' });
  if (row.incomeBase !== undefined && !rights.setIncome) problems.push({ line: row.line, field: 'incomeBase', code: 'INCOME_NOT_ALLOWED' });
}

/** "temporary:2026-01-01:2026-06-30": how a plan names an exemption (the end is empty when open). */
export const exemptionText = (e: RosterExemption): string => `${e.kind}:${e.from}:${e.to ?? ''}`;

const sameExemption = (a: RosterExemption, b: RosterExemption): boolean => a.kind === b.kind && a.from === b.from && a.to === b.to;
const flag = (v: boolean): string => (v ? 'yes' : 'no');

function diff(row: RosterRow, rec: RosterRecord, rights: PlanRights, problems: RosterProblem[]): FieldChange[] {
  const changes: FieldChange[] = [];
  const change = (field: ChangedField, from: string | null, to: string | null): void => {
    if (from !== to) changes.push({ field, from, to });
  };
  if (row.role !== undefined && row.role !== rec.role) {
    if (row.role === 'secretary' || rec.role === 'secretary') problems.push({ line: row.line, field: 'role', code: 'SECRETARY_CHANGE', value: row.fullName });
    else if (!rights.setRole) problems.push({ line: row.line, field: 'role', code: 'ROLE_NOT_ALLOWED' });
    else change('role', rec.role, row.role);
  }
  if (row.membership !== undefined) change('membership', rec.membership, row.membership);
  if (row.membershipSince !== undefined) change('membershipSince', rec.membershipSince, row.membershipSince);
  if (row.exemption && !rec.exemptions.some((e) => sameExemption(e, row.exemption as RosterExemption))) {
    const e = row.exemption;
    // The same exemption (kind and start) with another end is that exemption moved, not a second one.
    const moved = rec.exemptions.find((x) => x.kind === e.kind && x.from === e.from);
    changes.push({ field: 'exemption', from: moved ? exemptionText(moved) : null, to: exemptionText(e) });
  }
  if (row.attachedTemporarily !== undefined) change('attachedTemporarily', flag(rec.attachedTemporarily), flag(row.attachedTemporarily));
  if (row.collectsDues !== undefined) change('collectsDues', flag(rec.collectsDues), flag(row.collectsDues));
  if (row.duesCategory !== undefined) change('duesCategory', rec.duesCategory, row.duesCategory);
  if (row.incomeBase !== undefined) {
    if (!rights.setIncome) problems.push({ line: row.line, field: 'incomeBase', code: 'INCOME_NOT_ALLOWED' });
    // Flat-rate categories (students, abroad, others) keep no income base: a figure there changes nothing.
    // The figures stay out of the plan: it is shown to whoever imports, and logged in the audit.
    else if (needsBase(row.duesCategory ?? rec.duesCategory) && row.incomeBase !== rec.incomeBase) changes.push({ field: 'incomeBase', from: null, to: null });
  }
  if (row.reviewForm !== undefined) change('reviewForm', rec.reviewForm, row.reviewForm);
  if (row.partyGroup !== undefined) change('partyGroup', rec.partyGroup, row.partyGroup);
  return changes;
}

/** The record a new member gets from a row: blanks take the defaults a joining member has. */
export function newRecord(row: RosterRow): Omit<RosterRecord, 'memberId' | 'status'> {
  return {
    fullName: row.fullName,
    role: row.role ?? 'member',
    membership: row.membership ?? 'full',
    membershipSince: row.membershipSince ?? null,
    exemptions: row.exemption ? [row.exemption] : [],
    attachedTemporarily: row.attachedTemporarily ?? false,
    collectsDues: row.collectsDues ?? false,
    duesCategory: row.duesCategory ?? 'insured',
    incomeBase: row.incomeBase ?? null,
    reviewForm: row.reviewForm ?? '2A',
    partyGroup: row.partyGroup ?? null,
  };
}

/** The exemption the roll shows for a member: the one running today, else the next one planned. */
export function currentExemption(exemptions: readonly RosterExemption[], todayIso: string): RosterExemption | null {
  const running = exemptions.find((e) => e.from <= todayIso && (e.to === null || todayIso <= e.to));
  if (running) return running;
  return [...exemptions].filter((e) => e.from > todayIso).sort((a, b) => a.from.localeCompare(b.from))[0] ?? null;
}

export interface PlanCounts {
  created: number;
  changed: number;
  same: number;
  ambiguous: number;
}

export function countPlan(plan: ImportPlan): PlanCounts {
  const counts: PlanCounts = { created: 0, changed: 0, same: 0, ambiguous: 0 };
  for (const r of plan.rows) {
    if (r.kind === 'new') counts.created++;
    else if (r.kind === 'changed') counts.changed++;
    else if (r.kind === 'same') counts.same++;
    else counts.ambiguous++;
  }
  return counts;
}
