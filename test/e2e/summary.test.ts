import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser } from '../fakes/telegram.js';
import type { ZaloUser } from '../fakes/zalo.js';
import { admin, button, createCell, joinOnTelegram, numberOf, startWorld, textOf, type World } from './harness.js';
import { instant, jobsRun, sql } from './meetings-harness.js';
import { seedSummaryFixture } from './summary-fixture.js';

const member: FakeUser = { id: 6801, first_name: 'Đỗ', last_name: 'Văn Giang' };

/** Every line expected for the year 2025, computed by hand from the fixture (see summary-fixture.ts). */
const year2025 = [
  'TỔNG KẾT HOẠT ĐỘNG – Chi bộ Phòng Tổ chức',
  'Từ 01/01/2025 đến 31/12/2025',
  '- Sinh hoạt thường kỳ: 5/12 tháng (chưa họp: 04/2025, 05/2025, 08/2025, 09/2025, 10/2025, 11/2025, 12/2025)',
  '- Sinh hoạt chuyên đề: 2/4 quý (chưa có chuyên đề: quý 3/2025, 4/2025)',
  '- Tỷ lệ dự họp chung: 11/18 (61 %)',
  '- Số buổi đủ số lượng đảng viên chính thức: 2/6',
  '  • 10/01/2025, thường kỳ: có mặt 2/3 (67 %); đủ số lượng (2/3, cần 2)',
  '  • 14/02/2025, thường kỳ kết hợp chuyên đề: có mặt 1/3 (33 %); không đủ số lượng (1/3, cần 2)',
  '  • 14/03/2025, thường kỳ: có mặt 3/3 (100 %); đủ số lượng (2/2, cần 2)',
  '  • 09/05/2025, chuyên đề: có mặt 2/3 (67 %); không đủ số lượng (1/2, cần 2)',
  '  • 13/06/2025, thường kỳ: có mặt 1/3 (33 %); không đủ số lượng (1/2, cần 2)',
  '  • 11/07/2025, thường kỳ: có mặt 2/3 (67 %); không đủ số lượng (1/2, cần 2)',
  '- Số tháng đã nộp đủ (tính theo từng đảng viên): 37/48 (77 %)',
  '- Đã thu 1.340.000 đ / phải thu 1.860.000 đ',
  '- Nhiệm vụ được giao: 4 (hoàn thành đúng hạn 2, trễ hạn 2, chưa đến hạn 0)',
  '- Đăng ký cam kết năm 2025: 2/3 (67 %)',
  '- Tự kiểm điểm đã nộp: 2/3 (67 %)',
  '- Góp ý công khai (có tên): 2; góp ý ẩn danh: 3 (chỉ đếm số lượng)',
  'IV. TỪNG ĐẢNG VIÊN (5)',
  '1. Hoàng Văn Dũng (đã rời chi bộ trong kỳ): dự họp 0/2, vắng có lý do 0, vắng không lý do 2; đảng phí 1/2 tháng, còn nợ 50.000 đ; nhiệm vụ 0 đúng hạn, 0 trễ / 0; chưa đăng ký cam kết; góp ý công khai 0',
  '2. Lê Thị Bích: dự họp 2/6, vắng có lý do 1, vắng không lý do 3; đảng phí 3/12 tháng, còn nợ 450.000 đ; nhiệm vụ 0 đúng hạn, 1 trễ / 1; chưa đăng ký cam kết; chưa nộp kiểm điểm; góp ý công khai 0; điểm tham gia 21',
  '3. Nguyễn Văn An: dự họp 6/6, vắng có lý do 0, vắng không lý do 0; đảng phí 12/12 tháng, còn nợ 0 đ; nhiệm vụ 1 đúng hạn, 1 trễ / 2; đã đăng ký cam kết; đã nộp kiểm điểm; góp ý công khai 2; điểm tham gia 90',
  '4. Phạm Văn Cường (dự bị, vào chi bộ trong kỳ): dự họp 3/4, vắng có lý do 0, vắng không lý do 1; đảng phí 9/10 tháng, còn nợ 20.000 đ; nhiệm vụ 1 đúng hạn, 0 trễ / 1; đã đăng ký cam kết; đã nộp kiểm điểm; góp ý công khai 0; điểm tham gia 87',
  '5. Vũ Thị Em (miễn sinh hoạt): dự họp 0/0, vắng có lý do 0, vắng không lý do 0; đảng phí 12/12 tháng, còn nợ 0 đ; nhiệm vụ 0 đúng hạn, 0 trễ / 0; chưa đăng ký cam kết; góp ý công khai 0',
  '- Hoàng Văn Dũng: 2 tháng vắng sinh hoạt không lý do, 1 tháng chưa nộp đảng phí — cần lưu ý',
  '- Lê Thị Bích: 2 tháng vắng sinh hoạt không lý do, 9 tháng chưa nộp đảng phí — đủ căn cứ để chi bộ xem xét',
  '- Biểu dương: Nguyễn Văn An (90)',
  '- Nhắc nhở: Lê Thị Bích (21)',
];

