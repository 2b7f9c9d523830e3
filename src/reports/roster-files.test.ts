import { createCanvas, loadImage } from '@napi-rs/canvas';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { Translator } from '../conversation/i18n.js';
import { DomainError } from '../domain/errors.js';
import { duesCategories, exemptionKinds, memberships, reviewForms } from '../domain/members.js';
import { mapHeaders, planImport, readRoster, rosterFields, type RawGrid, type RosterField, type RosterRecord, type RosterRow } from '../domain/roster.js';
import { fold } from '../domain/text.js';
import { inviteSheetDocx, qrPng, readRosterFile, rawCell, ROSTER_FILE_MAX_BYTES, ROSTER_FILE_MAX_LINES, rosterExportXlsx, rosterTemplateCsv, rosterTemplateXlsx, rosterVocabulary } from './roster-files.js';

const translator = new Translator('vi');
const t = translator.for('vi');
const en = translator.for('en');
const vocab = rosterVocabulary(translator);
const today = '2026-11-24';
/** As the roster rules match words: folded, and symbol-only words ("✓") as they are. */
const key = (s: string): string => fold(s).replace(/[^a-z0-9]+/g, ' ').trim() || s.trim();
const utc = (iso: string): Date => new Date(`${iso}T00:00:00.000Z`);

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return wb;
}

async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const labels = rosterFields.map((f) => t(`rosterFiles.columns.${f}`));

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof DomainError ? e.code : `not a DomainError: ${String(e)}`;
  }
  return 'accepted';
}

describe('the words a secretary may write', () => {
  it('has every column label and alias of both languages', () => {
    expect(vocab.headers.fullName).toEqual(expect.arrayContaining(['Họ và tên', 'Họ tên', 'Tên đảng viên', 'Họ và tên đảng viên', 'Full name']));
    expect(vocab.headers.role).toEqual(expect.arrayContaining(['Chức vụ Đảng', 'Chức vụ đảng', 'Party role']));
    // A bare "Chức vụ" is usually the job title, not the role in the cell: it is not ours.
    expect(vocab.headers.role).not.toContain('Chức vụ');
    expect(vocab.headers.membershipSince).toEqual(expect.arrayContaining(['Ngày kết nạp / chính thức', 'Ngày kết nạp hoặc chính thức']));
    // The two dates a party roll has side by side are read apart (the full day, or the admission day).
    expect(vocab.dateHeaders?.admitted).toEqual(expect.arrayContaining(['Ngày vào Đảng', 'Ngày kết nạp']));
    expect(vocab.dateHeaders?.full).toEqual(expect.arrayContaining(['Ngày chính thức', 'Ngày công nhận chính thức']));
    expect(vocab.headers.partyGroup).toEqual(expect.arrayContaining(['Tổ', 'Tổ đảng']));
    expect(vocab.headers.incomeBase).toEqual(expect.arrayContaining(['Mức lương', 'Thu nhập', 'Lương đóng BHXH']));
    for (const f of rosterFields) {
      expect(vocab.headers[f]).toContain(t(`rosterFiles.columns.${f}`));
      expect(vocab.headers[f]).toContain(en(`rosterFiles.columns.${f}`));
    }
  });

  it('has the labels of both languages and the short forms for every value', () => {
    expect(vocab.roles.member).toEqual(expect.arrayContaining(['Đảng viên', 'ĐV', 'Party member']));
    expect(vocab.roles.deputy).toEqual(expect.arrayContaining(['Phó Bí thư', 'PBT', 'Phó BT', 'Deputy Secretary']));
    expect(vocab.roles.secretary).toEqual(expect.arrayContaining(['Bí thư', 'BT']));
    expect(vocab.roles.committee).toEqual(expect.arrayContaining(['Chi ủy viên', 'Chi uỷ viên', 'CUV']));
    expect(vocab.memberships.full).toEqual(expect.arrayContaining(['CT', 'Chính thức', 'chính thức', 'full']));
    expect(vocab.memberships.probationary).toEqual(expect.arrayContaining(['DB', 'Dự bị']));
    expect(vocab.exemptions.permanent).toEqual(expect.arrayContaining(['Miễn', 'Miễn hẳn', 'Miễn công tác và sinh hoạt', t('members.exemption.permanent')]));
    expect(vocab.exemptions.temporary).toEqual(expect.arrayContaining(['Tạm miễn', t('members.exemption.temporary')]));
    expect(vocab.duesCategories.insured).toEqual(expect.arrayContaining(['BHXH', t('members.duesCategory.insured'), en('members.duesCategory.insured')]));
    expect(vocab.duesCategories.sick_leave).toEqual(expect.arrayContaining(['Ốm đau', 'Thai sản']));
    expect(vocab.duesCategories.pensioner).toEqual(expect.arrayContaining(['Hưu', 'Lương hưu']));
    expect(vocab.duesCategories.student).toEqual(expect.arrayContaining(['Học sinh', 'Sinh viên']));
    expect(vocab.duesCategories.other).toEqual(expect.arrayContaining(['Khác', 'Nông dân']));
    expect(vocab.duesCategories.abroad).toEqual(expect.arrayContaining(['Nước ngoài']));
    expect(vocab.reviewForms['2B']).toEqual(expect.arrayContaining(['2B', t('members.reviewForm.2B')]));
    expect(vocab.yes).toEqual(expect.arrayContaining(['Có', 'x', 'Yes', '1', 'Đúng']));
    expect(vocab.no).toEqual(expect.arrayContaining(['Không', 'No', '0']));
  });

  it('never lets one word mean two things, nor a word that folds to nothing', () => {
    const owners = new Map<string, string>();
    for (const f of rosterFields)
      for (const w of vocab.headers[f]) {
        const k = key(w);
        expect(k, w).not.toBe('');
        const owner = owners.get(k);
        expect(owner === undefined || owner === f, `${w}: ${owner} and ${f}`).toBe(true);
        owners.set(k, f);
      }
    const groups: Record<string, string[]>[] = [vocab.roles, vocab.memberships, vocab.exemptions, vocab.duesCategories, vocab.reviewForms, { yes: vocab.yes, no: vocab.no }];
    for (const group of groups) {
      const seen = new Map<string, string>();
      for (const [value, list] of Object.entries(group))
        for (const w of list) {
          const k = key(w);
          expect(k, w).not.toBe('');
          const owner = seen.get(k);
          expect(owner === undefined || owner === value, `${w}: ${owner} and ${value}`).toBe(true);
          seen.set(k, value);
        }
    }
  });

  it('reads every short form through the roster rules', () => {
    const grid: RawGrid = {
      headers: ['Họ tên', 'Chức vụ Đảng', 'CT/DB', 'Ngày kết nạp hoặc chính thức', 'Hình thức miễn', 'Từ ngày miễn', 'SH tạm thời', 'Thu ĐP', 'Đối tượng', 'Mẫu', 'Tổ'],
      rows: [
        { line: 2, cells: ['Nguyễn Văn An', 'PBT', 'DB', '5/3/2026', 'Tạm miễn', '1/9/2026', 'x', 'Có', 'Hưu', '2C', 'Tổ 1'] },
        { line: 3, cells: ['Trần Thị Bình', 'Chi uy vien', 'ct', '01/02/2010', 'mien han', '01/01/2020', 'không', 'No', 'sinh vien', 'mẫu 2b', null] },
      ],
    };
    expect(Object.keys(mapHeaders(grid, vocab).map.columns)).toHaveLength(grid.headers.length);
    const { rows, problems } = readRoster(grid, vocab, today);
    expect(problems).toEqual([]);
    expect(rows[0]).toMatchObject({ role: 'deputy', membership: 'probationary', membershipSince: '2026-03-05', exemption: { kind: 'temporary', from: '2026-09-01', to: null }, attachedTemporarily: true, collectsDues: true, duesCategory: 'pensioner', reviewForm: '2C', partyGroup: 'Tổ 1' });
    expect(rows[1]).toMatchObject({ role: 'committee', membership: 'full', membershipSince: '2010-02-01', exemption: { kind: 'permanent', from: '2020-01-01', to: null }, attachedTemporarily: false, collectsDues: false, duesCategory: 'student', reviewForm: '2B' });
  });
});

