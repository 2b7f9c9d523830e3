import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser } from '../fakes/telegram.js';
import { admin, button, startWorld, textOf, type World } from './harness.js';

describe('foundation on Telegram: create cell → link group → invite → join → approve → list', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('runs the whole onboarding by buttons, in Vietnamese', async () => {
    const { tg } = w;
    tg.sendText(admin, '/start');
    await tg.waitForText(admin.id, 'quản trị viên');
    tg.sendText(admin, '/taochibo');
    await tg.waitForText(admin.id, 'Tên chi bộ');
    tg.sendText(admin, 'Chi bộ Phòng Tổ chức');
    await tg.waitForText(admin.id, 'cấp ủy cấp trên');
    tg.sendText(admin, 'Đảng ủy phường Bến Nghé');
    await tg.waitForText(admin.id, 'Họ và tên');
    tg.sendText(admin, 'Trần Thị Bình');
    const confirm = await tg.waitForText(admin.id, 'Xin xác nhận');
    tg.clickButton(admin, confirm, button(confirm, 'Tạo chi bộ'));
    await tg.waitForText(admin.id, 'Đồng chí là Bí thư');

    const group = { id: -100777, type: 'supergroup' as const, title: 'Chi bộ Phòng Tổ chức' };
    tg.addBotToGroup(admin, group);
    await tg.waitForText(group.id, '/lienket');
    tg.sendText(admin, '/lienket', group);
    await tg.waitForText(group.id, 'Đã liên kết nhóm');

    tg.sendText(admin, '/moi');
    const menu = await tg.waitForText(admin.id, 'Mời đảng viên');
    tg.clickButton(admin, menu, button(menu, 'dùng 1 lần'));
    const invite = await tg.waitForText(admin.id, 'https://t.me/');
    const code = /start=([A-Z2-9]{12})/.exec(textOf(invite))?.[1];
    expect(code).toBeDefined();
    await tg.waitFor((c) => c.method === 'sendPhoto' && String(c.params.chat_id) === String(admin.id));

    const newcomer: FakeUser = { id: 2002, first_name: 'Nguyễn', last_name: 'Văn An' };
    tg.sendText(newcomer, `/start ${code}`);
    const ask = await tg.waitForText(newcomer.id, 'họ và tên');
    tg.clickButton(newcomer, ask, button(ask, 'Dùng tên'));
    await tg.waitForText(newcomer.id, 'Đã gửi yêu cầu');

    const card = await tg.waitForText(admin.id, 'Yêu cầu tham gia');
    tg.clickButton(admin, card, button(card, 'Duyệt'));
    await tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Đã duyệt'));
    await tg.waitForText(newcomer.id, 'Chúc mừng');

    tg.sendText(admin, '/thanhvien');
    const list = await tg.waitForText(admin.id, '2 đảng viên');
    expect(textOf(list)).toContain('Nguyễn Văn An');
    expect(textOf(list)).toContain('Trần Thị Bình — Bí thư');
  });
});