const quarter1 = [
  'Từ 01/01/2025 đến 31/03/2025',
  '- Sinh hoạt thường kỳ: 3/3 tháng',
  '- Sinh hoạt chuyên đề: 1/1 quý',
  '- Tỷ lệ dự họp chung: 6/9 (67 %)',
  '- Số buổi đủ số lượng đảng viên chính thức: 2/3',
  '- Số tháng đã nộp đủ (tính theo từng đảng viên): 11/12 (92 %)',
  '- Đã thu 460.000 đ / phải thu 510.000 đ',
  '- Nhiệm vụ được giao: 2 (hoàn thành đúng hạn 1, trễ hạn 1, chưa đến hạn 0)',
  '- Đăng ký cam kết năm 2025: 2/3 (67 %)',
  '- Tự kiểm điểm: không có đợt kiểm điểm nào kết thúc trong khoảng này',
  '- Góp ý công khai (có tên): 1; góp ý ẩn danh: 1 (chỉ đếm số lượng)',
  'IV. TỪNG ĐẢNG VIÊN (5)',
  '1. Hoàng Văn Dũng (đã rời chi bộ trong kỳ): dự họp 0/2, vắng có lý do 0, vắng không lý do 2; đảng phí 1/2 tháng, còn nợ 50.000 đ; nhiệm vụ 0 đúng hạn, 0 trễ / 0; chưa đăng ký cam kết; góp ý công khai 0',
  '2. Lê Thị Bích: dự họp 2/3, vắng có lý do 1, vắng không lý do 0; đảng phí 3/3 tháng, còn nợ 0 đ; nhiệm vụ 0 đúng hạn, 1 trễ / 1; chưa đăng ký cam kết; góp ý công khai 0; điểm tham gia 57',
  '3. Nguyễn Văn An: dự họp 3/3, vắng có lý do 0, vắng không lý do 0; đảng phí 3/3 tháng, còn nợ 0 đ; nhiệm vụ 1 đúng hạn, 0 trễ / 1; đã đăng ký cam kết; góp ý công khai 1; điểm tham gia 100',
  '4. Phạm Văn Cường (dự bị, vào chi bộ trong kỳ): dự họp 1/1, vắng có lý do 0, vắng không lý do 0; đảng phí 1/1 tháng, còn nợ 0 đ; nhiệm vụ 0 đúng hạn, 0 trễ / 0; đã đăng ký cam kết; góp ý công khai 0; điểm tham gia 100',
  '5. Vũ Thị Em (miễn sinh hoạt): dự họp 0/0, vắng có lý do 0, vắng không lý do 0; đảng phí 3/3 tháng, còn nợ 0 đ; nhiệm vụ 0 đúng hạn, 0 trễ / 0; chưa đăng ký cam kết; góp ý công khai 0',
  '- Biểu dương: Nguyễn Văn An (100), Phạm Văn Cường (100)',
  '- Nhắc nhở: Lê Thị Bích (57)',
];