describe('a roll with both dates, as party rolls have them', () => {
  it('keeps the full day for full members and the admission day for probationary ones', () => {
    const grid: RawGrid = {
      headers: ['Họ và tên', 'Chính thức / Dự bị', 'Ngày vào Đảng', 'Ngày chính thức'],
      rows: [
        { line: 2, cells: ['Nguyễn Văn An', 'Chính thức', '03/02/2010', '03/02/2011'] },
        { line: 3, cells: ['Trần Thị Bình', 'Dự bị', '19/05/2026', null] },
        { line: 4, cells: ['Lê Văn Cường', 'Chính thức', '01/01/2000', null] },
      ],
    };
    const { rows, problems } = readRoster(grid, vocab, today);
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.fullName, r.membershipSince])).toEqual([
      ['Nguyễn Văn An', '2011-02-03'],
      ['Trần Thị Bình', '2026-05-19'],
      ['Lê Văn Cường', undefined],
    ]);
  });

  it('names the wrong date in its own column, and refuses a separate date beside the template’s one', () => {
    const bad = readRoster({ headers: ['Họ và tên', 'Chính thức / Dự bị', 'Ngày vào Đảng', 'Ngày chính thức'], rows: [{ line: 2, cells: ['Nguyễn Văn An', 'Chính thức', '03/02/2010', '31/02/2011'] }] }, vocab, today);
    expect(bad.problems).toEqual([{ line: 2, field: 'membershipSince', code: 'DATE_INVALID', value: '31/02/2011' }]);
    const both = readRoster({ headers: ['Họ và tên', 'Ngày kết nạp / chính thức', 'Ngày chính thức'], rows: [{ line: 2, cells: ['Nguyễn Văn An', '03/02/2010', '03/02/2011'] }] }, vocab, today);
    expect(both.problems).toEqual([{ line: 1, field: 'membershipSince', code: 'DUPLICATE_COLUMN', value: 'Ngày chính thức' }]);
  });

  it('reads a phone column typed as numbers past, not as ID numbers', () => {
    const r = readRoster({ headers: ['Họ và tên', 'Số điện thoại'], rows: [{ line: 2, cells: ['Nguyễn Văn An', 912_345_678] }] }, vocab, today);
    expect(r.problems).toEqual([]);
    expect(r.ignored).toEqual(['Số điện thoại']);
  });
});

