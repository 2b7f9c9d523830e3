import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, button, createCell, joinOnTelegram, linkZalo, numberOf, startWorld, textOf, type World } from './harness.js';

describe('/caidat and /nhatky on both channels', () => {
  let w: World;
  let code: string;
  beforeAll(async () => {
    w = await startWorld();
    ({ code } = await createCell(w));
  });
  afterAll(async () => {
    await w?.close();
  });

  it('lets the secretary change a setting by buttons on Telegram', async () => {
    const { tg } = w;
    tg.sendText(admin, '/caidat');
    const list = await tg.waitForText(admin.id, 'Cài đặt của');
    expect(textOf(list)).toContain('Tỉ lệ có mặt tối thiểu: quá nửa');
    tg.clickButton(admin, list, button(list, 'Tỉ lệ có mặt'));
    const options = await tg.waitForText(admin.id, 'Tỉ lệ có mặt tối thiểu');
    tg.clickButton(admin, options, button(options, 'hai phần ba'));
    await tg.waitForText(admin.id, 'Đã lưu cài đặt');
    const after = await tg.waitForText(admin.id, 'Cài đặt của');
    expect(textOf(after)).toContain('hai phần ba');
  });

  it('refuses a bad value politely and changes nothing, then accepts a good one typed on Zalo', async () => {
    const { zalo } = w;
    const z = await linkZalo(w);
    zalo.sendText(z, 'cai dat');
    const list = await zalo.waitForText(z.id, 'Cài đặt của');
    zalo.sendText(z, numberOf(String(list.params.text), 'Giờ họp thường kỳ'));
    await zalo.waitForText(z.id, 'Gõ giờ mới');
    zalo.sendText(z, '25:99');
    await zalo.waitForText(z.id, 'chưa hợp lệ');
    zalo.sendText(z, '19:30');
    await zalo.waitForText(z.id, 'Đã lưu cài đặt');
    const after = await zalo.waitForText(z.id, 'Cài đặt của');
    expect(String(after.params.text)).toContain('Giờ họp thường kỳ: 19:30');
  });

  it('shows settings read-only to members and refuses their edits', async () => {
    const member = { id: 5001, first_name: 'Lý', last_name: 'Văn Thường' };
    // The secretary used Zalo last; private messages follow the channel used last, so come back to Telegram.
    w.tg.sendText(admin, '/chibo');
    await w.tg.waitForText(admin.id, 'Chi bộ của đồng chí');
    await joinOnTelegram(w, member, code);
    w.tg.sendText(member, '/caidat');
    const view = await w.tg.waitForText(member.id, 'Cài đặt của');
    expect(view.params.reply_markup).toBeUndefined();
    w.tg.clickButton(member, view, 'set:v:1:2:twoThirds');
    await w.tg.waitForText(member.id, 'chỉ Bí thư');
  });

  it('lists the change log for the secretary', async () => {
    w.tg.sendText(admin, '/nhatky');
    const log = await w.tg.waitForText(admin.id, 'Nhật ký thay đổi');
    expect(textOf(log)).toContain('đổi cài đặt');
    expect(textOf(log)).toContain('duyệt tham gia → Lý Văn Thường');
  });
});
