import { describe, expect, it } from 'vitest';
import {
  PARTY_GROUP_MAX,
  ROSTER_MAX_ROWS,
  cellText,
  countPlan,
  currentExemption,
  mapHeaders,
  nameKey,
  newRecord,
  parseAmount,
  parseRosterDate,
  planImport,
  readRoster,
  rosterFields,
  rosterProblemCodes,
  type ImportPlan,
  type PlanRights,
  type RawCell,
  type RawGrid,
  type RosterExemption,
  type RosterField,
  type RosterProblem,
  type RosterProblemCode,
  type RosterRecord,
  type RosterRow,
  type RosterVocabulary,
} from './roster.js';

// ---------------------------------------------------------------------------------------------
// fixtures

/** The words a secretary may write, in both languages (a test fixture: locales are not imported). */
const vocab: RosterVocabulary = {
  headers: {
    fullName: ['Họ và tên', 'Full name'],
    role: ['Chức vụ', 'Role'],
    membership: ['Loại đảng viên', 'Membership'],
    membershipSince: ['Ngày vào Đảng', 'Member since'],
    exemption: ['Miễn sinh hoạt', 'Exemption'],
    exemptionFrom: ['Miễn từ ngày', 'Exempt from'],
    exemptionTo: ['Miễn đến ngày', 'Exempt until'],
    attachedTemporarily: ['Sinh hoạt tạm thời', 'Temporarily attached'],
    collectsDues: ['Thu đảng phí', 'Collects dues'],
    duesCategory: ['Đối tượng đóng đảng phí', 'Dues category'],
    incomeBase: ['Thu nhập tính đảng phí', 'Income base'],
    reviewForm: ['Mẫu kiểm điểm', 'Review form'],
    partyGroup: ['Tổ đảng', 'Party group'],
  },
  roles: {
    secretary: ['Bí thư', 'Secretary'],
    deputy: ['Phó Bí thư', 'Deputy secretary'],
    committee: ['Chi ủy viên', 'Committee member'],
    member: ['Đảng viên', 'Member'],
  },
  memberships: { full: ['Chính thức', 'Full'], probationary: ['Dự bị', 'Probationary'] },
  exemptions: { permanent: ['Miễn hẳn', 'Permanent'], temporary: ['Tạm miễn', 'Temporary'] },
  duesCategories: {
    insured: ['Hưởng lương', 'Salaried'],
    sick_leave: ['Nghỉ ốm đau', 'Sick leave'],
    pensioner: ['Hưu trí', 'Pensioner'],
    student: ['Học sinh, sinh viên', 'Student'],
    other: ['Khác', 'Other'],
    abroad: ['Ở nước ngoài', 'Abroad'],
  },
  reviewForms: { '2A': ['Mẫu 2A'], '2B': ['Mẫu 2B'], '2C': ['Mẫu 2C'] },
  yes: ['Có', 'x', 'Yes'],
  no: ['Không', 'No'],
};

const TODAY = '2025-06-15';
const AN = 'Nguyễn Văn An';
const VI = rosterFields.map((f) => vocab.headers[f][0] as string);
const EN = rosterFields.map((f) => vocab.headers[f][1] as string);

type Cells = Partial<Record<RosterField, RawCell>>;

/** A data row in the template's column order. */
const rowOf = (line: number, fields: Cells): { line: number; cells: RawCell[] } => ({ line, cells: rosterFields.map((f) => fields[f] ?? null) });

/** A file with the template's Vietnamese headers; data rows start at line 2. */
const gridOf = (...rows: Cells[]): RawGrid => ({ headers: [...VI], rows: rows.map((r, i) => rowOf(i + 2, r)) });

const read = (...rows: Cells[]): ReturnType<typeof readRoster> => readRoster(gridOf(...rows), vocab, TODAY);
/** One row for Nguyễn Văn An with the given cells. */
const readOne = (fields: Cells): ReturnType<typeof readRoster> => read({ fullName: AN, ...fields });
/** The single row read without problems. */
const okRow = (fields: Cells): RosterRow => {
  const r = readOne(fields);
  expect(r.problems).toEqual([]);
  expect(r.rows).toHaveLength(1);
  return r.rows[0] as RosterRow;
};

const record = (memberId: number, over: Partial<RosterRecord> = {}): RosterRecord => ({
  memberId,
  status: 'active',
  fullName: AN,
  role: 'member',
  membership: 'full',
  membershipSince: '2010-05-19',
  exemptions: [],
  attachedTemporarily: false,
  collectsDues: false,
  duesCategory: 'insured',
  incomeBase: null,
  reviewForm: '2A',
  partyGroup: null,
  ...over,
});
const row = (line: number, over: Partial<RosterRow> = {}): RosterRow => ({ line, fullName: AN, ...over });

const ALL: PlanRights = { setRole: true, setIncome: true };
const NONE: PlanRights = { setRole: false, setIncome: false };

/** Unique, valid names for many rows: "Nguyễn Văn a", "Nguyễn Văn b", … "Nguyễn Văn ba", … */
const manyName = (i: number): string => `Nguyễn Văn ${[...i.toString(26)].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('')}`;

// ---------------------------------------------------------------------------------------------
// every problem code, with its line and field

interface Scenario {
  problems: () => RosterProblem[];
  line: number;
  field: RosterField | null;
}

/** Typed as a full record: a new code without a scenario fails to compile. */
const scenarios: Record<RosterProblemCode, Scenario> = {
  FILE_EMPTY: { problems: () => readRoster({ headers: [...VI], rows: [] }, vocab, TODAY).problems, line: 0, field: null },
  FILE_TOO_MANY_ROWS: {
    problems: () => readRoster({ headers: ['Họ và tên'], rows: Array.from({ length: ROSTER_MAX_ROWS + 1 }, (_, i) => ({ line: i + 2, cells: [manyName(i)] })) }, vocab, TODAY).problems,
    line: 0,
    field: null,
  },
  NO_NAME_COLUMN: { problems: () => readRoster({ headers: ['Chức vụ'], rows: [{ line: 2, cells: ['Bí thư'] }] }, vocab, TODAY).problems, line: 1, field: 'fullName' },
  ID_COLUMN: { problems: () => readRoster({ headers: ['Họ và tên', 'Số CCCD'], rows: [{ line: 2, cells: [AN, '001234567890'] }] }, vocab, TODAY).problems, line: 1, field: null },
  DUPLICATE_COLUMN: { problems: () => readRoster({ headers: ['Họ và tên', 'Full name'], rows: [{ line: 2, cells: [AN, AN] }] }, vocab, TODAY).problems, line: 1, field: 'fullName' },
  NAME_MISSING: { problems: () => read({ fullName: AN }, { role: 'Bí thư' }).problems, line: 3, field: 'fullName' },
  NAME_INVALID: { problems: () => read({ fullName: AN }, { fullName: 'An' }).problems, line: 3, field: 'fullName' },
  ID_NUMBER: { problems: () => read({ fullName: 'Nguyễn Văn An 001234567890' }).problems, line: 2, field: 'fullName' },
  NAME_DUPLICATE: { problems: () => read({ fullName: AN }, { fullName: 'Trần Thị Bình' }, { fullName: 'nguyễn văn an' }).problems, line: 4, field: 'fullName' },
  ROLE_UNKNOWN: { problems: () => readOne({ role: 'Trưởng ban' }).problems, line: 2, field: 'role' },
  MEMBERSHIP_UNKNOWN: { problems: () => readOne({ membership: 'Danh dự' }).problems, line: 2, field: 'membership' },
  DATE_INVALID: { problems: () => readOne({ membershipSince: '31/02/2024' }).problems, line: 2, field: 'membershipSince' },
  DATE_FUTURE: { problems: () => readOne({ membershipSince: '16/06/2025' }).problems, line: 2, field: 'membershipSince' },
  DATE_ORDER: { problems: () => readOne({ exemption: 'Tạm miễn', exemptionFrom: '01/03/2025', exemptionTo: '28/02/2025' }).problems, line: 2, field: 'exemptionTo' },
  EXEMPTION_KIND_MISSING: { problems: () => readOne({ exemptionFrom: '01/03/2025' }).problems, line: 2, field: 'exemption' },
  EXEMPTION_KIND_UNKNOWN: { problems: () => readOne({ exemption: 'Nghỉ phép', exemptionFrom: '01/03/2025' }).problems, line: 2, field: 'exemption' },
  EXEMPTION_FROM_MISSING: { problems: () => readOne({ exemption: 'Tạm miễn' }).problems, line: 2, field: 'exemptionFrom' },
  YES_NO_UNKNOWN: { problems: () => readOne({ collectsDues: 'Có lẽ' }).problems, line: 2, field: 'collectsDues' },
  CATEGORY_UNKNOWN: { problems: () => readOne({ duesCategory: 'Nông dân' }).problems, line: 2, field: 'duesCategory' },
  REVIEW_FORM_UNKNOWN: { problems: () => readOne({ reviewForm: '2D' }).problems, line: 2, field: 'reviewForm' },
  AMOUNT_INVALID: { problems: () => readOne({ incomeBase: 'abc' }).problems, line: 2, field: 'incomeBase' },
  GROUP_TOO_LONG: { problems: () => readOne({ partyGroup: 'T'.repeat(PARTY_GROUP_MAX + 1) }).problems, line: 2, field: 'partyGroup' },
  SECRETARY_CHANGE: { problems: () => planImport([row(7, { role: 'secretary' })], [record(1)], ALL).problems, line: 7, field: 'role' },
  ROLE_NOT_ALLOWED: { problems: () => planImport([row(7, { role: 'deputy' })], [record(1)], { setRole: false, setIncome: true }).problems, line: 7, field: 'role' },
  INCOME_NOT_ALLOWED: { problems: () => planImport([row(7, { incomeBase: 2_000_000 })], [record(1)], { setRole: true, setIncome: false }).problems, line: 7, field: 'incomeBase' },
  PENDING_MEMBER: { problems: () => planImport([row(7)], [record(1, { status: 'pending' })], ALL).problems, line: 7, field: 'fullName' },
};

describe('every problem code', () => {
  it('has a scenario for each code and no other', () => {
    expect(Object.keys(scenarios).sort()).toEqual([...rosterProblemCodes].sort());
    expect(new Set(rosterProblemCodes).size).toBe(rosterProblemCodes.length);
  });

  it.each(rosterProblemCodes.map((c) => [c] as const))('%s is produced alone, with its line and field', (code) => {
    const s = scenarios[code];
    const problems = s.problems();
    expect(problems.map((p) => p.code)).toEqual([code]);
    expect(problems[0]).toMatchObject({ line: s.line, field: s.field, code });
  });
});

// ---------------------------------------------------------------------------------------------
// cells