describe('the Excel template', () => {
  it('has the headers in order, bold and frozen, date and money formats, and no data row', async () => {
    const wb = await load(await rosterTemplateXlsx(t));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Danh sách', 'Hướng dẫn']);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(labels);
    expect(ws.getCell('A1').font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.actualRowCount).toBe(1);
    for (const f of ['membershipSince', 'exemptionFrom', 'exemptionTo'] as const) expect(ws.getColumn(rosterFields.indexOf(f) + 1).numFmt).toBe('dd/mm/yyyy');
    expect(ws.getColumn(1).width).toBeGreaterThanOrEqual(20);
  });

  it('offers dropdowns of the accepted words on rows 2 to 1001 of the choice columns only', async () => {
    const ws = (await load(await rosterTemplateXlsx(t))).worksheets[0] as ExcelJS.Worksheet;
    const col = (f: RosterField): string => ws.getColumn(rosterFields.indexOf(f) + 1).letter;
    const list = (f: RosterField, row: number): string[] | null => {
      const dv = ws.getCell(`${col(f)}${row}`).dataValidation as ExcelJS.DataValidation | undefined;
      if (!dv) return null;
      expect(dv.type).toBe('list');
      return String(dv.formulae[0]).replace(/^"|"$/g, '').split(',');
    };
    expect(list('role', 2)).toEqual(['Bí thư', 'Phó Bí thư', 'Chi ủy viên', 'Đảng viên']);
    expect(list('role', 1001)).toEqual(['Bí thư', 'Phó Bí thư', 'Chi ủy viên', 'Đảng viên']);
    expect(list('role', 1)).toBeNull();
    expect(list('membership', 500)).toEqual(['Chính thức', 'Dự bị']);
    expect(list('exemption', 2)).toEqual(['Miễn công tác và sinh hoạt', 'Tạm miễn sinh hoạt']);
    expect(list('attachedTemporarily', 2)).toEqual(['Có', 'Không']);
    expect(list('collectsDues', 2)).toEqual(['Có', 'Không']);
    expect(list('duesCategory', 2)).toHaveLength(duesCategories.length);
    expect(list('reviewForm', 2)).toEqual(['2A', '2B', '2C']);
    for (const f of ['fullName', 'membershipSince', 'exemptionFrom', 'exemptionTo', 'incomeBase', 'partyGroup'] as const) expect(list(f, 2), f).toBeNull();
  });

  it('offers only words the reader accepts, each in a list Excel can hold', async () => {
    const ws = (await load(await rosterTemplateXlsx(t))).worksheets[0] as ExcelJS.Worksheet;
    const choice = (f: RosterField): string => String((ws.getCell(`${ws.getColumn(rosterFields.indexOf(f) + 1).letter}2`).dataValidation as ExcelJS.DataValidation).formulae[0]);
    const cells = (f: RosterField): string[] => choice(f).replace(/^"|"$/g, '').split(',');
    // Excel holds at most 255 characters between the quotes of a list.
    for (const f of ['role', 'membership', 'exemption', 'attachedTemporarily', 'collectsDues', 'duesCategory', 'reviewForm'] as const) expect(choice(f).length, f).toBeLessThanOrEqual(257);
    const n = Math.max(...(['role', 'membership', 'exemption', 'duesCategory', 'reviewForm', 'collectsDues'] as const).map((f) => cells(f).length));
    const grid: RawGrid = { headers: labels, rows: [] };
    for (let i = 0; i < n; i++) {
      const pickOf = (f: RosterField): string | null => cells(f)[i % cells(f).length] ?? null;
      grid.rows.push({
        line: i + 2,
        cells: rosterFields.map((f) => {
          if (f === 'fullName') return `Nguyễn Văn ${['An', 'Bình', 'Cường', 'Dũng', 'Hà', 'Lan'][i]}`;
          if (f === 'exemptionFrom') return '01/01/2026';
          if (f === 'role') return i % 4 === 0 ? null : pickOf(f); // one secretary per cell: not from a file
          return ['membershipSince', 'exemptionTo', 'incomeBase', 'partyGroup'].includes(f) ? null : pickOf(f);
        }),
      });
    }
    const { rows, problems } = readRoster(grid, vocab, today);
    expect(problems).toEqual([]);
    expect(new Set(rows.map((r) => r.duesCategory))).toEqual(new Set(duesCategories));
    expect(new Set(rows.map((r) => r.exemption?.kind))).toEqual(new Set(exemptionKinds));
    expect(new Set(rows.map((r) => r.membership))).toEqual(new Set(memberships));
    expect(new Set(rows.map((r) => r.reviewForm))).toEqual(new Set(reviewForms));
  });

  it('explains every column and the rules on the second sheet', async () => {
    const ws = (await load(await rosterTemplateXlsx(t))).worksheets[1] as ExcelJS.Worksheet;
    const text: string[] = [];
    ws.eachRow((row) => text.push((row.values as unknown[]).slice(1).join(' | ')));
    for (const f of rosterFields) expect(text.some((l) => l.startsWith(`${t(`rosterFiles.columns.${f}`)} | ${t(`rosterFiles.help.columns.${f}.what`)}`)), f).toBe(true);
    const all = text.join('\n');
    for (const s of ['CCCD', 'ngày/tháng/năm', 'không bao giờ xóa', 'Bí thư và đồng chí thu đảng phí', 'giữ nguyên']) expect(all).toContain(s);
  });

  it('is read back as a file of no member', async () => {
    const grid = await readRosterFile(await rosterTemplateXlsx(t), 'mau.xlsx', vocab);
    expect(grid).toEqual({ headers: labels, rows: [] });
    expect(readRoster(grid, vocab, today).problems).toEqual([{ line: 0, field: null, code: 'FILE_EMPTY' }]);
  });

  it('is written in English for an English reader, and read back all the same', async () => {
    const grid = await readRosterFile(await rosterTemplateXlsx(en), 'template.xlsx', vocab);
    expect(grid.headers[0]).toBe('Full name');
    expect(Object.keys(mapHeaders(grid, vocab).map.columns)).toEqual([...rosterFields]);
  });
});