const march2025 = [
  'Từ 01/03/2025 đến 31/03/2025',
  '- Sinh hoạt thường kỳ: 1/1 tháng',
  '- Sinh hoạt chuyên đề: 1/1 quý',
  '- Tỷ lệ dự họp chung: 3/3 (100 %)',
  '- Số buổi đủ số lượng đảng viên chính thức: 1/1',
  '  • 14/03/2025, thường kỳ: có mặt 3/3 (100 %); đủ số lượng (2/2, cần 2)',
  '- Số tháng đã nộp đủ (tính theo từng đảng viên): 4/4 (100 %)',
  '- Đã thu 150.000 đ / phải thu 150.000 đ',
  '- Nhiệm vụ được giao: 1 (hoàn thành đúng hạn 1, trễ hạn 0, chưa đến hạn 0)',
  '- Góp ý công khai (có tên): 0; góp ý ẩn danh: 0 (chỉ đếm số lượng)',
  'IV. TỪNG ĐẢNG VIÊN (4)',
  '1. Lê Thị Bích: dự họp 1/1, vắng có lý do 0, vắng không lý do 0; đảng phí 1/1 tháng, còn nợ 0 đ; nhiệm vụ 0 đúng hạn, 0 trễ / 0; chưa đăng ký cam kết; góp ý công khai 0; điểm tham gia 88',
  '2. Nguyễn Văn An: dự họp 1/1, vắng có lý do 0, vắng không lý do 0; đảng phí 1/1 tháng, còn nợ 0 đ; nhiệm vụ 1 đúng hạn, 0 trễ / 1; đã đăng ký cam kết; góp ý công khai 0; điểm tham gia 100',
  '3. Phạm Văn Cường (dự bị): dự họp 1/1, vắng có lý do 0, vắng không lý do 0; đảng phí 1/1 tháng, còn nợ 0 đ; nhiệm vụ 0 đúng hạn, 0 trễ / 0; đã đăng ký cam kết; góp ý công khai 0; điểm tham gia 100',
  '4. Vũ Thị Em (miễn sinh hoạt): dự họp 0/0, vắng có lý do 0, vắng không lý do 0; đảng phí 1/1 tháng, còn nợ 0 đ; nhiệm vụ 0 đúng hạn, 0 trễ / 0; chưa đăng ký cam kết; góp ý công khai 0',
  '- Biểu dương: Nguyễn Văn An (100), Phạm Văn Cường (100)',
  '- Nhắc nhở: không có',
];

function expectLines(text: string, lines: string[]): void {
  const got = text.split('\n');
  for (const l of lines) expect(got, `missing line: ${l}`).toContain(l);
}