describe('cellText', () => {
  it.each<[RawCell, string]>([
    [null, ''],
    ['', ''],
    ['   ', ''],
    ['  Nguyễn   Văn\tAn \n', 'Nguyễn Văn An'],
    [1500000, '1500000'],
    [0, '0'],
    [1.5, '1.5'],
    [true, 'true'],
    [false, 'false'],
    [new Date(Date.UTC(2024, 0, 1)), '2024-01-01'],
    [new Date(Number.NaN), ''],
  ])('%j → %j', (cell, want) => {
    expect(cellText(cell)).toBe(want);
  });

  it('normalises NFD text to NFC', () => {
    const nfd = 'Nguyễn Văn An'.normalize('NFD');
    expect(cellText(nfd)).toBe('Nguyễn Văn An'.normalize('NFC'));
  });
});

describe('parseRosterDate', () => {
  it.each<[RawCell, string]>([
    ['15/06/2024', '2024-06-15'],
    ['5/6/2024', '2024-06-05'],
    ['05/6/2024', '2024-06-05'],
    ['05.06.2024', '2024-06-05'],
    ['5-6-2024', '2024-06-05'],
    [' 15/06/2024 ', '2024-06-15'],
    ['2024-06-05', '2024-06-05'],
    ['2024-6-5', '2024-06-05'],
    ['29/02/2024', '2024-02-29'],
    ['31/12/1930', '1930-12-31'],
    ['19/05/1990', '1990-05-19'],
    [new Date(Date.UTC(2024, 0, 1)), '2024-01-01'],
    [new Date(Date.UTC(2024, 1, 29)), '2024-02-29'],
    [45292, '2024-01-01'],
    [45351, '2024-02-29'],
    [45657, '2024-12-31'],
    [32647, '1989-05-19'],
  ])('%j → %s', (cell, want) => {
    expect(parseRosterDate(cell, TODAY)).toBe(want);
  });

  it.each<[string, RawCell]>([
    ['31 February', '31/02/2024'],
    ['29 February of a common year', '29/02/2023'],
    ['day 32', '32/01/2024'],
    ['month 13', '15/13/2024'],
    ['day 0', '00/01/2024'],
    ['ISO 31 April', '2024-04-31'],
    ['no year (it would silently become this year)', '15/06'],
    ['no year, dotted', '15.06'],
    ['two-digit year', '15/06/24'],
    ['year first with slashes', '2024/06/15'],
    ['year before 1930', '31/12/1929'],
    ['year after 2100', '01/01/2101'],
    ['words', 'mười lăm tháng sáu'],
    ['a time after the date', '15/06/2024 08:00'],
    ['empty', ''],
    ['null', null],
    ['a boolean', true],
    ['a serial with a time of day', 45292.5],
    ['a small number', 60],
    ['a huge number', 123456],
    ['a negative number', -45292],
    ['an invalid Date', new Date(Number.NaN)],
  ])('refuses %s', (_, cell) => {
    expect(parseRosterDate(cell, TODAY)).toBeNull();
  });

  it('does not depend on today for a date with its year', () => {
    expect(parseRosterDate('01/01/2024', '2030-01-01')).toBe('2024-01-01');
    expect(parseRosterDate('01/01/2024', '1990-01-01')).toBe('2024-01-01');
  });
});