describe('the CSV template', () => {
  it('is the header line in UTF-8 with a BOM', () => {
    const csv = rosterTemplateCsv(t);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.subarray(3).toString('utf8')).toBe(`${labels.join(',')}\r\n`);
  });

  it('reads back to no row and every column', async () => {
    const grid = await readRosterFile(rosterTemplateCsv(t), 'mau.csv', vocab);
    expect(grid.rows).toEqual([]);
    expect(grid.headers).toEqual(labels);
    const { map, problems } = mapHeaders(grid, vocab);
    expect(problems).toEqual([]);
    expect(map.columns).toEqual(Object.fromEntries(rosterFields.map((f, i) => [f, i])));
  });
});

describe('reading an Excel file', () => {
  it('turns every kind of cell into what the rules read', async () => {
    const buffer = await workbook((wb) => {
      const ws = wb.addWorksheet('Sheet1');
      ws.addRow(['Họ tên', 'Chức vụ Đảng', 'Ngày kết nạp hoặc chính thức', 'Thu đảng phí', 'Mức lương', 'Ghi chú', 'Tổ']);
      ws.addRow(['Nguyễn Thị Hồng Nhung', 'ĐV', utc('2015-02-03'), true, 8_500_000, { formula: 'TEXT(1,"0")', result: 'một' }, { richText: [{ text: 'Tổ ', font: { bold: true } }, { text: 'Một' }] }]);
      ws.addRow(['Trần Văn Bình', { formula: '"P"&"BT"', result: 'PBT' }, '5/3/2016', 'Không', { formula: 'E2*2', result: 17_000_000 }, { error: '#N/A' as ExcelJS.ErrorValue }, { text: 'Tổ 2', hyperlink: 'https://example.org' }]);
      ws.addRow([]);
      ws.addRow(['Lê Văn Cường', null, { formula: 'DATE(2020,1,15)', result: utc('2020-01-15') }, false]);
      ws.getCell('C2').numFmt = 'dd/mm/yyyy';
      ws.getCell('C5').numFmt = 'dd/mm/yyyy';
    });
    const grid = await readRosterFile(buffer, 'Danh sach.XLSX', vocab);
    expect(grid.headers).toEqual(['Họ tên', 'Chức vụ Đảng', 'Ngày kết nạp hoặc chính thức', 'Thu đảng phí', 'Mức lương', 'Ghi chú', 'Tổ']);
    expect(grid.rows).toEqual([
      { line: 2, cells: ['Nguyễn Thị Hồng Nhung', 'ĐV', utc('2015-02-03'), true, 8_500_000, 'một', 'Tổ Một'] },
      { line: 3, cells: ['Trần Văn Bình', 'PBT', '5/3/2016', 'Không', 17_000_000, null, 'Tổ 2'] },
      { line: 5, cells: ['Lê Văn Cường', null, utc('2020-01-15'), false] },
    ]);
    const { rows, problems, ignored } = readRoster(grid, vocab, today);
    expect(problems).toEqual([]);
    expect(ignored).toEqual(['Ghi chú']);
    expect(rows).toEqual<RosterRow[]>([
      { line: 2, fullName: 'Nguyễn Thị Hồng Nhung', role: 'member', membershipSince: '2015-02-03', collectsDues: true, incomeBase: 8_500_000, partyGroup: 'Tổ Một' },
      { line: 3, fullName: 'Trần Văn Bình', role: 'deputy', membershipSince: '2016-03-05', collectsDues: false, incomeBase: 17_000_000, partyGroup: 'Tổ 2' },
      { line: 5, fullName: 'Lê Văn Cường', membershipSince: '2020-01-15', collectsDues: false },
    ]);
  });

  it('converts each exceljs value on its own', () => {
    expect(rawCell(null)).toBeNull();
    expect(rawCell(undefined)).toBeNull();
    expect(rawCell('  a ')).toBe('  a ');
    expect(rawCell(0)).toBe(0);
    expect(rawCell(utc('2001-09-02'))).toEqual(utc('2001-09-02'));
    expect(rawCell({ error: '#REF!' as ExcelJS.ErrorValue })).toBeNull();
    expect(rawCell({ richText: [{ text: 'Hồ ' }, { text: 'Chí' }] })).toBe('Hồ Chí');
    expect(rawCell({ formula: 'A1', result: undefined } as unknown as ExcelJS.CellValue)).toBeNull();
    expect(rawCell({ sharedFormula: 'A1', result: 'x' } as unknown as ExcelJS.CellValue)).toBe('x');
    expect(rawCell({ text: { richText: [{ text: 'liên kết' }] }, hyperlink: 'https://x' } as unknown as ExcelJS.CellValue)).toBe('liên kết');
  });

  it('finds the header row below a title, skips a header printed again, and gives Excel row numbers', async () => {
    const buffer = await workbook((wb) => {
      const ws = wb.addWorksheet('DS');
      ws.getCell('A1').value = 'DANH SÁCH ĐẢNG VIÊN CHI BỘ KHU PHỐ 3';
      ws.mergeCells('A1:D1');
      ws.getCell('A2').value = 'Ngày 24/11/2026';
      ws.addRow([]);
      ws.getRow(4).values = ['STT', 'Họ và tên đảng viên', 'Chức vụ', 'Tổ đảng'];
      ws.getRow(5).values = [1, 'Phạm Văn Dũng', 'BT', 'Tổ 1'];
      ws.getRow(6).values = [null, 'HỌ VÀ TÊN', 'Chức vụ', 'Tổ'];
      ws.getRow(7).values = [2, 'Vũ Thị Hà', 'ĐV', 'Tổ 1'];
    });
    const grid = await readRosterFile(buffer, 'ds.xlsx', vocab);
    expect(grid.headers).toEqual(['STT', 'Họ và tên đảng viên', 'Chức vụ', 'Tổ đảng']);
    expect(grid.rows.map((r) => [r.line, r.cells[1]])).toEqual([
      [5, 'Phạm Văn Dũng'],
      [7, 'Vũ Thị Hà'],
    ]);
  });

  it('chooses the sheet that holds the roll, whatever its place', async () => {
    const buffer = await workbook((wb) => {
      const notes = wb.addWorksheet('Ghi chú');
      notes.addRow(['Cột', 'Cách ghi']);
      notes.addRow(['Họ và tên', 'Ghi đầy đủ']);
      const data = wb.addWorksheet('Đảng viên');
      data.addRow(['Họ và tên', 'Chức vụ', 'Chính thức / Dự bị']);
      data.addRow(['Đỗ Văn Em', 'ĐV', 'DB']);
    });
    const grid = await readRosterFile(buffer, 'ds.xlsx', vocab);
    expect(grid.headers).toEqual(['Họ và tên', 'Chức vụ', 'Chính thức / Dự bị']);
    expect(grid.rows).toEqual([{ line: 2, cells: ['Đỗ Văn Em', 'ĐV', 'DB'] }]);
  });

  it('gives each row of a merged cell its value (a party group merged down its members)', async () => {
    const buffer = await workbook((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['Họ tên', 'Tổ']);
      ws.addRow(['Nguyễn Văn An', 'Tổ 1']);
      ws.addRow(['Trần Văn Bình']);
      ws.addRow(['Lê Văn Cường']);
      ws.mergeCells('B2:B4');
    });
    expect((await readRosterFile(buffer, 'a.xlsx', vocab)).rows.map((r) => r.cells[1])).toEqual(['Tổ 1', 'Tổ 1', 'Tổ 1']);
  });

  it('takes the first row as the header when none names the full name, so the rules can say so', async () => {
    const buffer = await workbook((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['Tên', 'Tuổi']);
      ws.addRow(['An', 50]);
    });
    const grid = await readRosterFile(buffer, 'x.xlsx', vocab);
    expect(grid.headers).toEqual(['Tên', 'Tuổi']);
    expect(readRoster(grid, vocab, today).problems).toEqual([{ line: 1, field: 'fullName', code: 'NO_NAME_COLUMN' }]);
  });

  it('reads a workbook sent with a .csv name as a workbook', async () => {
    const buffer = await workbook((wb) => wb.addWorksheet('S').addRow(['Họ tên']));
    expect((await readRosterFile(buffer, 'ds.csv', vocab)).headers).toEqual(['Họ tên']);
  });

  it('ignores validations over whole columns instead of expanding them', async () => {
    const buffer = await workbook((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['Họ tên', 'Chức vụ']);
      ws.addRow(['Ngô Văn Giang', 'ĐV']);
      (ws as unknown as { dataValidations: { add(a: string, v: ExcelJS.DataValidation): void } }).dataValidations.add('B1:XFD1048576', { type: 'list', formulae: ['"ĐV,BT"'] });
    });
    expect((await readRosterFile(buffer, 'big.xlsx', vocab)).rows).toHaveLength(1);
  });
});