describe('/tongket: the summary against a hand-computed cell, buttons on Telegram, numbers on Zalo', () => {
  let w: World;
  let secZalo: ZaloUser;
  beforeAll(async () => {
    w = await startWorld();
    const { code } = await createCell(w);
    await joinOnTelegram(w, member, code);
    w.tg.sendText(admin, '/lienketkenh');
    const linkMsg = await w.tg.waitForText(admin.id, 'Mã liên kết');
    secZalo = w.zalo.newUser('Bình');
    w.zalo.sendText(secZalo, /([A-Z2-9]{4}-[A-Z2-9]{4})/.exec(textOf(linkMsg))?.[1] as string);
    await w.zalo.waitForText(secZalo.id, 'Đã liên kết');
    sql(w, (db) => {
      // The member who joined through the bot joined today (2026): not in any 2025 period.
      seedSummaryFixture(db);
    });
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('Telegram: a typed range gives the year 2025 with every figure as computed by hand', async () => {
    const { tg } = w;
    tg.sendText(admin, '/tongket');
    const pick = await tg.waitForText(admin.id, 'chọn khoảng thời gian');
    for (const label of ['Tháng này', 'Tháng trước', 'Quý này', '6 tháng', 'Cả năm', 'Gõ khoảng thời gian']) expect(() => button(pick, label)).not.toThrow();
    tg.clickButton(admin, pick, button(pick, 'Gõ khoảng thời gian'));
    await tg.waitForText(admin.id, 'Gõ khoảng thời gian theo dạng');
    tg.sendText(admin, '31/12/2025-01/01/2025');
    await tg.waitForText(admin.id, 'Chưa hiểu khoảng thời gian');
    tg.sendText(admin, '01/01/2025-31/12/2025');
    const year = await tg.waitForText(admin.id, 'Từ 01/01/2025 đến 31/12/2025');
    expectLines(textOf(year), year2025);
    expect(textOf(year)).toContain('không phải xếp loại');

    tg.clickButton(admin, year, button(year, 'Cách tính điểm'));
    const formula = await tg.waitForText(admin.id, 'Cách tính điểm tham gia');
    expect(textOf(formula)).toContain('Dự sinh hoạt (số buổi có mặt / số buổi phải dự): trọng số 40');

    tg.clickButton(admin, year, button(year, 'Bảng tiêu chí 4 Tốt'));
    const card = await tg.waitForText(admin.id, 'BẢNG TIÊU CHÍ CHI BỘ 4 TỐT');
    expect(textOf(card)).toContain('3. Chất lượng sinh hoạt TỐT (trọng số 25)');
    expect(textOf(card)).toContain('• Số tháng có sinh hoạt thường kỳ: 5/12 (mục tiêu 100 %)');
    expect(textOf(card)).toContain('• Tỷ lệ đảng viên dự sinh hoạt: 11/18 (61 %) (mục tiêu 100 %)');
    expect(textOf(card)).toContain('• Đảng phí nộp đủ (tháng × đảng viên): 37/48 (77 %) (mục tiêu 100 %)');
    expect(textOf(card)).toContain('Nhận xét của chi bộ');

    tg.clickButton(admin, year, button(year, 'Tệp Excel và Word'));
    await tg.waitFor((c) => c.method === 'sendDocument' && String((c.params.document as { filename: string }).filename).endsWith('.docx'), 30_000);
    const stored = (): { file_id: string; file_name: string }[] => tg.messages(admin.id).flatMap((m) => (m.document ? [m.document as { file_id: string; file_name: string }] : []));
    for (let i = 0; i < 100 && stored().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const docs = stored();
    const xlsx = tg.file(docs.find((d) => d.file_name === 'tong-ket-2025-01-01_2025-12-31.xlsx')?.file_id ?? '');
    const docx = tg.file(docs.find((d) => d.file_name === 'tong-ket-2025-01-01_2025-12-31.docx')?.file_id ?? '');
    expect(xlsx && docx).toBeTruthy();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((xlsx as { data: Buffer }).data as unknown as ArrayBuffer);
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['Tổng hợp', 'Điểm danh', 'Đảng phí', 'Nhiệm vụ']);
    const values = (name: string): string[][] => (wb.getWorksheet(name)?.getSheetValues() ?? []).filter(Array.isArray).map((r) => (r as unknown[]).slice(1).map((v) => (v === undefined || v === null ? '' : String(v))));
    const summarySheet = values('Tổng hợp');
    expect(summarySheet).toContainEqual(['Số tháng có sinh hoạt thường kỳ / số tháng phải họp', '5/12']);
    expect(summarySheet).toContainEqual(['Lượt có mặt / lượt phải dự', '11/18 (61 %)']);
    expect(summarySheet).toContainEqual(['Phải thu (đồng)', '1860000']);
    expect(summarySheet).toContainEqual(['Đã thu (đồng)', '1340000']);
    expect(summarySheet).toContainEqual(['Góp ý ẩn danh (số lượng)', '3']);
    expect(summarySheet).toContainEqual(['Lê Thị Bích', '21']);
    const attendance = values('Điểm danh');
    expect(attendance[0]).toEqual(['Họ và tên', '10/01/2025 (thường kỳ)', '14/02/2025 (thường kỳ)', '14/03/2025 (thường kỳ)', '09/05/2025 (chuyên đề)', '13/06/2025 (thường kỳ)', '11/07/2025 (thường kỳ)', 'Có mặt']);
    expect(attendance).toContainEqual(['Lê Thị Bích', 'Có mặt', 'Vắng có lý do', 'Có mặt', 'Vắng không lý do', 'Vắng không lý do', 'Vắng không lý do', '2/6']);
    expect(attendance).toContainEqual(['Phạm Văn Cường', '', '', 'Có mặt', 'Có mặt', 'Vắng không lý do', 'Có mặt', '3/4']);
    const dues = values('Đảng phí');
    expect(dues).toContainEqual(['Hoàng Văn Dũng', '50000/50000', '0/50000', '', '', '', '', '', '', '', '', '', '', '100000', '50000']);
    const tasks = values('Nhiệm vụ');
    expect(tasks).toHaveLength(6);
    expect(tasks).toContainEqual(['Nguyễn Văn An', 'Việc', '4', '30/06/2025', 'Đã báo xong', '05/07/2025']);
    expect(tasks).toContainEqual(['Lê Thị Bích', 'Việc', '4', '01/05/2025', 'Đã hủy', '']);
    const xml = await (await JSZip.loadAsync((docx as { data: Buffer }).data)).file('word/document.xml')?.async('string');
    const plain = (xml ?? '').replace(/<[^>]+>/g, '');
    for (const part of ['CHI BỘ PHÒNG TỔ CHỨC', 'ĐẢNG CỘNG SẢN VIỆT NAM', 'BÁO CÁO TỔNG KẾT', 'Chi bộ 4 Tốt', 'Số tháng có sinh hoạt thường kỳ: 5/12', 'Tỷ lệ đảng viên dự sinh hoạt: 11/18 (61 %)', 'Biểu dương: Nguyễn Văn An', 'Nhắc nhở: Lê Thị Bích', 'T/M CHI BỘ', 'BÍ THƯ'])
      expect(plain).toContain(part);
  });

  it('Telegram: the quarter and the month by typed command arguments; the period buttons answer', async () => {
    const { tg } = w;
    tg.sendText(admin, '/tongket 01/01/2025-31/03/2025');
    const q = await tg.waitForText(admin.id, 'Từ 01/01/2025 đến 31/03/2025');
    expectLines(textOf(q), quarter1);
    tg.sendText(admin, '/tongket 01/03/2025-31/03/2025');
    const m = await tg.waitForText(admin.id, 'Từ 01/03/2025 đến 31/03/2025');
    expectLines(textOf(m), march2025);
    tg.sendText(admin, '/tongket');
    const pick = await tg.waitForText(admin.id, 'chọn khoảng thời gian');
    tg.clickButton(admin, pick, button(pick, 'Cả năm'));
    const thisYear = new Date().getUTCFullYear();
    const y = await tg.waitForText(admin.id, `Từ 01/01/${thisYear} đến 31/12/${thisYear}`);
    expect(textOf(y)).toContain('I. SINH HOẠT CHI BỘ');
  });

  it('Telegram: the chart comes as one PNG photo', async () => {
    const { tg } = w;
    tg.sendText(admin, '/tongket 01/01/2025-31/12/2025');
    const year = await tg.waitForText(admin.id, 'Nhắc nhở: Lê Thị Bích (21)');
    tg.clickButton(admin, year, button(year, 'Biểu đồ'));
    const photo = await tg.waitFor((c) => c.method === 'sendPhoto' && String((c.params.photo as { filename?: string } | undefined)?.filename).endsWith('.png') && String((c.params.photo as { filename?: string }).filename).startsWith('tong-ket'), 25_000);
    expect((photo.params.photo as { filename: string; size: number }).filename).toBe('tong-ket-2025-01-01_2025-12-31.png');
    expect((photo.params.photo as { filename: string; size: number }).size).toBeGreaterThan(20_000);
  }, 45_000);


  it('the bot admin (superior committee) gets the roll-up of every cell: counts only, and the total', async () => {
    const { tg } = w;
    tg.sendText(admin, '/tongket');
    const pick = await tg.waitForText(admin.id, 'chọn khoảng thời gian');
    tg.clickButton(admin, pick, button(pick, 'Tổng hợp tất cả chi bộ'));
    const periods = await tg.waitForText(admin.id, 'Tổng hợp tất cả chi bộ: chọn khoảng thời gian');
    tg.clickButton(admin, periods, button(periods, 'Cả năm'));
    const roll = await tg.waitForText(admin.id, 'TỔNG HỢP 1 CHI BỘ');
    expect(textOf(roll)).toContain('1. Chi bộ Phòng Tổ chức:');
    expect(textOf(roll)).toContain('Toàn bộ:');
    expect(textOf(roll)).not.toContain('Lê Thị Bích');
  });

  it('Zalo: numbers and typing give the same figures, split into messages Zalo accepts', async () => {
    const { zalo } = w;
    zalo.sendText(secZalo, '/tongket');
    const pick = String((await zalo.waitForText(secZalo.id, 'chọn khoảng thời gian')).params.text);
    zalo.sendText(secZalo, numberOf(pick, 'Gõ khoảng thời gian'));
    await zalo.waitForText(secZalo.id, 'Gõ khoảng thời gian theo dạng');
    const before = zalo.textsTo(secZalo.id).length;
    zalo.sendText(secZalo, '01/01/2025 - 31/12/2025');
    await zalo.waitForText(secZalo.id, 'Nhắc nhở: Lê Thị Bích (21)');
    const parts = zalo.textsTo(secZalo.id).slice(before);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
    expectLines(parts.join('\n'), year2025);
    const actions = parts[parts.length - 1] as string;
    zalo.sendText(secZalo, numberOf(actions, 'Cách tính điểm'));
    await zalo.waitForText(secZalo.id, 'Cách tính điểm tham gia');
    zalo.sendText(secZalo, numberOf(actions, 'Tệp Excel và Word'));
    await zalo.waitForText(secZalo.id, 'bảng tính và dự thảo báo cáo');
    zalo.sendText(secZalo, numberOf(actions, 'Biểu đồ'));
    await zalo.waitForText(secZalo.id, 'Biểu đồ sinh hoạt và đảng phí');

    const beforeQ = zalo.textsTo(secZalo.id).length;
    zalo.sendText(secZalo, '/tongket 01/01/2025-31/03/2025');
    await zalo.waitForText(secZalo.id, 'Nhắc nhở: Lê Thị Bích (57)');
    expectLines(zalo.textsTo(secZalo.id).slice(beforeQ).join('\n'), quarter1);
    const beforeM = zalo.textsTo(secZalo.id).length;
    zalo.sendText(secZalo, '/tongket 01/03/2025-31/03/2025');
    await zalo.waitForText(secZalo.id, 'Nhắc nhở: không có');
    expectLines(zalo.textsTo(secZalo.id).slice(beforeM).join('\n'), march2025);
    zalo.sendText(secZalo, '/tongket 45/03/2025-31/03/2025');
    await zalo.waitForText(secZalo.id, 'Chưa hiểu khoảng thời gian');
  });

  it('jobs:run: the monthly digest on the first working day and the sơ kết reminder, each once', async () => {
    const { tg } = w;
    // Monday 2 February 2026, 08:30 in Hà Nội: January's digest; run twice, sent once.
    const at = instant('2026-02-02', '08:30');
    expect((await jobsRun(w, at)).code).toBe(0);
    expect((await jobsRun(w, at)).code).toBe(0);
    // The secretary's messages go to the channel she used last (Zalo, where she linked her account).
    await w.zalo.waitForText(secZalo.id, 'Tổng kết tháng 01/2026 của chi bộ', 20_000);
    // Monday 15 June 2026: the half-year reminder, with the six-month choice.
    expect((await jobsRun(w, instant('2026-06-15', '09:00'))).code).toBe(0);
    const reminder = String((await w.zalo.waitForText(secZalo.id, 'chuẩn bị sơ kết', 20_000)).params.text);
    expect(() => numberOf(reminder, '6 tháng')).not.toThrow();
    await new Promise((r) => setTimeout(r, 500));
    const all = [...w.zalo.textsTo(secZalo.id), ...tg.sent(admin.id).map(textOf)];
    expect(all.filter((x) => x.includes('Tổng kết tháng 01/2026 của chi bộ')).length).toBe(1);
    expect(tg.sent(member.id).filter((c) => textOf(c).includes('Tổng kết tháng') || textOf(c).includes('sơ kết')).length).toBe(0);
  }, 60_000);

  it('an ordinary member is refused, and nothing of the summary is shown', async () => {
    const { tg } = w;
    tg.sendText(member, '/tongket');
    const refused = await tg.waitForText(member.id, 'Xin lỗi');
    expect(textOf(refused)).not.toContain('TỔNG KẾT');
  });
});
