import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser } from '../fakes/telegram.js';
import { admin, button, createCell, joinOnTelegram, linkZalo, numberOf, startWorld, textOf, type World } from './harness.js';

const an: FakeUser = { id: 6001, first_name: 'Nguyễn', last_name: 'Văn An' };

function row(w: World, name: string): Record<string, unknown> {
  const db = new Database(w.dbPath, { readonly: true });
  try {
    return db.prepare('SELECT * FROM members WHERE full_name = ?').get(name) as Record<string, unknown>;
  } finally {
    db.close();
  }
}

describe('member management by buttons (Telegram) and by typing (Zalo)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
    const { code } = await createCell(w);
    await joinOnTelegram(w, an, code);
  });
  afterAll(async () => {
    await w?.close();
  });

  async function openCard(name: string) {
    w.tg.sendText(admin, '/thanhvien');
    const list = await w.tg.waitForText(admin.id, 'đảng viên (');
    w.tg.clickButton(admin, list, button(list, name));
    return w.tg.waitForText(admin.id, 'Trạng thái');
  }

  it('marks a member probationary from a typed date, then exempt for a period', async () => {
    let card = await openCard('Nguyễn Văn An');
    w.tg.clickButton(admin, card, button(card, 'Chính thức / Dự bị'));
    const which = await w.tg.waitForText(admin.id, 'chính thức hay dự bị');
    w.tg.clickButton(admin, which, button(which, 'dự bị'));
    await w.tg.waitForText(admin.id, 'Từ ngày nào');
    w.tg.sendText(admin, '31/02/2026');
    await w.tg.waitForText(admin.id, 'Ngày chưa đúng');
    w.tg.sendText(admin, '15/3/2026');
    await w.tg.waitForText(admin.id, 'Đã lưu');
    card = await w.tg.waitForText(admin.id, 'Trạng thái');
    expect(textOf(card)).toContain('dự bị (từ 15/03/2026)');
    expect(row(w, 'Nguyễn Văn An').membership).toBe('probationary');

    w.tg.clickButton(admin, card, button(card, 'Miễn sinh hoạt'));
    const kinds = await w.tg.waitForText(admin.id, 'loại miễn');
    w.tg.clickButton(admin, kinds, button(kinds, 'tạm miễn'));
    const from = await w.tg.waitForText(admin.id, 'Miễn từ ngày');
    w.tg.clickButton(admin, from, button(from, 'Hôm nay'));
    await w.tg.waitForText(admin.id, 'Đến ngày nào');
    w.tg.sendText(admin, '01/01/2020');
    await w.tg.waitForText(admin.id, 'phải sau ngày bắt đầu');
  });

  it('toggles the dues collector, changes the review form and renames', async () => {
    let card = await openCard('Nguyễn Văn An');
    w.tg.clickButton(admin, card, button(card, 'Giao thu đảng phí'));
    card = await w.tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Thu đảng phí: Có'));
    w.tg.clickButton(admin, card, button(card, 'Mẫu kiểm điểm'));
    const forms = await w.tg.waitForText(admin.id, 'mẫu bản kiểm điểm');
    w.tg.clickButton(admin, forms, button(forms, '2C'));
    await w.tg.waitFor((c) => textOf(c).includes('Mẫu 2C'));
    expect(row(w, 'Nguyễn Văn An').review_form).toBe('2C');
    card = await openCard('Nguyễn Văn An');
    w.tg.clickButton(admin, card, button(card, 'Sửa họ tên'));
    await w.tg.waitForText(admin.id, 'Họ và tên mới');
    w.tg.sendText(admin, 'Nguyễn Văn Ân 079123456789');
    await w.tg.waitForText(admin.id, 'số căn cước');
    w.tg.sendText(admin, 'nguyễn văn ân');
    await w.tg.waitForText(admin.id, 'Đã lưu');
    expect(row(w, 'Nguyễn Văn Ân').collects_dues).toBe(1);
  });

  it('hands the secretary role over by typing on Zalo, then removes a member with history kept', async () => {
    const { zalo } = w;
    const z = await linkZalo(w);
    zalo.sendText(z, '/thanhvien');
    const list = await zalo.waitForText(z.id, 'đảng viên (');
    zalo.sendText(z, numberOf(String(list.params.text), 'Nguyễn Văn Ân'));
    const card = await zalo.waitForText(z.id, 'Trạng thái');
    zalo.sendText(z, numberOf(String(card.params.text), 'Đổi vai trò'));
    const roles = await zalo.waitForText(z.id, 'Chọn vai trò');
    zalo.sendText(z, numberOf(String(roles.params.text), 'Phó Bí thư'));
    const after = await zalo.waitForText(z.id, 'Trạng thái');
    expect(String(after.params.text)).toContain('Vai trò: Phó Bí thư');
    zalo.sendText(z, numberOf(String(after.params.text), 'Xóa khỏi danh sách'));
    const confirm = await zalo.waitForText(z.id, 'Xóa đồng chí');
    zalo.sendText(z, numberOf(String(confirm.params.text), 'Xác nhận xóa'));
    await zalo.waitForText(z.id, 'Đã xóa đồng chí Nguyễn Văn Ân');
    const gone = row(w, 'Nguyễn Văn Ân');
    expect(gone.status).toBe('left');
    expect(gone.left_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('asks which cell when the person is in several', async () => {
    const { tg } = w;
    tg.sendText(admin, '/chibo');
    await tg.waitForText(admin.id, 'Chi bộ của đồng chí');
    tg.sendText(admin, '/taochibo');
    await tg.waitForText(admin.id, 'Tên chi bộ');
    tg.sendText(admin, 'Chi bộ Khu phố 3');
    await tg.waitForText(admin.id, 'cấp ủy');
    tg.sendText(admin, 'Đảng ủy phường 1');
    await tg.waitForText(admin.id, 'Họ và tên');
    tg.sendText(admin, 'Trần Thị Bình');
    const confirm = await tg.waitForText(admin.id, 'Xin xác nhận');
    tg.clickButton(admin, confirm, button(confirm, 'Tạo chi bộ'));
    await tg.waitForText(admin.id, 'Đồng chí là Bí thư');
    tg.sendText(admin, '/thanhvien');
    const which = await tg.waitForText(admin.id, 'chi bộ nào');
    tg.clickButton(admin, which, button(which, 'Khu phố 3'));
    const list = await tg.waitForText(admin.id, 'Chi bộ Khu phố 3 — 1 đảng viên');
    expect(textOf(list)).not.toContain('Nguyễn');
  });
});