describe('reading a CSV file', () => {
  it('reads semicolons, quotes with delimiters, doubled quotes, an embedded line break and a BOM, with the line each record starts on', async () => {
    const text = '\uFEFFHọ và tên;Chức vụ;Tổ đảng;Ghi chú\r\nNguyễn Văn An;ĐV;"Tổ 1; khu A";"Nói ""có"""\r\n\r\nTrần Thị Bình;PBT;Tổ 2;"dòng một\r\ndòng hai"\r\nLê Văn Cường;;;\r\n';
    const grid = await readRosterFile(Buffer.from(text, 'utf8'), 'ds.csv', vocab);
    expect(grid.headers).toEqual(['Họ và tên', 'Chức vụ', 'Tổ đảng', 'Ghi chú']);
    expect(grid.rows).toEqual([
      { line: 2, cells: ['Nguyễn Văn An', 'ĐV', 'Tổ 1; khu A', 'Nói "có"'] },
      { line: 4, cells: ['Trần Thị Bình', 'PBT', 'Tổ 2', 'dòng một\ndòng hai'] },
      { line: 6, cells: ['Lê Văn Cường', null, null, null] },
    ]);
  });

  it('detects commas and tabs, and a title line above the header', async () => {
    const comma = await readRosterFile(Buffer.from('DANH SÁCH ĐẢNG VIÊN\nHọ tên,Chức vụ,Ngày vào Đảng\n"Nguyễn Văn An, Jr",ĐV,5/3/2015\n'), 'a.csv', vocab);
    expect(comma.headers).toEqual(['Họ tên', 'Chức vụ', 'Ngày vào Đảng']);
    expect(comma.rows).toEqual([{ line: 3, cells: ['Nguyễn Văn An, Jr', 'ĐV', '5/3/2015'] }]);
    const tab = await readRosterFile(Buffer.from('Họ tên\tTổ\nVũ Thị Hà\tTổ 1, khu B\n'), 'a.txt', vocab);
    expect(tab.rows).toEqual([{ line: 2, cells: ['Vũ Thị Hà', 'Tổ 1, khu B'] }]);
  });

  it('follows Excel’s "sep=" line and reads Excel’s Unicode text (UTF-16)', async () => {
    const sep = await readRosterFile(Buffer.from('sep=;\nHọ tên;Tổ\nVũ Thị Hà;Tổ 1,2\n'), 'a.csv', vocab);
    expect(sep.rows).toEqual([{ line: 3, cells: ['Vũ Thị Hà', 'Tổ 1,2'] }]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Họ và tên\tChức vụ\r\nĐặng Thị Lan\tĐV\r\n', 'utf16le')]);
    expect((await readRosterFile(utf16, 'Unicode.txt', vocab)).rows).toEqual([{ line: 2, cells: ['Đặng Thị Lan', 'ĐV'] }]);
  });

  it('reads an empty file as a file with nothing in it', async () => {
    const grid = await readRosterFile(Buffer.alloc(0), 'rong.csv', vocab);
    expect(grid).toEqual({ headers: [], rows: [] });
    expect(readRoster(grid, vocab, today).problems[0]?.code).toBe('FILE_EMPTY');
  });
});

describe('a file the bot cannot read', () => {
  it('refuses other formats, old .xls, damaged workbooks, text not in UTF-8 and files over 5 MB', async () => {
    const xlsx = await rosterTemplateXlsx(t);
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array<number>(504).fill(0)]);
    expect(await refusal(readRosterFile(xlsx, 'danh sach.xls', vocab))).toBe('ROSTER.UNREADABLE');
    expect(await refusal(readRosterFile(ole, 'danh sach.xlsx', vocab))).toBe('ROSTER.UNREADABLE');
    expect(await refusal(readRosterFile(xlsx, 'danh sach.pdf', vocab))).toBe('ROSTER.UNREADABLE');
    expect(await refusal(readRosterFile(xlsx, 'danhsach', vocab))).toBe('ROSTER.UNREADABLE');
    expect(await refusal(readRosterFile(Buffer.from('not a zip at all'), 'a.xlsx', vocab))).toBe('ROSTER.UNREADABLE');
    expect(await refusal(readRosterFile(xlsx.subarray(0, xlsx.length / 2), 'cut.xlsx', vocab))).toBe('ROSTER.UNREADABLE');
    // "Họ tên" in Windows-1258: the bytes are not UTF-8.
    expect(await refusal(readRosterFile(Buffer.from([0x48, 0xef, 0x20, 0x74, 0xea, 0x6e, 0x0a]), 'ansi.csv', vocab))).toBe('ROSTER.UNREADABLE');
    expect(await refusal(readRosterFile(Buffer.from('Họ tên\n"Nguyễn Văn An\n'), 'open-quote.csv', vocab))).toBe('ROSTER.UNREADABLE');
    const big = Buffer.alloc(ROSTER_FILE_MAX_BYTES + 1, 0x61);
    expect(await refusal(readRosterFile(big, 'big.csv', vocab))).toBe('ROSTER.UNREADABLE');
    expect(await refusal(readRosterFile(Buffer.alloc(ROSTER_FILE_MAX_BYTES, 0x61), 'max.csv', vocab))).toBe('accepted');
  });

  it('stops reading at a bound on lines: past the rules’ own limit, never past it silently', async () => {
    const lines = (n: number, tail = ''): Buffer => Buffer.from(`Họ tên\n${'Nguyễn Văn An\n'.repeat(n)}${tail}`);
    // Up to the bound the rules see every row, and say there are too many.
    const atBound = await readRosterFile(lines(ROSTER_FILE_MAX_LINES - 1), 'a.csv', vocab);
    expect(atBound.rows).toHaveLength(ROSTER_FILE_MAX_LINES - 1);
    expect(readRoster(atBound, vocab, today).problems[0]?.code).toBe('FILE_TOO_MANY_ROWS');
    // Trailing blank lines past the bound are nothing; a member past it is refused, never dropped.
    expect((await readRosterFile(lines(ROSTER_FILE_MAX_LINES - 1, '\n\n \n'), 'a.csv', vocab)).rows).toHaveLength(ROSTER_FILE_MAX_LINES - 1);
    expect(await refusal(readRosterFile(lines(ROSTER_FILE_MAX_LINES + 5), 'a.csv', vocab))).toBe('ROSTER.UNREADABLE');
    const sheet = await workbook((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['Họ tên']);
      for (let i = 0; i < ROSTER_FILE_MAX_LINES; i++) ws.addRow(['Nguyễn Văn An']);
    });
    expect(await refusal(readRosterFile(sheet, 'a.xlsx', vocab))).toBe('ROSTER.UNREADABLE');
  });

  it('has a polite sentence in both languages that names the accepted formats', () => {
    expect(t('errors.ROSTER.UNREADABLE')).toMatch(/\.xlsx.*CSV UTF-8.*\.xls/s);
    expect(en('errors.ROSTER.UNREADABLE')).toMatch(/\.xlsx.*CSV UTF-8.*\.xls/s);
  });
});