describe('parseAmount', () => {
  it.each<[RawCell, number]>([
    ['1.500.000', 1_500_000],
    ['1 500 000 đ', 1_500_000],
    ['1 500 000đ', 1_500_000],
    ['1.500.000đ', 1_500_000],
    ['1.500.000 đồng', 1_500_000],
    ['1500000 dong', 1_500_000],
    ['1.500.000 VNĐ', 1_500_000],
    ['1,500,000 VND', 1_500_000],
    ['1500000 d', 1_500_000],
    ['1\u00a0500\u00a0000', 1_500_000],
    ['1500000', 1_500_000],
    [1_500_000, 1_500_000],
    ['1', 1],
    [1, 1],
    ['1.000.000.000', 1_000_000_000],
    [1_000_000_000, 1_000_000_000],
    ['999', 999],
  ])('%j → %d', (cell, want) => {
    expect(parseAmount(cell)).toBe(want);
  });

  it.each<[string, RawCell]>([
    ['zero text', '0'],
    ['zero', 0],
    ['negative', -5],
    ['negative text', '-5'],
    ['words', 'abc'],
    ['a fraction', 1.5],
    ['a decimal point', '1.5'],
    ['a decimal comma', '1,5'],
    ['a decimal part', '1.500.000,00'],
    ['badly grouped', '12.34.567'],
    ['"triệu"', '1,5 triệu'],
    ['above a billion', 1_000_000_001],
    ['above a billion as text', '1.000.000.001'],
    ['eleven digits', '12345678901'],
    ['empty', ''],
    ['null', null],
    ['a boolean', true],
    ['a date', new Date(Date.UTC(2024, 0, 1))],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('refuses %s', (_, cell) => {
    expect(parseAmount(cell)).toBeNull();
  });
});

describe('nameKey', () => {
  it('ignores case and spacing', () => {
    expect(nameKey('  NGUYỄN   văn\tAn ')).toBe(nameKey(AN));
    expect(nameKey('nguyễn văn an')).toBe(nameKey('Nguyễn Văn An'));
  });

  it('ignores where the tone mark sits, old style or new: Thủy = Thuỷ, Hòa = Hoà', () => {
    expect(nameKey('Nguyễn Thị Thủy')).toBe(nameKey('Nguyễn Thị Thuỷ'));
    expect(nameKey('Trần Văn Hòa')).toBe(nameKey('Trần Văn Hoà'));
    expect(nameKey('Lê Thị Thúy')).toBe(nameKey('Lê Thị Thuý'));
    expect(nameKey('Lê Thị Thúy')).not.toBe(nameKey('Lê Thị Thủy'));
    expect(nameKey('Trần Văn Hòa')).not.toBe(nameKey('Trần Văn Hoa'));
  });

  it('ignores the Unicode form', () => {
    expect(nameKey(AN.normalize('NFD'))).toBe(nameKey(AN.normalize('NFC')));
  });

  it('keeps diacritics: Hùng and Hưng are two people', () => {
    expect(nameKey('Lê Văn Hùng')).not.toBe(nameKey('Lê Văn Hưng'));
    expect(nameKey('Lê Văn Hùng')).not.toBe(nameKey('Le Van Hung'));
    expect(nameKey('Đỗ Thị Mai')).not.toBe(nameKey('Do Thi Mai'));
  });
});

// ---------------------------------------------------------------------------------------------
// headers

describe('mapHeaders', () => {
  const map = (headers: string[], rows: RawCell[][] = []): ReturnType<typeof mapHeaders> =>
    mapHeaders({ headers, rows: rows.map((cells, i) => ({ line: i + 2, cells })) }, vocab);
  const templateColumns = Object.fromEntries(rosterFields.map((f, i) => [f, i]));

  it('maps every Vietnamese label to its column', () => {
    expect(map(VI)).toEqual({ map: { columns: templateColumns, dates: {}, ignored: [] }, problems: [] });
  });

  it('maps every English label to its column', () => {
    expect(map(EN)).toEqual({ map: { columns: templateColumns, dates: {}, ignored: [] }, problems: [] });
  });

  it('accepts columns in any order, mixing languages', () => {
    const r = map(['Tổ đảng', 'Role', 'Họ và tên']);
    expect(r.problems).toEqual([]);
    expect(r.map.columns).toEqual({ partyGroup: 0, role: 1, fullName: 2 });
  });

  it.each([
    'HỌ VÀ TÊN',
    'họ và tên',
    'ho va ten',
    'HO VA TEN',
    '  Họ   và  tên  ',
    'Họ\tvà\ntên',
    'Họ_và_tên',
    'Họ-và-tên',
    'Họ và tên (*)',
    'Họ và tên:',
    'Họ và tên'.normalize('NFD'),
    'FULL NAME',
    'full_name',
  ])('reads %j as the name column', (header) => {
    const r = map(['STT', header]);
    expect(r.problems).toEqual([]);
    expect(r.map.columns).toEqual({ fullName: 1 });
  });

  it.each([
    ['Chức Vụ', 'role'],
    ['chuc vu', 'role'],
    ['NGÀY VÀO ĐẢNG', 'membershipSince'],
    ['ngay vao dang', 'membershipSince'],
    ['Đối tượng đóng Đảng phí', 'duesCategory'],
    ['doi tuong dong dang phi', 'duesCategory'],
    ['Mẫu kiểm điểm', 'reviewForm'],
    ['TỔ ĐẢNG', 'partyGroup'],
    ['to dang', 'partyGroup'],
    ['Thu nhập tính đảng phí', 'incomeBase'],
  ] as const)('reads %j as %s', (header, field) => {
    const r = map(['Họ và tên', header]);
    expect(r.problems).toEqual([]);
    expect(r.map.columns[field]).toBe(1);
  });

  it('lists unknown columns, trimmed, and reads past them', () => {
    const r = map(['STT', ' Ghi chú ', 'Họ và tên', 'Số điện thoại', 'Quê quán'], [['1', 'trưởng thôn', AN, '0912 345 678', 'Nam Định']]);
    expect(r.problems).toEqual([]);
    expect(r.map).toEqual({ columns: { fullName: 2 }, dates: {}, ignored: ['STT', 'Ghi chú', 'Số điện thoại', 'Quê quán'] });
  });

  it('skips a blank header over an empty or harmless column without listing it', () => {
    const r = map(['Họ và tên', '', '   ', 'Tổ đảng'], [[AN, null, 'ghi chú', 'Tổ 1']]);
    expect(r.problems).toEqual([]);
    expect(r.map).toEqual({ columns: { fullName: 0, partyGroup: 3 }, dates: {}, ignored: [] });
  });

  it.each([
    'Số CCCD',
    'CCCD',
    'cccd',
    'CMND',
    'Số CMND',
    'CMND/CCCD',
    'Số CMT',
    'Căn cước',
    'Căn cước công dân',
    'CĂN CƯỚC',
    'can cuoc',
    'Số định danh cá nhân',
    'Mã định danh',
    'Chứng minh nhân dân',
    'Citizen ID',
    'ID number',
    'ID card',
    'National ID',
    'Identity',
  ])('refuses a column headed %j, even when empty', (header) => {
    const r = map(['Họ và tên', header], [[AN, null]]);
    expect(r.problems).toEqual([{ line: 1, field: null, code: 'ID_COLUMN', value: header }]);
    expect(r.map.ignored).toEqual([]);
    expect(r.map.columns).toEqual({ fullName: 0 });
  });

  it.each<[string, RawCell[]]>([
    ['12 digits', ['001234567890', '079123456789']],
    ['12 digits with spaces', ['0012 3456 7890', '079 123 456 789']],
    ['12 digits with dots', ['001.234.567.890', '079.123.456.789']],
    ['9 digits', ['012345678', '123456789']],
    ['9 digits with spaces and dots', ['012 345 678', '123.456.789']],
    ['12-digit number cells', [123456789012, 223456789012]],
    ['CCCD number cells that lost one leading zero', [79123456789, 38123456789]],
    ['CCCD number cells that lost two leading zeros', [1234567890, 2123456789]],
    ['9-digit number cells', [123456789, 234567890]],
  ])('refuses an unnamed column of %s', (_, values) => {
    const r = map(['Họ và tên', ''], values.map((v, i) => [`Nguyễn Văn ${'ABCDEFGH'[i] ?? 'Z'}`, v]));
    expect(r.problems).toEqual([{ line: 1, field: null, code: 'ID_COLUMN', value: 'B' }]);
  });

  it('refuses ID numbers under an innocent header, naming the header', () => {
    const r = map(['Họ và tên', 'Ghi chú'], [[AN, '001234567890']]);
    expect(r.problems).toEqual([{ line: 1, field: null, code: 'ID_COLUMN', value: 'Ghi chú' }]);
    expect(r.map.ignored).toEqual([]);
  });

  it('refuses ID numbers under one of its own headers', () => {
    const r = map(['Họ và tên', 'Tổ đảng'], [[AN, '001234567890']]);
    expect(r.problems).toEqual([{ line: 1, field: null, code: 'ID_COLUMN', value: 'Tổ đảng' }]);
    expect(r.map.columns).toEqual({ fullName: 0 });
  });

  it('refuses ID numbers in a column past the end of the header row', () => {
    const r = map(['Họ và tên'], [[AN, null, '001234567890']]);
    expect(r.problems).toEqual([{ line: 1, field: null, code: 'ID_COLUMN', value: 'C' }]);
  });

  it('names far columns by their spreadsheet letters', () => {
    const wide = (n: number): RawCell[] => [AN, ...Array.from<RawCell>({ length: n - 2 }).fill(null), '001234567890'];
    expect(map(['Họ và tên'], [wide(26)]).problems[0]?.value).toBe('Z');
    expect(map(['Họ và tên'], [wide(27)]).problems[0]?.value).toBe('AA');
    expect(map(['Họ và tên'], [wide(53)]).problems[0]?.value).toBe('BA');
  });

  it('refuses when at least half of the filled cells are ID numbers, not fewer', () => {
    const half = map(['Họ và tên', ''], [[AN, '001234567890'], ['Trần Thị Bình', 'chuyển đi'], ['Lê Văn Hùng', null]]);
    expect(half.problems.map((p) => p.code)).toEqual(['ID_COLUMN']);
    const third = map(['Họ và tên', 'Ghi chú'], [[AN, '001234567890'], ['Trần Thị Bình', 'chuyển đi'], ['Lê Văn Hùng', 'ốm']]);
    expect(third.problems).toEqual([]);
    expect(third.map.ignored).toEqual(['Ghi chú']);
  });

  it.each<[string, RawCell[]]>([
    ['phone numbers as text', ['0912345678', '0987 654 321']],
    ['short numbers', ['1', '2']],
    ['11-digit text', ['01234567890', '01234567891']],
    ['8-digit text', ['12345678', '23456789']],
    ['dates', [new Date(Date.UTC(2024, 0, 1)), '01.01.2024']],
    ['amounts', ['1.500.000', 25_000_000]],
  ])('does not take %s for ID numbers', (_, values) => {
    const r = map(['Họ và tên', 'Khác nữa'], values.map((v) => [AN, v]));
    expect(r.problems).toEqual([]);
  });

  it('refuses a second column for the same field, keeping the first', () => {
    const r = map(['Họ và tên', 'Chức vụ', 'Full name', 'ROLE']);
    expect(r.problems).toEqual([
      { line: 1, field: 'fullName', code: 'DUPLICATE_COLUMN', value: 'Full name' },
      { line: 1, field: 'role', code: 'DUPLICATE_COLUMN', value: 'ROLE' },
    ]);
    expect(r.map.columns).toEqual({ fullName: 0, role: 1 });
  });

  it('refuses the same header written twice in different ways', () => {
    const r = map(['Họ và tên', 'HO VA TEN']);
    expect(r.problems).toEqual([{ line: 1, field: 'fullName', code: 'DUPLICATE_COLUMN', value: 'HO VA TEN' }]);
  });

  it('requires a name column', () => {
    expect(map(['Chức vụ', 'Tổ đảng']).problems).toEqual([{ line: 1, field: 'fullName', code: 'NO_NAME_COLUMN' }]);
    expect(map([]).problems).toEqual([{ line: 1, field: 'fullName', code: 'NO_NAME_COLUMN' }]);
    expect(map(['Tên']).problems).toEqual([{ line: 1, field: 'fullName', code: 'NO_NAME_COLUMN' }]);
  });

  it('reports an ID column rather than a missing name column', () => {
    expect(map(['Số CCCD', 'Chức vụ']).problems).toEqual([{ line: 1, field: null, code: 'ID_COLUMN', value: 'Số CCCD' }]);
  });

  it('reports every header problem at once', () => {
    const r = map(['Họ và tên', 'CCCD', 'Họ và tên', 'Căn cước']);
    expect(r.problems.map((p) => p.code)).toEqual(['ID_COLUMN', 'DUPLICATE_COLUMN', 'ID_COLUMN']);
  });

  it('shortens a long header to 40 characters', () => {
    const long = `Số CCCD ${'rất dài '.repeat(10)}`;
    const value = map(['Họ và tên', long]).problems[0]?.value ?? '';
    expect(value).toHaveLength(40);
    expect(value.endsWith('…')).toBe(true);
    expect(long.startsWith(value.slice(0, 39))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// rows

describe('readRoster: the file', () => {
  it('reads a complete row written with Vietnamese labels', () => {
    const r = readOne({
      role: 'Chi ủy viên',
      membership: 'Dự bị',
      membershipSince: '19/05/2024',
      exemption: 'Tạm miễn',
      exemptionFrom: '01/07/2025',
      exemptionTo: '31/12/2025',
      attachedTemporarily: 'Không',
      collectsDues: 'Có',
      duesCategory: 'Hưu trí',
      incomeBase: '4.500.000 đ',
      reviewForm: 'Mẫu 2B',
      partyGroup: 'Tổ 1',
    });
    expect(r).toEqual({
      rows: [
        {
          line: 2,
          fullName: AN,
          role: 'committee',
          membership: 'probationary',
          membershipSince: '2024-05-19',
          exemption: { kind: 'temporary', from: '2025-07-01', to: '2025-12-31' },
          attachedTemporarily: false,
          collectsDues: true,
          duesCategory: 'pensioner',
          incomeBase: 4_500_000,
          reviewForm: '2B',
          partyGroup: 'Tổ 1',
        },
      ],
      ignored: [],
      problems: [],
    });
  });

  it('reads a complete row written in English with Excel cells', () => {
    const grid: RawGrid = {
      headers: [...EN],
      rows: [
        rowOf(2, {
          fullName: 'tran thi binh',
          role: 'Deputy secretary',
          membership: 'full',
          membershipSince: new Date(Date.UTC(2001, 8, 2)),
          exemption: 'Permanent',
          exemptionFrom: 45292,
          attachedTemporarily: true,
          collectsDues: false,
          duesCategory: 'sick_leave',
          incomeBase: 12_000_000,
          reviewForm: '2c',
          partyGroup: 'Group B',
        }),
      ],
    };
    expect(readRoster(grid, vocab, TODAY).rows).toEqual([
      {
        line: 2,
        fullName: 'Tran Thi Binh',
        role: 'deputy',
        membership: 'full',
        membershipSince: '2001-09-02',
        exemption: { kind: 'permanent', from: '2024-01-01', to: null },
        attachedTemporarily: true,
        collectsDues: false,
        duesCategory: 'sick_leave',
        incomeBase: 12_000_000,
        reviewForm: '2C',
        partyGroup: 'Group B',
      },
    ]);
  });

  it('leaves blank cells undefined (keep, or the default)', () => {
    const r = read({ fullName: AN, role: '', membership: '   ', incomeBase: null });
    expect(r.problems).toEqual([]);
    expect(r.rows).toEqual([{ line: 2, fullName: AN }]);
    expect(Object.keys(r.rows[0] ?? {})).toEqual(['line', 'fullName']);
  });

  it('reads a file with only the name column', () => {
    const r = readRoster({ headers: ['Họ và tên'], rows: [{ line: 2, cells: ['nguyễn văn an'] }, { line: 3, cells: ['lê văn hùng'] }] }, vocab, TODAY);
    expect(r).toEqual({ rows: [{ line: 2, fullName: AN }, { line: 3, fullName: 'Lê Văn Hùng' }], ignored: [], problems: [] });
  });

  it('treats missing trailing cells as blank', () => {
    const r = readRoster({ headers: [...VI], rows: [{ line: 2, cells: [AN, 'Bí thư'] }] }, vocab, TODAY);
    expect(r.problems).toEqual([]);
    expect(r.rows).toEqual([{ line: 2, fullName: AN, role: 'secretary' }]);
  });

  it('skips blank rows and keeps the file line numbers', () => {
    const grid: RawGrid = {
      headers: ['STT', 'Họ và tên', 'Chức vụ'],
      rows: [
        { line: 2, cells: [null, AN, 'Bí thư'] },
        { line: 3, cells: [] },
        { line: 4, cells: [null, '', '   '] },
        { line: 5, cells: [null, null, null] },
        { line: 7, cells: ['', 'Trần Thị Bình', ''] },
      ],
    };
    const r = readRoster(grid, vocab, TODAY);
    expect(r).toEqual({ rows: [{ line: 2, fullName: AN, role: 'secretary' }, { line: 7, fullName: 'Trần Thị Bình' }], ignored: ['STT'], problems: [] });
  });

  it('lists the columns it ignored on success', () => {
    const r = readRoster({ headers: ['STT', 'Họ và tên', 'Ghi chú'], rows: [{ line: 2, cells: ['1', AN, 'mới chuyển đến'] }] }, vocab, TODAY);
    expect(r).toEqual({ rows: [{ line: 2, fullName: AN }], ignored: ['STT', 'Ghi chú'], problems: [] });
  });

  it.each<[string, RawGrid]>([
    ['no rows', { headers: [...VI], rows: [] }],
    ['only blank rows', { headers: [...VI], rows: [rowOf(2, {}), rowOf(3, { fullName: '  ', role: '' }), { line: 4, cells: [] }] }],
    ['no headers and no rows', { headers: [], rows: [] }],
    ['no name column and no rows', { headers: ['Chức vụ'], rows: [] }],
  ])('refuses an empty file: %s', (_, grid) => {
    expect(readRoster(grid, vocab, TODAY)).toEqual({ rows: [], ignored: [], problems: [{ line: 0, field: null, code: 'FILE_EMPTY' }] });
  });

  it(`refuses more than ${ROSTER_MAX_ROWS} filled rows`, () => {
    const rows = Array.from({ length: ROSTER_MAX_ROWS + 1 }, (_, i) => ({ line: i + 2, cells: [manyName(i)] as RawCell[] }));
    expect(readRoster({ headers: ['Họ và tên'], rows }, vocab, TODAY)).toEqual({
      rows: [],
      ignored: [],
      problems: [{ line: 0, field: null, code: 'FILE_TOO_MANY_ROWS', value: String(ROSTER_MAX_ROWS) }],
    });
  });

  it(`reads exactly ${ROSTER_MAX_ROWS} filled rows, blank rows not counted`, () => {
    const rows = Array.from({ length: ROSTER_MAX_ROWS }, (_, i) => ({ line: i + 2, cells: [manyName(i)] as RawCell[] }));
    rows.push({ line: ROSTER_MAX_ROWS + 2, cells: [null] }, { line: ROSTER_MAX_ROWS + 3, cells: [''] });
    const r = readRoster({ headers: ['Họ và tên'], rows }, vocab, TODAY);
    expect(r.problems).toEqual([]);
    expect(r.rows).toHaveLength(ROSTER_MAX_ROWS);
  });

  it('stops at header problems without reading the rows', () => {
    const grid: RawGrid = { headers: ['Họ và tên', 'Số CCCD', 'Ghi chú'], rows: [{ line: 2, cells: ['An', '001234567890', 'x'] }] };
    expect(readRoster(grid, vocab, TODAY)).toEqual({ rows: [], ignored: ['Ghi chú'], problems: [{ line: 1, field: null, code: 'ID_COLUMN', value: 'Số CCCD' }] });
  });

  it('refuses an unnamed ID column in a whole file, without echoing the numbers', () => {
    const grid: RawGrid = {
      headers: ['Họ và tên', 'Chức vụ', ''],
      rows: [
        { line: 2, cells: [AN, 'Bí thư', '001 234 567 890'] },
        { line: 3, cells: ['Trần Thị Bình', 'Đảng viên', '079.123.456.789'] },
      ],
    };
    const r = readRoster(grid, vocab, TODAY);
    expect(r).toEqual({ rows: [], ignored: [], problems: [{ line: 1, field: null, code: 'ID_COLUMN', value: 'C' }] });
    expect(JSON.stringify(r)).not.toMatch(/234|123/);
  });

  it('judges the ID column on filled rows only', () => {
    const grid: RawGrid = {
      headers: ['Họ và tên', ''],
      rows: [{ line: 2, cells: [AN, '001234567890'] }, { line: 3, cells: [null, null] }, { line: 4, cells: [null, null] }],
    };
    expect(readRoster(grid, vocab, TODAY).problems.map((p) => p.code)).toEqual(['ID_COLUMN']);
  });

  it('imports nothing while any row is wrong, and reports only the wrong rows', () => {
    const r = read({ fullName: AN, role: 'Bí thư' }, { fullName: 'Trần Thị Bình', role: 'Thủ quỹ' }, { fullName: 'Lê Văn Hùng' });
    expect(r.rows).toEqual([]);
    expect(r.problems).toEqual([{ line: 3, field: 'role', code: 'ROLE_UNKNOWN', value: 'Thủ quỹ' }]);
  });

  it('reports every problem of a row, in column order', () => {
    const r = read({
      fullName: 'An',
      role: 'Trưởng ban',
      membership: 'Danh dự',
      membershipSince: '16/06/2025',
      exemption: 'Nghỉ phép',
      exemptionFrom: '30/02/2025',
      attachedTemporarily: 'có lẽ',
      collectsDues: 2,
      duesCategory: 'Nông dân',
      incomeBase: '-5',
      reviewForm: '3A',
      partyGroup: 'T'.repeat(61),
    });
    expect(r.rows).toEqual([]);
    expect(r.problems).toEqual([
      { line: 2, field: 'fullName', code: 'NAME_INVALID', value: 'An' },
      { line: 2, field: 'role', code: 'ROLE_UNKNOWN', value: 'Trưởng ban' },
      { line: 2, field: 'membership', code: 'MEMBERSHIP_UNKNOWN', value: 'Danh dự' },
      { line: 2, field: 'membershipSince', code: 'DATE_FUTURE', value: '16/06/2025' },
      { line: 2, field: 'exemption', code: 'EXEMPTION_KIND_UNKNOWN', value: 'Nghỉ phép' },
      { line: 2, field: 'exemptionFrom', code: 'DATE_INVALID', value: '30/02/2025' },
      { line: 2, field: 'attachedTemporarily', code: 'YES_NO_UNKNOWN', value: 'có lẽ' },
      { line: 2, field: 'collectsDues', code: 'YES_NO_UNKNOWN', value: '2' },
      { line: 2, field: 'duesCategory', code: 'CATEGORY_UNKNOWN', value: 'Nông dân' },
      { line: 2, field: 'incomeBase', code: 'AMOUNT_INVALID' },
      { line: 2, field: 'reviewForm', code: 'REVIEW_FORM_UNKNOWN', value: '3A' },
      { line: 2, field: 'partyGroup', code: 'GROUP_TOO_LONG', value: `${'T'.repeat(39)}…` },
    ]);
  });

  it('reports problems of several rows with their own lines', () => {
    const r = read({ fullName: AN, role: 'X' }, { fullName: 'Trần Thị Bình' }, { fullName: 'Lê Văn Hùng', reviewForm: 'Y' });
    expect(r.problems.map((p) => [p.line, p.field, p.code])).toEqual([
      [2, 'role', 'ROLE_UNKNOWN'],
      [4, 'reviewForm', 'REVIEW_FORM_UNKNOWN'],
    ]);
  });
});

describe('readRoster: names', () => {
  it.each([
    ['nguyễn văn an', AN],
    ['  NGUYỄN  VĂN AN ', 'NGUYỄN VĂN AN'],
    ['Nguyễn\tVăn\nAn', AN],
    [AN.normalize('NFD'), AN],
    ['đặng thị đào', 'Đặng Thị Đào'],
  ])('%j → %j', (input, want) => {
    expect(okRow({ fullName: input }).fullName).toBe(want);
  });

  it('reports a row with data but no name once, and goes on', () => {
    const r = read({ role: 'Bí thư', partyGroup: 'Tổ 1' }, { fullName: AN });
    expect(r.problems).toEqual([{ line: 2, field: 'fullName', code: 'NAME_MISSING' }]);
  });

  it('does not match nameless rows against each other', () => {
    const r = read({ role: 'Bí thư' }, { role: 'Đảng viên' });
    expect(r.problems).toEqual([
      { line: 2, field: 'fullName', code: 'NAME_MISSING' },
      { line: 3, field: 'fullName', code: 'NAME_MISSING' },
    ]);
  });

  it.each([
    ['one word', 'An'],
    ['digits', 'Nguyễn Văn 2'],
    ['a leading mark', '-Nguyễn Văn An'],
    ['too long', `Nguyễn ${'a'.repeat(80)}`],
  ])('refuses a name with %s, showing it', (_, name) => {
    const r = readOne({ fullName: name });
    expect(r.rows).toEqual([]);
    expect(r.problems).toEqual([{ line: 2, field: 'fullName', code: 'NAME_INVALID', value: name.length > 40 ? `${name.slice(0, 39)}…` : name }]);
  });

  it.each(['Nguyễn Văn An 001234567890', 'Nguyễn Văn An 0012 3456 7890', '012345678 Nguyễn Văn An', 'Nguyễn Văn An (CCCD 001.234.567.890)'])(
    'refuses a name holding an ID number without echoing it: %j',
    (name) => {
      const r = readOne({ fullName: name });
      expect(r.rows).toEqual([]);
      expect(r.problems).toEqual([{ line: 2, field: 'fullName', code: 'ID_NUMBER' }]);
      expect(JSON.stringify(r)).not.toMatch(/\d{3}/);
    },
  );

  it('never echoes an ID number through a duplicate name', () => {
    const r = read({ fullName: 'Nguyễn Văn An 001234567890' }, { fullName: 'nguyễn văn an 001234567890' });
    expect(r.problems).toEqual([
      { line: 2, field: 'fullName', code: 'ID_NUMBER' },
      { line: 3, field: 'fullName', code: 'ID_NUMBER' },
    ]);
    expect(JSON.stringify(r)).not.toContain('234567');
  });

  it('finds names repeated with another case or spacing, naming the first line', () => {
    const r = read({ fullName: AN }, { fullName: 'Trần Thị Bình' }, { fullName: '  nguyễn   VĂN an ' }, { fullName: AN.normalize('NFD') });
    expect(r.rows).toEqual([]);
    expect(r.problems).toEqual([
      { line: 4, field: 'fullName', code: 'NAME_DUPLICATE', value: 'Nguyễn VĂN An (2)' },
      { line: 5, field: 'fullName', code: 'NAME_DUPLICATE', value: `${AN} (2)` },
    ]);
  });

  it('keeps two people whose names differ only by diacritics', () => {
    const r = read({ fullName: 'Lê Văn Hùng' }, { fullName: 'Lê Văn Hưng' }, { fullName: 'Le Van Hung' });
    expect(r.problems).toEqual([]);
    expect(r.rows.map((x) => x.fullName)).toEqual(['Lê Văn Hùng', 'Lê Văn Hưng', 'Le Van Hung']);
  });

  it('reports a duplicate of an invalid name too', () => {
    const r = read({ fullName: 'Nguyễn Văn 2' }, { fullName: 'nguyễn văn 2' });
    expect(r.problems.map((p) => [p.line, p.code])).toEqual([
      [2, 'NAME_INVALID'],
      [3, 'NAME_INVALID'],
      [3, 'NAME_DUPLICATE'],
    ]);
  });
});

describe('readRoster: role, membership, category, review form', () => {
  it.each([
    ['Bí thư', 'secretary'],
    ['bí thư', 'secretary'],
    ['BI THU', 'secretary'],
    ['Bí  thư ', 'secretary'],
    ['Secretary', 'secretary'],
    ['secretary', 'secretary'],
    ['Phó Bí thư', 'deputy'],
    ['pho bi thu', 'deputy'],
    ['Deputy secretary', 'deputy'],
    ['deputy', 'deputy'],
    ['Chi ủy viên', 'committee'],
    ['Chi uỷ viên'.normalize('NFD'), 'committee'],
    ['CHI UY VIEN', 'committee'],
    ['Committee member', 'committee'],
    ['committee', 'committee'],
    ['Đảng viên', 'member'],
    ['dang vien', 'member'],
    ['Member', 'member'],
  ] as const)('role %j → %s', (text, want) => {
    expect(okRow({ role: text }).role).toBe(want);
  });

  it.each(['Trưởng ban', 'Bí thư chi bộ', 'Phó', 'admin', 'true'])('refuses the role %j', (text) => {
    expect(readOne({ role: text }).problems).toEqual([{ line: 2, field: 'role', code: 'ROLE_UNKNOWN', value: text }]);
  });

  it('refuses a boolean in the role column', () => {
    expect(readOne({ role: true }).problems).toEqual([{ line: 2, field: 'role', code: 'ROLE_UNKNOWN', value: 'true' }]);
  });

  it.each([
    ['Chính thức', 'full'],
    ['chinh thuc', 'full'],
    ['Full', 'full'],
    ['Dự bị', 'probationary'],
    ['DỰ BỊ', 'probationary'],
    ['du bi', 'probationary'],
    ['probationary', 'probationary'],
  ] as const)('membership %j → %s', (text, want) => {
    expect(okRow({ membership: text }).membership).toBe(want);
  });

  it('refuses an unknown membership', () => {
    expect(readOne({ membership: 'Quần chúng' }).problems).toEqual([{ line: 2, field: 'membership', code: 'MEMBERSHIP_UNKNOWN', value: 'Quần chúng' }]);
  });

  it.each([
    ['Hưởng lương', 'insured'],
    ['huong luong', 'insured'],
    ['Nghỉ ốm đau', 'sick_leave'],
    ['sick_leave', 'sick_leave'],
    ['Sick leave', 'sick_leave'],
    ['Hưu trí', 'pensioner'],
    ['Học sinh, sinh viên', 'student'],
    ['hoc sinh sinh vien', 'student'],
    ['Khác', 'other'],
    ['Ở nước ngoài', 'abroad'],
    ['abroad', 'abroad'],
  ] as const)('dues category %j → %s', (text, want) => {
    expect(okRow({ duesCategory: text }).duesCategory).toBe(want);
  });

  it('refuses an unknown dues category', () => {
    expect(readOne({ duesCategory: 'Nông dân' }).problems).toEqual([{ line: 2, field: 'duesCategory', code: 'CATEGORY_UNKNOWN', value: 'Nông dân' }]);
  });

  it.each([
    ['2A', '2A'],
    ['2a', '2A'],
    [' 2B ', '2B'],
    ['Mẫu 2C', '2C'],
    ['mau 2c', '2C'],
  ] as const)('review form %j → %s', (text, want) => {
    expect(okRow({ reviewForm: text }).reviewForm).toBe(want);
  });

  it.each(['2D', '2', 'A', 'Mẫu 3'])('refuses the review form %j', (text) => {
    expect(readOne({ reviewForm: text }).problems).toEqual([{ line: 2, field: 'reviewForm', code: 'REVIEW_FORM_UNKNOWN', value: text }]);
  });

  it('reports an ID number written in a wrong column as such, never echoing it', () => {
    // Two ordinary rows keep the columns from looking like ID columns as a whole.
    const r = read(
      { fullName: AN, role: '001234567890', membershipSince: 123456789012, exemption: '0012 3456 7890', collectsDues: '012.345.678', partyGroup: 'Tổ 001 234 567 890' },
      { fullName: 'Trần Thị Bình', role: 'Bí thư', membershipSince: '01/01/2001', exemption: 'Tạm miễn', exemptionFrom: '01/01/2025', collectsDues: 'Có', partyGroup: 'Tổ 1' },
      { fullName: 'Lê Văn Hùng', role: 'Đảng viên', membershipSince: '02/02/2002', exemption: 'Miễn hẳn', exemptionFrom: '01/01/2025', collectsDues: 'Không', partyGroup: 'Tổ 2' },
    );
    expect(r.problems).toEqual([
      { line: 2, field: 'role', code: 'ID_NUMBER' },
      { line: 2, field: 'membershipSince', code: 'ID_NUMBER' },
      { line: 2, field: 'exemption', code: 'ID_NUMBER' },
      { line: 2, field: 'collectsDues', code: 'ID_NUMBER' },
      { line: 2, field: 'partyGroup', code: 'ID_NUMBER' },
    ]);
    expect(JSON.stringify(r)).not.toContain('234');
  });
});

describe('readRoster: membership date', () => {
  it.each<[RawCell, string]>([
    ['19/05/2010', '2010-05-19'],
    ['9/5/2010', '2010-05-09'],
    ['2010-05-19', '2010-05-19'],
    [new Date(Date.UTC(2010, 4, 19)), '2010-05-19'],
    [40317, '2010-05-19'],
    ['15/06/2025', TODAY],
    ['29/02/2024', '2024-02-29'],
  ])('%j → %s', (cell, want) => {
    expect(okRow({ membershipSince: cell }).membershipSince).toBe(want);
  });

  it.each<[RawCell, string]>([
    ['31/02/2024', '31/02/2024'],
    ['29/02/2023', '29/02/2023'],
    ['19/05', '19/05'],
    ['tháng 5/2010', 'tháng 5/2010'],
    [45292.25, '45292.25'],
  ])('refuses %j as an invalid date', (cell, shown) => {
    expect(readOne({ membershipSince: cell }).problems).toEqual([{ line: 2, field: 'membershipSince', code: 'DATE_INVALID', value: shown }]);
  });

  it.each<[RawCell, string]>([
    ['16/06/2025', '16/06/2025'],
    ['2030-01-01', '2030-01-01'],
    [new Date(Date.UTC(2025, 5, 16)), '2025-06-16'],
    [45825, '45825'],
  ])('refuses %j as a date after today', (cell, shown) => {
    expect(readOne({ membershipSince: cell }).problems).toEqual([{ line: 2, field: 'membershipSince', code: 'DATE_FUTURE', value: shown }]);
  });

  it('measures the future from the today passed in', () => {
    expect(readRoster(gridOf({ fullName: AN, membershipSince: '16/06/2025' }), vocab, '2025-06-16').problems).toEqual([]);
    expect(readRoster(gridOf({ fullName: AN, membershipSince: '16/06/2025' }), vocab, '2025-06-15').problems.map((p) => p.code)).toEqual(['DATE_FUTURE']);
  });
});

describe('readRoster: exemption', () => {
  it('reads a temporary exemption with both dates', () => {
    expect(okRow({ exemption: 'Tạm miễn', exemptionFrom: '01/07/2025', exemptionTo: '31/12/2025' }).exemption).toEqual({ kind: 'temporary', from: '2025-07-01', to: '2025-12-31' });
  });

  it('reads an exemption without an end as open-ended', () => {
    expect(okRow({ exemption: 'Temporary', exemptionFrom: '2025-01-01' }).exemption).toEqual({ kind: 'temporary', from: '2025-01-01', to: null });
  });

  it('reads a one-day exemption', () => {
    expect(okRow({ exemption: 'Tạm miễn', exemptionFrom: '01/07/2025', exemptionTo: '01/07/2025' }).exemption).toEqual({ kind: 'temporary', from: '2025-07-01', to: '2025-07-01' });
  });

  it('accepts past and future exemption dates (no DATE_FUTURE)', () => {
    expect(okRow({ exemption: 'Tạm miễn', exemptionFrom: '01/01/2030', exemptionTo: '31/12/2030' }).exemption).toEqual({ kind: 'temporary', from: '2030-01-01', to: '2030-12-31' });
    expect(okRow({ exemption: 'Miễn hẳn', exemptionFrom: '01/01/2001' }).exemption).toEqual({ kind: 'permanent', from: '2001-01-01', to: null });
  });

  it('ignores the end of a permanent exemption', () => {
    expect(okRow({ exemption: 'Miễn hẳn', exemptionFrom: '01/01/2024', exemptionTo: '31/12/2024' }).exemption).toEqual({ kind: 'permanent', from: '2024-01-01', to: null });
    expect(okRow({ exemption: 'permanent', exemptionFrom: new Date(Date.UTC(2024, 0, 1)), exemptionTo: 45657 }).exemption).toEqual({ kind: 'permanent', from: '2024-01-01', to: null });
  });

  it('still checks the order of an ignored end of a permanent exemption', () => {
    expect(readOne({ exemption: 'Miễn hẳn', exemptionFrom: '01/01/2024', exemptionTo: '31/12/2023' }).problems).toEqual([
      { line: 2, field: 'exemptionTo', code: 'DATE_ORDER', value: '31/12/2023' },
    ]);
  });

  it.each<[string, Cells]>([
    ['from only', { exemptionFrom: '01/07/2025' }],
    ['to only', { exemptionTo: '31/12/2025' }],
    ['both dates', { exemptionFrom: '01/07/2025', exemptionTo: '31/12/2025' }],
    ['Excel dates', { exemptionFrom: new Date(Date.UTC(2025, 6, 1)) }],
  ])('refuses dates without a kind: %s', (_, cells) => {
    expect(readOne(cells).problems).toEqual([{ line: 2, field: 'exemption', code: 'EXEMPTION_KIND_MISSING' }]);
  });

  it('does not also ask for a kind when the only date is unreadable', () => {
    expect(readOne({ exemptionFrom: '31/02/2025' }).problems).toEqual([{ line: 2, field: 'exemptionFrom', code: 'DATE_INVALID', value: '31/02/2025' }]);
  });

  it.each<[string, Cells]>([
    ['no dates', { exemption: 'Tạm miễn' }],
    ['only an end', { exemption: 'Tạm miễn', exemptionTo: '31/12/2025' }],
    ['a permanent one', { exemption: 'Miễn hẳn' }],
  ])('refuses a kind without a start: %s', (_, cells) => {
    expect(readOne(cells).problems).toEqual([{ line: 2, field: 'exemptionFrom', code: 'EXEMPTION_FROM_MISSING' }]);
  });

  it('reports an unreadable start as such, not as missing', () => {
    expect(readOne({ exemption: 'Tạm miễn', exemptionFrom: '01/07' }).problems).toEqual([{ line: 2, field: 'exemptionFrom', code: 'DATE_INVALID', value: '01/07' }]);
  });

  it('reports an unreadable end', () => {
    expect(readOne({ exemption: 'Tạm miễn', exemptionFrom: '01/07/2025', exemptionTo: '31/06/2025' }).problems).toEqual([
      { line: 2, field: 'exemptionTo', code: 'DATE_INVALID', value: '31/06/2025' },
    ]);
  });

  it('refuses an unknown kind, without also asking for a kind', () => {
    expect(readOne({ exemption: 'Nghỉ phép', exemptionFrom: '01/07/2025', exemptionTo: '31/12/2025' }).problems).toEqual([
      { line: 2, field: 'exemption', code: 'EXEMPTION_KIND_UNKNOWN', value: 'Nghỉ phép' },
    ]);
    expect(readOne({ exemption: 'Nghỉ phép' }).problems).toEqual([{ line: 2, field: 'exemption', code: 'EXEMPTION_KIND_UNKNOWN', value: 'Nghỉ phép' }]);
  });

  it('refuses an end before the start', () => {
    expect(readOne({ exemption: 'Tạm miễn', exemptionFrom: '2025-07-01', exemptionTo: '2025-06-30' }).problems).toEqual([
      { line: 2, field: 'exemptionTo', code: 'DATE_ORDER', value: '2025-06-30' },
    ]);
  });

  it('refuses dates without a kind in the wrong order with both problems', () => {
    expect(readOne({ exemptionFrom: '01/07/2025', exemptionTo: '30/06/2025' }).problems.map((p) => p.code)).toEqual(['EXEMPTION_KIND_MISSING', 'DATE_ORDER']);
  });
});

describe('readRoster: yes/no columns', () => {
  const fields = ['attachedTemporarily', 'collectsDues'] as const;

  it.each(fields.flatMap((f) => (['Có', 'có', 'CÓ', 'co', ' Có ', 'x', 'X', 'Yes', 'yes', true] as RawCell[]).map((v) => [f, v] as const)))('%s %j → yes', (f, v) => {
    expect(okRow({ [f]: v })[f]).toBe(true);
  });

  it.each(fields.flatMap((f) => (['Không', 'không', 'KHONG', 'khong', 'No', 'no', false] as RawCell[]).map((v) => [f, v] as const)))('%s %j → no', (f, v) => {
    expect(okRow({ [f]: v })[f]).toBe(false);
  });

  it.each(fields.flatMap((f) => (['Có lẽ', 'y', 'n', '1', 0, 'Đúng'] as RawCell[]).map((v) => [f, v] as const)))('%s refuses %j', (f, v) => {
    expect(readOne({ [f]: v }).problems).toEqual([{ line: 2, field: f, code: 'YES_NO_UNKNOWN', value: cellText(v) }]);
  });

  it('leaves a blank yes/no undefined', () => {
    const r = okRow({ attachedTemporarily: '', collectsDues: null });
    expect(r.attachedTemporarily).toBeUndefined();
    expect(r.collectsDues).toBeUndefined();
  });
});

describe('readRoster: income base', () => {
  it.each<[RawCell, number]>([
    ['1.500.000', 1_500_000],
    ['1 500 000 đ', 1_500_000],
    [1_500_000, 1_500_000],
    ['25.000.000 VNĐ', 25_000_000],
  ])('%j → %d', (cell, want) => {
    expect(okRow({ incomeBase: cell }).incomeBase).toBe(want);
  });

  it.each<[RawCell]>([['abc'], [0], ['0'], [-5], ['-5'], [1.5], ['1,5'], [10_000_000_000_000], ['1.000.000.001'], [true]])('refuses %j without showing it', (cell) => {
    const r = readOne({ incomeBase: cell });
    expect(r.problems).toEqual([{ line: 2, field: 'incomeBase', code: 'AMOUNT_INVALID' }]);
    expect(r.problems[0]).not.toHaveProperty('value');
  });
});

describe('readRoster: party group', () => {
  it('reads the group with its spacing tidied', () => {
    expect(okRow({ partyGroup: '  Tổ   đảng số 1 ' }).partyGroup).toBe('Tổ đảng số 1');
  });

  it(`accepts ${PARTY_GROUP_MAX} characters and refuses more`, () => {
    expect(okRow({ partyGroup: 'ổ'.repeat(PARTY_GROUP_MAX) }).partyGroup).toBe('ổ'.repeat(PARTY_GROUP_MAX));
    expect(readOne({ partyGroup: 'ổ'.repeat(PARTY_GROUP_MAX + 1) }).problems).toEqual([{ line: 2, field: 'partyGroup', code: 'GROUP_TOO_LONG', value: `${'ổ'.repeat(39)}…` }]);
  });

  it('counts characters after normalising to NFC', () => {
    const nfd = 'ổ'.repeat(PARTY_GROUP_MAX).normalize('NFD');
    expect(nfd.length).toBeGreaterThan(PARTY_GROUP_MAX);
    expect(okRow({ partyGroup: nfd }).partyGroup).toBe('ổ'.repeat(PARTY_GROUP_MAX));
  });

  it('refuses an ID number in the group without echoing it', () => {
    expect(readOne({ partyGroup: 'Tổ 1 - 001234567890' }).problems).toEqual([{ line: 2, field: 'partyGroup', code: 'ID_NUMBER' }]);
  });

  it('accepts short numbers in the group', () => {
    expect(okRow({ partyGroup: 'Tổ 12' }).partyGroup).toBe('Tổ 12');
    expect(okRow({ partyGroup: 3 }).partyGroup).toBe('3');
  });
});

// ---------------------------------------------------------------------------------------------
// what an import would change

describe('planImport: matching', () => {
  it('plans a member not on the roll as new', () => {
    const r = row(2, { role: 'member', incomeBase: 3_000_000 });
    expect(planImport([r], [], ALL)).toEqual({ rows: [{ kind: 'new', row: r }], missing: [], problems: [] });
  });

  it('matches by name ignoring case and spacing', () => {
    const plan = planImport([row(2, { fullName: '  NGUYỄN  văn an ' })], [record(5)], ALL);
    expect(plan.rows).toEqual([{ kind: 'same', row: row(2, { fullName: '  NGUYỄN  văn an ' }), memberId: 5 }]);
    expect(plan.missing).toEqual([]);
  });

  it('does not match names that differ by diacritics', () => {
    const plan = planImport([row(2, { fullName: 'Lê Văn Hưng' })], [record(5, { fullName: 'Lê Văn Hùng' })], ALL);
    expect(plan.rows.map((p) => p.kind)).toEqual(['new']);
    expect(plan.missing).toEqual([5]);
  });

  it('lists active members the file does not mention, never pending ones', () => {
    const records = [record(1), record(2, { fullName: 'Trần Thị Bình' }), record(3, { fullName: 'Lê Văn Hùng', status: 'pending' }), record(4, { fullName: 'Phạm Văn Đức' })];
    const plan = planImport([row(2)], records, ALL);
    expect(plan.missing).toEqual([2, 4]);
    expect(plan.problems).toEqual([]);
  });

  it('lists every active member as missing for a file of strangers', () => {
    expect(planImport([row(2, { fullName: 'Hoàng Văn Em' })], [record(1), record(2, { fullName: 'Trần Thị Bình' })], ALL).missing).toEqual([1, 2]);
  });

  it('refuses a row that matches a pending member, and does not list the pending member as missing', () => {
    const plan = planImport([row(4, { partyGroup: 'Tổ 1' })], [record(9, { status: 'pending' })], ALL);
    expect(plan.problems).toEqual([{ line: 4, field: 'fullName', code: 'PENDING_MEMBER', value: AN }]);
    expect(plan.rows).toEqual([{ kind: 'changed', row: row(4, { partyGroup: 'Tổ 1' }), memberId: 9, changes: [{ field: 'partyGroup', from: null, to: 'Tổ 1' }] }]);
    expect(plan.missing).toEqual([]);
  });

  it('asks when two members share the name, with both ids', () => {
    const records = [record(3), record(8, { fullName: 'nguyễn văn  an' }), record(9, { fullName: 'Trần Thị Bình' })];
    const plan = planImport([row(2, { partyGroup: 'Tổ 1' })], records, ALL);
    expect(plan.rows).toEqual([{ kind: 'ambiguous', row: row(2, { partyGroup: 'Tổ 1' }), candidates: [3, 8] }]);
    expect(plan.problems).toEqual([]);
    expect(countPlan(plan)).toEqual({ created: 0, changed: 0, same: 0, ambiguous: 1 });
  });

  it('includes a pending namesake among the candidates', () => {
    const plan = planImport([row(2)], [record(3), record(4, { status: 'pending' })], ALL);
    expect(plan.rows).toEqual([{ kind: 'ambiguous', row: row(2), candidates: [3, 4] }]);
  });

  it('follows the answer to an ambiguous name: a member id', () => {
    const records = [record(3), record(8, { partyGroup: 'Tổ 1' })];
    const changed = planImport([row(2, { partyGroup: 'Tổ 2' })], records, ALL, new Map([[2, 8]]));
    expect(changed.rows).toEqual([{ kind: 'changed', row: row(2, { partyGroup: 'Tổ 2' }), memberId: 8, changes: [{ field: 'partyGroup', from: 'Tổ 1', to: 'Tổ 2' }] }]);
    expect(changed.missing).toEqual([3]);
    const same = planImport([row(2, { partyGroup: 'Tổ 1' })], records, ALL, new Map([[2, 8]]));
    expect(same.rows).toEqual([{ kind: 'same', row: row(2, { partyGroup: 'Tổ 1' }), memberId: 8 }]);
  });

  it('follows the answer to an ambiguous name: 0 means a new member', () => {
    const plan = planImport([row(2)], [record(3), record(8)], ALL, new Map([[2, 0]]));
    expect(plan.rows).toEqual([{ kind: 'new', row: row(2) }]);
    expect(plan.missing).toEqual([3, 8]);
  });

  it('checks the rights of a row resolved as new', () => {
    const plan = planImport([row(2, { role: 'secretary' })], [record(3), record(8)], ALL, new Map([[2, 0]]));
    expect(plan.problems).toEqual([{ line: 2, field: 'role', code: 'SECRETARY_CHANGE', value: AN }]);
  });

  it('applies an answer to its own line only', () => {
    const records = [record(3), record(8), record(9, { fullName: 'Trần Thị Bình' })];
    const plan = planImport([row(2), row(3, { fullName: 'Trần Thị Bình' })], records, ALL, new Map([[5, 8]]));
    expect(plan.rows.map((p) => p.kind)).toEqual(['ambiguous', 'same']);
  });
});

describe('planImport: changes', () => {
  const rec = record(5, {
    role: 'committee',
    membership: 'probationary',
    membershipSince: '2024-05-19',
    exemptions: [{ kind: 'temporary', from: '2024-01-01', to: '2024-03-31' }],
    attachedTemporarily: false,
    collectsDues: true,
    duesCategory: 'insured',
    incomeBase: 5_000_000,
    reviewForm: '2A',
    partyGroup: 'Tổ 1',
  });
  const sameRow = row(3, {
    role: 'committee',
    membership: 'probationary',
    membershipSince: '2024-05-19',
    exemption: { kind: 'temporary', from: '2024-01-01', to: '2024-03-31' },
    attachedTemporarily: false,
    collectsDues: true,
    duesCategory: 'insured',
    incomeBase: 5_000_000,
    reviewForm: '2A',
    partyGroup: 'Tổ 1',
  });

  it('finds nothing to change when every field agrees', () => {
    expect(planImport([sameRow], [rec], ALL)).toEqual({ rows: [{ kind: 'same', row: sameRow, memberId: 5 }], missing: [], problems: [] });
  });

  it('keeps every field left blank', () => {
    expect(planImport([row(3)], [rec], NONE)).toEqual({ rows: [{ kind: 'same', row: row(3), memberId: 5 }], missing: [], problems: [] });
  });

  it('lists every change, in column order', () => {
    const r = row(3, {
      role: 'deputy',
      membership: 'full',
      membershipSince: '2025-05-19',
      exemption: { kind: 'temporary', from: '2025-07-01', to: '2025-12-31' },
      attachedTemporarily: true,
      collectsDues: false,
      duesCategory: 'pensioner',
      incomeBase: 6_000_000,
      reviewForm: '2B',
      partyGroup: 'Tổ 2',
    });
    expect(planImport([r], [rec], ALL)).toEqual({
      rows: [
        {
          kind: 'changed',
          row: r,
          memberId: 5,
          changes: [
            { field: 'role', from: 'committee', to: 'deputy' },
            { field: 'membership', from: 'probationary', to: 'full' },
            { field: 'membershipSince', from: '2024-05-19', to: '2025-05-19' },
            { field: 'exemption', from: null, to: 'temporary:2025-07-01:2025-12-31' },
            { field: 'attachedTemporarily', from: 'no', to: 'yes' },
            { field: 'collectsDues', from: 'yes', to: 'no' },
            { field: 'duesCategory', from: 'insured', to: 'pensioner' },
            { field: 'incomeBase', from: null, to: null },
            { field: 'reviewForm', from: '2A', to: '2B' },
            { field: 'partyGroup', from: 'Tổ 1', to: 'Tổ 2' },
          ],
        },
      ],
      missing: [],
      problems: [],
    });
  });

  it.each<[string, Partial<RosterRow>, { field: string; from: string | null; to: string | null }]>([
    ['a role', { role: 'member' }, { field: 'role', from: 'committee', to: 'member' }],
    ['a membership', { membership: 'full' }, { field: 'membership', from: 'probationary', to: 'full' }],
    ['a membership date', { membershipSince: '2024-05-20' }, { field: 'membershipSince', from: '2024-05-19', to: '2024-05-20' }],
    ['a flag', { attachedTemporarily: true }, { field: 'attachedTemporarily', from: 'no', to: 'yes' }],
    ['another flag', { collectsDues: false }, { field: 'collectsDues', from: 'yes', to: 'no' }],
    ['a category', { duesCategory: 'abroad' }, { field: 'duesCategory', from: 'insured', to: 'abroad' }],
    ['a review form', { reviewForm: '2C' }, { field: 'reviewForm', from: '2A', to: '2C' }],
    ['a party group', { partyGroup: 'Tổ 3' }, { field: 'partyGroup', from: 'Tổ 1', to: 'Tổ 3' }],
  ])('lists exactly one change for %s', (_, over, change) => {
    expect(planImport([row(3, over)], [rec], ALL).rows).toEqual([{ kind: 'changed', row: row(3, over), memberId: 5, changes: [change] }]);
  });

  it('fills a field the roll did not have', () => {
    const bare = record(5, { membershipSince: null, partyGroup: null });
    const r = row(3, { membershipSince: '2010-05-19', partyGroup: 'Tổ 1' });
    expect(planImport([r], [bare], ALL).rows).toEqual([
      {
        kind: 'changed',
        row: r,
        memberId: 5,
        changes: [
          { field: 'membershipSince', from: null, to: '2010-05-19' },
          { field: 'partyGroup', from: null, to: 'Tổ 1' },
        ],
      },
    ]);
  });

  it('sees an exemption the member already has, among several, as no change', () => {
    const many = record(5, {
      exemptions: [
        { kind: 'permanent', from: '2030-01-01', to: null },
        { kind: 'temporary', from: '2024-01-01', to: '2024-03-31' },
      ],
    });
    expect(planImport([row(3, { exemption: { kind: 'temporary', from: '2024-01-01', to: '2024-03-31' } })], [many], ALL).rows.map((p) => p.kind)).toEqual(['same']);
    expect(planImport([row(3, { exemption: { kind: 'permanent', from: '2030-01-01', to: null } })], [many], ALL).rows.map((p) => p.kind)).toEqual(['same']);
  });

  it.each<[string, RosterExemption, string]>([
    ['another start', { kind: 'temporary', from: '2024-01-02', to: '2024-03-31' }, 'temporary:2024-01-02:2024-03-31'],
    ['another kind', { kind: 'permanent', from: '2024-01-01', to: null }, 'permanent:2024-01-01:'],
  ])('sees an exemption with %s as a new one', (_, e, to) => {
    const plan = planImport([row(3, { exemption: e })], [rec], ALL);
    expect(plan.rows).toEqual([{ kind: 'changed', row: row(3, { exemption: e }), memberId: 5, changes: [{ field: 'exemption', from: null, to }] }]);
  });

  it.each<[string, RosterExemption, string]>([
    ['another end', { kind: 'temporary', from: '2024-01-01', to: '2024-04-30' }, 'temporary:2024-01-01:2024-04-30'],
    ['no end', { kind: 'temporary', from: '2024-01-01', to: null }, 'temporary:2024-01-01:'],
  ])('sees the same exemption with %s as that exemption moved, not a second one', (_, e, to) => {
    const plan = planImport([row(3, { exemption: e })], [rec], ALL);
    expect(plan.rows).toEqual([{ kind: 'changed', row: row(3, { exemption: e }), memberId: 5, changes: [{ field: 'exemption', from: 'temporary:2024-01-01:2024-03-31', to }] }]);
  });

  it('compares the income base but never puts a figure in the plan', () => {
    expect(planImport([row(3, { incomeBase: 5_000_000 })], [rec], ALL).rows.map((p) => p.kind)).toEqual(['same']);
    const changed = planImport([row(3, { incomeBase: 7_654_321 })], [rec], ALL);
    expect(changed.rows).toEqual([{ kind: 'changed', row: row(3, { incomeBase: 7_654_321 }), memberId: 5, changes: [{ field: 'incomeBase', from: null, to: null }] }]);
    expect(JSON.stringify({ changes: (changed.rows[0] as { changes: unknown }).changes, problems: changed.problems })).not.toMatch(/7654321|5000000/);
  });

  it('sees an income base where the roll has none (or may not show it) as a change', () => {
    const plan = planImport([row(3, { incomeBase: 5_000_000 })], [record(5, { incomeBase: null })], ALL);
    expect(plan.rows).toEqual([{ kind: 'changed', row: row(3, { incomeBase: 5_000_000 }), memberId: 5, changes: [{ field: 'incomeBase', from: null, to: null }] }]);
  });
});

describe('planImport: rights', () => {
  it('refuses a role change without the right to set roles, and leaves the rest', () => {
    const plan = planImport([row(3, { role: 'committee', partyGroup: 'Tổ 2' })], [record(5)], { setRole: false, setIncome: true });
    expect(plan.problems).toEqual([{ line: 3, field: 'role', code: 'ROLE_NOT_ALLOWED' }]);
    expect(plan.rows).toEqual([{ kind: 'changed', row: row(3, { role: 'committee', partyGroup: 'Tổ 2' }), memberId: 5, changes: [{ field: 'partyGroup', from: null, to: 'Tổ 2' }] }]);
  });

  it('lets anyone re-state a role unchanged', () => {
    const plan = planImport([row(3, { role: 'committee' })], [record(5, { role: 'committee' })], NONE);
    expect(plan).toEqual({ rows: [{ kind: 'same', row: row(3, { role: 'committee' }), memberId: 5 }], missing: [], problems: [] });
  });

  it('lets anyone re-state the secretary unchanged', () => {
    const plan = planImport([row(3, { role: 'secretary' })], [record(5, { role: 'secretary' })], NONE);
    expect(plan.problems).toEqual([]);
    expect(plan.rows.map((p) => p.kind)).toEqual(['same']);
  });

  it.each<[string, RosterRecord['role'], RosterRow['role']]>([
    ['makes a member secretary', 'member', 'secretary'],
    ['makes a deputy secretary', 'deputy', 'secretary'],
    ['demotes the secretary to member', 'secretary', 'member'],
    ['demotes the secretary to deputy', 'secretary', 'deputy'],
  ])('never %s, whatever the rights', (_, from, to) => {
    for (const rights of [ALL, NONE]) {
      const plan = planImport([row(3, { role: to })], [record(5, { role: from })], rights);
      expect(plan.problems).toEqual([{ line: 3, field: 'role', code: 'SECRETARY_CHANGE', value: AN }]);
      expect(plan.rows).toEqual([{ kind: 'same', row: row(3, { role: to }), memberId: 5 }]);
    }
  });

  it('never creates a new secretary, whatever the rights', () => {
    for (const rights of [ALL, NONE]) {
      expect(planImport([row(3, { role: 'secretary' })], [], rights).problems).toEqual([{ line: 3, field: 'role', code: 'SECRETARY_CHANGE', value: AN }]);
    }
  });

  it.each(['deputy', 'committee'] as const)('refuses a new %s without the right to set roles', (role) => {
    expect(planImport([row(3, { role })], [], NONE).problems).toEqual([{ line: 3, field: 'role', code: 'ROLE_NOT_ALLOWED' }]);
    expect(planImport([row(3, { role })], [], ALL).problems).toEqual([]);
  });

  it('lets anyone add a plain member, with or without the role written', () => {
    expect(planImport([row(3, { role: 'member' }), row(4, { fullName: 'Trần Thị Bình' })], [], NONE)).toEqual({
      rows: [
        { kind: 'new', row: row(3, { role: 'member' }) },
        { kind: 'new', row: row(4, { fullName: 'Trần Thị Bình' }) },
      ],
      missing: [],
      problems: [],
    });
  });

  it('refuses an income base without the right to set it, for new and existing members, even when equal', () => {
    const rights = { setRole: true, setIncome: false };
    expect(planImport([row(3, { incomeBase: 5_000_000 })], [], rights).problems).toEqual([{ line: 3, field: 'incomeBase', code: 'INCOME_NOT_ALLOWED' }]);
    const existing = planImport([row(3, { incomeBase: 5_000_000 })], [record(5, { incomeBase: 5_000_000 })], rights);
    expect(existing.problems).toEqual([{ line: 3, field: 'incomeBase', code: 'INCOME_NOT_ALLOWED' }]);
    expect(existing.rows.map((p) => p.kind)).toEqual(['same']);
  });

  it('reports both rights problems of one row', () => {
    expect(planImport([row(3, { role: 'deputy', incomeBase: 1 })], [], NONE).problems).toEqual([
      { line: 3, field: 'role', code: 'ROLE_NOT_ALLOWED' },
      { line: 3, field: 'incomeBase', code: 'INCOME_NOT_ALLOWED' },
    ]);
    expect(planImport([row(3, { role: 'deputy', incomeBase: 1 })], [record(5)], NONE).problems).toEqual([
      { line: 3, field: 'role', code: 'ROLE_NOT_ALLOWED' },
      { line: 3, field: 'incomeBase', code: 'INCOME_NOT_ALLOWED' },
    ]);
  });

  it('reports a pending match and a rights problem together', () => {
    const plan = planImport([row(3, { role: 'deputy' })], [record(5, { status: 'pending' })], NONE);
    expect(plan.problems.map((p) => p.code)).toEqual(['PENDING_MEMBER', 'ROLE_NOT_ALLOWED']);
  });
});

describe('planImport: importing the same file again', () => {
  it('changes nothing the second time', () => {
    const grid = gridOf(
      { fullName: 'nguyễn văn an', role: 'Phó Bí thư', membership: 'Chính thức', membershipSince: '19/05/2010', exemption: 'Tạm miễn', exemptionFrom: '01/07/2025', exemptionTo: '31/12/2025', attachedTemporarily: 'x', collectsDues: 'Có', duesCategory: 'Hưởng lương', incomeBase: '5.000.000 đ', reviewForm: '2B', partyGroup: 'Tổ 1' },
      { fullName: 'Trần Thị Bình', membership: 'Dự bị', membershipSince: new Date(Date.UTC(2025, 0, 2)) },
      { fullName: 'Lê Văn Hùng', exemption: 'Miễn hẳn', exemptionFrom: 40317, exemptionTo: '31/12/2030' },
      { fullName: 'Lê Văn Hưng', collectsDues: false, incomeBase: 3_200_000 },
      {},
      { fullName: 'Phạm Thị Đào' },
    );
    const read1 = readRoster(grid, vocab, TODAY);
    expect(read1.problems).toEqual([]);
    const first = planImport(read1.rows, [], ALL);
    expect(first.problems).toEqual([]);
    expect(countPlan(first)).toEqual({ created: 5, changed: 0, same: 0, ambiguous: 0 });

    const records: RosterRecord[] = first.rows.map((p, i) => ({ memberId: 100 + i, status: 'active', ...newRecord(p.row) }));
    const again = planImport(readRoster(grid, vocab, TODAY).rows, records, ALL);
    expect(again.problems).toEqual([]);
    expect(again.missing).toEqual([]);
    expect(again.rows.map((p) => (p.kind === 'same' ? p.memberId : p.kind))).toEqual([100, 101, 102, 103, 104]);
    expect(countPlan(again)).toEqual({ created: 0, changed: 0, same: 5, ambiguous: 0 });
  });

  it('finds only what an edited file changed', () => {
    const before = read({ fullName: AN, partyGroup: 'Tổ 1' }, { fullName: 'Trần Thị Bình', reviewForm: '2A' }).rows;
    const records: RosterRecord[] = before.map((r, i) => ({ memberId: i + 1, status: 'active', ...newRecord(r) }));
    const after = read({ fullName: AN, partyGroup: 'Tổ 2' }, { fullName: 'Trần Thị Bình', reviewForm: '2A' }, { fullName: 'Lê Văn Hùng' }).rows;
    const plan = planImport(after, records, ALL);
    expect(plan.rows.map((p) => p.kind)).toEqual(['changed', 'same', 'new']);
    expect(plan.rows[0]).toMatchObject({ memberId: 1, changes: [{ field: 'partyGroup', from: 'Tổ 1', to: 'Tổ 2' }] });
    expect(countPlan(plan)).toEqual({ created: 1, changed: 1, same: 1, ambiguous: 0 });
  });
});

// ---------------------------------------------------------------------------------------------
// records, exemptions shown, counts

describe('newRecord', () => {
  it('gives a bare row the defaults of a joining member', () => {
    expect(newRecord(row(2))).toEqual({
      fullName: AN,
      role: 'member',
      membership: 'full',
      membershipSince: null,
      exemptions: [],
      attachedTemporarily: false,
      collectsDues: false,
      duesCategory: 'insured',
      incomeBase: null,
      reviewForm: '2A',
      partyGroup: null,
    });
  });

  it('takes every field written', () => {
    const e: RosterExemption = { kind: 'temporary', from: '2025-07-01', to: null };
    expect(
      newRecord(
        row(2, {
          role: 'deputy',
          membership: 'probationary',
          membershipSince: '2025-01-02',
          exemption: e,
          attachedTemporarily: true,
          collectsDues: true,
          duesCategory: 'student',
          incomeBase: 1_000_000,
          reviewForm: '2C',
          partyGroup: 'Tổ 4',
        }),
      ),
    ).toEqual({
      fullName: AN,
      role: 'deputy',
      membership: 'probationary',
      membershipSince: '2025-01-02',
      exemptions: [e],
      attachedTemporarily: true,
      collectsDues: true,
      duesCategory: 'student',
      incomeBase: 1_000_000,
      reviewForm: '2C',
      partyGroup: 'Tổ 4',
    });
  });

  it('keeps false flags false', () => {
    const r = newRecord(row(2, { attachedTemporarily: false, collectsDues: false }));
    expect([r.attachedTemporarily, r.collectsDues]).toEqual([false, false]);
  });

  it('carries neither the line nor an id', () => {
    expect(newRecord(row(9))).not.toHaveProperty('line');
    expect(newRecord(row(9))).not.toHaveProperty('memberId');
  });
});

describe('currentExemption', () => {
  const past: RosterExemption = { kind: 'temporary', from: '2024-01-01', to: '2024-12-31' };
  const running: RosterExemption = { kind: 'temporary', from: '2025-06-01', to: '2025-06-30' };
  const open: RosterExemption = { kind: 'permanent', from: '2020-01-01', to: null };
  const next: RosterExemption = { kind: 'temporary', from: '2025-09-01', to: '2025-09-30' };
  const later: RosterExemption = { kind: 'permanent', from: '2026-01-01', to: null };

  it('shows none for no exemptions or only past ones', () => {
    expect(currentExemption([], TODAY)).toBeNull();
    expect(currentExemption([past], TODAY)).toBeNull();
  });

  it('shows the one running today', () => {
    expect(currentExemption([past, running, next], TODAY)).toBe(running);
    expect(currentExemption([open], TODAY)).toBe(open);
  });

  it('counts both ends as running', () => {
    expect(currentExemption([running], '2025-06-01')).toBe(running);
    expect(currentExemption([running], '2025-06-30')).toBe(running);
    expect(currentExemption([running], '2025-07-01')).toBeNull();
  });

  it('prefers the running one over a planned one, in any order', () => {
    expect(currentExemption([next, later, running], TODAY)).toBe(running);
  });

  it('shows the next planned one when none is running', () => {
    expect(currentExemption([later, past, next], TODAY)).toBe(next);
    expect(currentExemption([later], TODAY)).toBe(later);
    expect(currentExemption([next], '2025-08-31')).toBe(next);
  });

  it('does not reorder the list it is given', () => {
    const list = [later, next];
    currentExemption(list, TODAY);
    expect(list).toEqual([later, next]);
  });
});

describe('countPlan', () => {
  it('counts nothing in an empty plan', () => {
    expect(countPlan({ rows: [], missing: [1, 2], problems: [] })).toEqual({ created: 0, changed: 0, same: 0, ambiguous: 0 });
  });

  it('counts each kind of row', () => {
    const plan: ImportPlan = {
      rows: [
        { kind: 'new', row: row(2) },
        { kind: 'new', row: row(3) },
        { kind: 'changed', row: row(4), memberId: 1, changes: [{ field: 'role', from: 'member', to: 'deputy' }] },
        { kind: 'same', row: row(5), memberId: 2 },
        { kind: 'same', row: row(6), memberId: 3 },
        { kind: 'same', row: row(7), memberId: 4 },
        { kind: 'ambiguous', row: row(8), candidates: [5, 6] },
      ],
      missing: [9],
      problems: [{ line: 2, field: 'role', code: 'ROLE_NOT_ALLOWED' }],
    };
    expect(countPlan(plan)).toEqual({ created: 2, changed: 1, same: 3, ambiguous: 1 });
  });
});

describe('constants', () => {
  it('lists the template columns in order', () => {
    expect(rosterFields).toEqual([
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
    ]);
    expect(ROSTER_MAX_ROWS).toBe(10_000);
    expect(PARTY_GROUP_MAX).toBe(60);
  });
});

describe('rows a spreadsheet carries besides the members', () => {
  it('skips a row where only an ignored column is filled (an STT numbered ahead of the names)', () => {
    const grid: RawGrid = {
      headers: ['STT', ...VI],
      rows: [
        { line: 2, cells: [1, AN, 'Đảng viên'] },
        { line: 3, cells: [2] },
        { line: 4, cells: [3] },
      ],
    };
    const r = readRoster(grid, vocab, TODAY);
    expect(r.problems).toEqual([]);
    expect(r.rows.map((x) => x.fullName)).toEqual([AN]);
    expect(r.ignored).toEqual(['STT']);
  });

  it('calls a file of only numbered empty rows empty', () => {
    const grid: RawGrid = { headers: ['STT', ...VI], rows: [{ line: 2, cells: [1] }] };
    expect(readRoster(grid, vocab, TODAY).problems).toEqual([{ line: 0, field: null, code: 'FILE_EMPTY' }]);
  });

  it('does not take a column headed as the income base for ID numbers, however large the incomes', () => {
    const r = read({ fullName: AN, incomeBase: 120_000_000 }, { fullName: 'Trần Thị Bình', incomeBase: 150_000_000 });
    expect(r.problems).toEqual([]);
    expect(r.rows.map((x) => x.incomeBase)).toEqual([120_000_000, 150_000_000]);
  });

  it('never reads a symbol-only mark such as "-" as a "✓" yes', () => {
    const withTick: RosterVocabulary = { ...vocab, yes: [...vocab.yes, '✓'] };
    const tick = readRoster(gridOf({ fullName: AN, collectsDues: '✓' }), withTick, TODAY);
    expect(tick.rows[0]?.collectsDues).toBe(true);
    const dash = readRoster(gridOf({ fullName: AN, collectsDues: '-' }), withTick, TODAY);
    expect(dash.problems).toEqual([{ line: 2, field: 'collectsDues', code: 'YES_NO_UNKNOWN', value: '-' }]);
  });
});