// ---------------------------------------------------------------------------------------------
// export

function record(memberId: number, over: Partial<RosterRecord> = {}): RosterRecord {
  return {
    memberId,
    status: 'active',
    fullName: `Nguyễn Văn Số${memberId}`,
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
    ...over,
  };
}

const records: RosterRecord[] = [
  record(1, { fullName: 'Phạm Văn Dũng', role: 'secretary', membershipSince: '1998-05-19', duesCategory: 'insured', incomeBase: 12_345_000, reviewForm: '2B', partyGroup: 'Tổ 1' }),
  record(2, { fullName: 'Trần Thị Bình', role: 'deputy', collectsDues: true, duesCategory: 'sick_leave', incomeBase: 6_000_000, partyGroup: 'Tổ 1' }),
  record(3, { fullName: 'Lê Văn Cường', role: 'committee', membership: 'probationary', membershipSince: '2026-03-02', duesCategory: 'student', reviewForm: '2C' }),
  record(4, { fullName: 'Hoàng Thị Ánh Tuyết', exemptions: [{ kind: 'permanent', from: '2020-01-01', to: null }], duesCategory: 'pensioner', incomeBase: 4_500_000, reviewForm: '2C', partyGroup: 'Tổ 2' }),
  // A past exemption and a running one: the running one is shown.
  record(5, { fullName: 'Vũ Đức Thắng', exemptions: [{ kind: 'temporary', from: '2024-01-01', to: '2024-06-30' }, { kind: 'temporary', from: '2026-09-01', to: '2027-02-28' }], attachedTemporarily: true, duesCategory: 'abroad' }),
  // Only a planned exemption: shown too.
  record(6, { fullName: 'Đặng Thị Lan', exemptions: [{ kind: 'temporary', from: '2027-01-01', to: null }], duesCategory: 'other' }),
  // Only an exemption that has ended: nothing to show.
  record(7, { fullName: 'Ngô Quang Hải', exemptions: [{ kind: 'temporary', from: '2023-01-01', to: '2023-03-31' }], membershipSince: '2010-10-10' }),
];

/** What the file should say for a record: blanks where the record has nothing. */
function expectedRow(r: RosterRecord, line: number, includeIncome: boolean): RosterRow {
  const running = r.memberId === 5 ? r.exemptions[1] : r.memberId === 7 ? undefined : r.exemptions[0];
  return {
    line,
    fullName: r.fullName,
    role: r.role,
    membership: r.membership,
    ...(r.membershipSince ? { membershipSince: r.membershipSince } : {}),
    ...(running ? { exemption: running } : {}),
    attachedTemporarily: r.attachedTemporarily,
    collectsDues: r.collectsDues,
    duesCategory: r.duesCategory,
    ...(includeIncome && r.incomeBase !== null ? { incomeBase: r.incomeBase } : {}),
    reviewForm: r.reviewForm,
    ...(r.partyGroup ? { partyGroup: r.partyGroup } : {}),
  };
}

describe('the export', () => {
  it.each([true, false])('is read back into the same members, and importing it changes nothing (income included: %s)', async (includeIncome) => {
    const file = await rosterExportXlsx(t, records, { includeIncome, todayIso: today, cellName: 'Chi bộ Khu phố 3' });
    const grid = await readRosterFile(file, 'danh-sach.xlsx', vocab);
    const { rows, problems, ignored } = readRoster(grid, vocab, today);
    expect(problems).toEqual([]);
    expect(ignored).toEqual([]);
    expect(rows).toEqual(records.map((r, i) => expectedRow(r, i + 2, includeIncome)));
    const plan = planImport(rows, records, { setRole: true, setIncome: true });
    expect(plan.problems).toEqual([]);
    expect(plan.rows.map((p) => p.kind)).toEqual(records.map(() => 'same'));
    expect(plan.missing).toEqual([]);
  });

  it('has the template’s columns, real dates, vi words and the dropdowns; no income column unless asked', async () => {
    const withIncome = (await load(await rosterExportXlsx(t, records, { includeIncome: true, todayIso: today, cellName: 'Chi bộ Khu phố 3' }))).worksheets[0] as ExcelJS.Worksheet;
    expect((withIncome.getRow(1).values as unknown[]).slice(1)).toEqual(labels);
    const since = withIncome.getCell(2, rosterFields.indexOf('membershipSince') + 1);
    expect(since.value).toEqual(utc('1998-05-19'));
    expect(since.numFmt).toBe('dd/mm/yyyy');
    expect(withIncome.getCell(2, rosterFields.indexOf('role') + 1).value).toBe('Bí thư');
    expect(withIncome.getCell(3, rosterFields.indexOf('collectsDues') + 1).value).toBe('Có');
    expect(withIncome.getCell(2, rosterFields.indexOf('collectsDues') + 1).value).toBe('Không');
    expect(withIncome.getCell(2, rosterFields.indexOf('incomeBase') + 1).value).toBe(12_345_000);
    expect(withIncome.getCell(5, rosterFields.indexOf('exemption') + 1).value).toBe('Miễn công tác và sinh hoạt');
    expect(withIncome.getCell(1001, rosterFields.indexOf('role') + 1).dataValidation?.type).toBe('list');
    expect(withIncome.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    const without = (await load(await rosterExportXlsx(t, records, { includeIncome: false, todayIso: today, cellName: 'Chi bộ Khu phố 3' }))).worksheets[0] as ExcelJS.Worksheet;
    const headers = (without.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(labels.filter((l) => l !== t('rosterFiles.columns.incomeBase')));
    const values: unknown[] = [];
    without.eachRow((row) => values.push(...(row.values as unknown[])));
    for (const r of records) if (r.incomeBase !== null) expect(values).not.toContain(r.incomeBase);
  });

  it('keeps dropdowns below a long roll, and an empty roll is the template with its header line', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => record(i + 1, { fullName: `Nguyễn Văn ${String.fromCharCode(65 + (i % 26))}${'a'.repeat(1 + Math.floor(i / 26))}` }));
    const ws = (await load(await rosterExportXlsx(t, many, { includeIncome: false, todayIso: today, cellName: 'C' }))).worksheets[0] as ExcelJS.Worksheet;
    expect(ws.getCell(1201, 2).dataValidation?.type).toBe('list');
    expect(ws.getCell(1301, 2).dataValidation?.type).toBe('list');
    const empty = await readRosterFile(await rosterExportXlsx(t, [], { includeIncome: true, todayIso: today, cellName: 'C' }), 'e.xlsx', vocab);
    expect(empty).toEqual({ headers: labels, rows: [] });
  });
});

// ---------------------------------------------------------------------------------------------
// invites

async function docxParts(buffer: Buffer): Promise<{ xml: string; media: string[]; zip: JSZip }> {
  const zip = await JSZip.loadAsync(buffer);
  const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
  const media = Object.keys(zip.files).filter((n) => n.startsWith('word/media/'));
  return { xml, media, zip };
}

describe('the printable invite sheet', () => {
  it('draws each QR module as a sharp square, as a standard PNG decoder reads it', async () => {
    const link = 'https://t.me/chibo4tot_bot?start=ABCDEFGHJKLM';
    const { modules } = QRCode.create(link, { errorCorrectionLevel: 'M' });
    const [scale, margin] = [5, 2];
    const png = qrPng(link, scale, margin);
    const image = await loadImage(png);
    const side = (modules.size + 2 * margin) * scale;
    expect([image.width, image.height]).toEqual([side, side]);
    const canvas = createCanvas(side, side);
    const g = canvas.getContext('2d');
    g.drawImage(image, 0, 0);
    const pixels = g.getImageData(0, 0, side, side).data;
    const mismatches: string[] = [];
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) {
        const [my, mx] = [Math.floor(y / scale) - margin, Math.floor(x / scale) - margin];
        const dark = my >= 0 && mx >= 0 && my < modules.size && mx < modules.size && modules.get(my, mx) === 1;
        const value = pixels[(y * side + x) * 4] as number;
        if (value !== (dark ? 0 : 255)) mismatches.push(`${x},${y}`);
      }
    expect(mismatches).toEqual([]);
  });

  const entries = [
    { fullName: 'Nguyễn Văn An', code: 'ABCD-EFGH-JKLM', telegramLink: 'https://t.me/chibo_bot?start=ABCDEFGHJKLM', expires: '24/12/2026' },
    { fullName: 'Trần Thị Bình', code: 'NPQR-STUV-WXYZ', telegramLink: 'https://t.me/chibo_bot?start=NPQRSTUVWXYZ', expires: '24/12/2026' },
    { fullName: 'Lê Văn Cường & Co', code: '2345-6789-ABCD', telegramLink: null, expires: '24/12/2026' },
  ];

  it('is a Word file with the title, every name and code, a QR per Telegram link, blocks that never split, on A4 in Times New Roman', async () => {
    const buffer = await inviteSheetDocx(t, { cellName: 'Chi bộ Khu phố 3', botZaloName: 'Trợ lý Chi bộ', issuedOn: '24/11/2026', entries });
    const { xml, media, zip } = await docxParts(buffer);
    expect(xml).toContain('GIẤY MỜI THAM GIA TRỢ LÝ CHI BỘ');
    expect(xml).toContain('Chi bộ Khu phố 3, ngày 24/11/2026');
    for (const e of entries) {
      expect(xml).toContain(e.fullName.replace('&', '&amp;'));
      expect(xml).toContain(e.code);
    }
    expect(xml).toContain('https://t.me/chibo_bot?start=ABCDEFGHJKLM');
    expect(xml).toContain('Trên Zalo: nhắn mã này cho tài khoản “Trợ lý Chi bộ”');
    expect(xml).toContain('Dùng được đến: 24/12/2026');
    expect(xml).toContain('trả lời “Đúng” khi bot hỏi tên');
    expect(media).toHaveLength(2);
    expect(xml.match(/<w:cantSplit\/>/g)).toHaveLength(3);
    expect(xml).toContain('w:w="11906"'); // A4 width in twips
    expect(xml).toContain('w:h="16838"');
    expect((await zip.file('word/styles.xml')?.async('string')) ?? '').toContain('Times New Roman');
    const png = await zip.file(media[0] as string)?.async('nodebuffer');
    expect(png?.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('leaves out the Telegram part without a link and the Zalo part without a Zalo bot', async () => {
    const { xml, media } = await docxParts(await inviteSheetDocx(t, { cellName: 'C', botZaloName: null, issuedOn: '24/11/2026', entries: [entries[2] as (typeof entries)[number]] }));
    expect(media).toHaveLength(0);
    expect(xml).not.toContain('Telegram');
    expect(xml).not.toContain('Zalo');
    expect(xml).toContain('2345-6789-ABCD');
    expect(xml).toContain(t('rosterFiles.invites.instructions.code'));
  });

  it('stays a sensible size for a hundred and twenty members', async () => {
    const code = (i: number): string => `ABCDEFGH${'ABCDEFGHJK'[Math.floor(i / 100)]}${'ABCDEFGHJK'[Math.floor(i / 10) % 10]}${'ABCDEFGHJK'[i % 10]}Z`;
    const many = Array.from({ length: 120 }, (_, i) => ({ fullName: `Nguyễn Văn Người ${i}`, code: code(i).replace(/(.{4})(?!$)/g, '$1-'), telegramLink: `https://t.me/chibo_bot?start=${code(i)}`, expires: '24/12/2026' }));
    const buffer = await inviteSheetDocx(t, { cellName: 'Chi bộ Khu phố 3', botZaloName: 'Trợ lý Chi bộ', issuedOn: '24/11/2026', entries: many });
    const { xml, media } = await docxParts(buffer);
    expect(media).toHaveLength(120);
    for (const e of many) {
      expect(xml).toContain(`>${e.fullName}<`);
      expect(xml).toContain(`>${e.code}<`);
    }
    expect(buffer.length).toBeLessThan(1_500_000);
  });
});
