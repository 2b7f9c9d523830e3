import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser, SentCall } from '../fakes/telegram.js';
import type { ZaloUser } from '../fakes/zalo.js';
import { admin, button, createCell, joinOnTelegram, linkGroup, startWorld, textOf, type World } from './harness.js';
import { createOnTelegram, DAY, HOUR, instant, jobsRun, joinOnZalo, local, MINUTE, pickOnZalo, setMeetingSettings } from './meetings-harness.js';

/**
 * A regular meeting from creation to its report: created by buttons on Telegram, invitations on
 * both channels, every answer (and a changed one), the group card edited in place, reminders at
 * their times driven by `jobs:run --at`, the automatic close, reasons asked and accepted, and the
 * quorum and minutes header.
 */
describe('meetings: invitations, answers, reminders, close (Telegram + Zalo)', () => {
  let w: World;
  const group = { id: -100888, type: 'supergroup' as const, title: 'Chi bộ Phòng Tổ chức' };
  const m1: FakeUser = { id: 3001, first_name: 'Nguyễn', last_name: 'Văn Một' };
  const m2: FakeUser = { id: 3002, first_name: 'Trần', last_name: 'Văn Hai' };
  const m3: FakeUser = { id: 3003, first_name: 'Lê', last_name: 'Thị Ba' };
  let z1: ZaloUser;
  let start: number;
  const invites = new Map<number, SentCall>();
  let zaloInvite = '';

  beforeAll(async () => {
    w = await startWorld();
    const { code } = await createCell(w);
    setMeetingSettings(w, { quietFrom: '00:00', quietTo: '00:00' });
    await linkGroup(w, group);
    for (const m of [m1, m2, m3]) await joinOnTelegram(w, m, code);
    z1 = await joinOnZalo(w, 'Tư', 'Phạm Văn Tư', code);
    const day = local(Date.now() + 4 * DAY);
    start = instant(day.iso, '14:00');
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('creates a regular meeting by buttons and typed date, invites everyone on their channel, and posts one card in the group', async () => {
    await createOnTelegram(w, admin, { kind: 'Thường kỳ (hằng tháng)', when: `${local(start).dm} 14:00`, duration: '90 phút', place: 'Hội trường tổ dân phố 5' });
    for (const m of [m1, m2, m3, admin]) {
      const inv = await w.tg.waitForText(m.id, 'trân trọng kính mời');
      invites.set(m.id, inv);
      expect(textOf(inv)).toContain('Hội trường tổ dân phố 5');
      expect(button(inv, 'Tham dự')).toMatch(/^mtg:r:\d+:a$/);
    }
    const zInv = await w.zalo.waitForText(z1.id, 'trân trọng kính mời');
    zaloInvite = String(zInv.params.text);
    expect(String(zInv.params.text)).toContain('Kính gửi đồng chí Phạm Văn Tư');
    expect(String(zInv.params.text)).toMatch(/\d+\. Tham dự/);
    const card = await w.tg.waitForText(group.id, 'thông báo sinh hoạt chi bộ thường kỳ');
    expect(textOf(card)).toContain('Chưa trả lời: 5');
  });

  it('records each answer and a changed one; the group card is edited in place, Zalo gets no card', async () => {
    const { tg, zalo } = w;
    const inv1 = invites.get(m1.id) as SentCall;
    tg.clickButton(m1, inv1, button(inv1, 'Tham dự'));
    await tg.waitForText(m1.id, 'Đã ghi nhận: đồng chí tham dự');

    const inv2 = invites.get(m2.id) as SentCall;
    tg.clickButton(m2, inv2, button(inv2, 'Vắng (có lý do)'));
    await tg.waitForText(m2.id, 'lý do vắng');
    tg.sendText(m2, 'Đi công tác Đà Nẵng');
    await tg.waitForText(m2.id, 'Đã gửi lý do');
    const reasonCard = await tg.waitForText(admin.id, 'Lý do: Đi công tác Đà Nẵng');
    expect(button(reasonCard, 'Chấp nhận lý do')).toMatch(/^mtg:j:\d+:1$/);

    const inv3 = invites.get(m3.id) as SentCall;
    tg.clickButton(m3, inv3, button(inv3, 'Chưa chắc'));
    await tg.waitForText(m3.id, 'chưa chắc');

    // On Zalo: answer by number, then change the answer from the card the bot sends back.
    await pickOnZalo(w, z1, { text: zaloInvite }, 'Tham dự');
    await zalo.waitForText(z1.id, 'Đã ghi nhận: đồng chí tham dự');
    await pickOnZalo(w, z1, 'Đồng chí: Tham dự', 'Chưa chắc');
    await zalo.waitForText(z1.id, 'Đã ghi nhận: đồng chí chưa chắc');

    const final = await tg.waitFor((c) => Number(c.params.chat_id) === group.id && textOf(c).includes('Tham dự: 1 · Vắng: 1 · Chưa chắc: 2 · Chưa trả lời: 1'), 15_000);
    expect(final.method).toBe('editMessageText');
    const toGroup = tg.sent(group.id).filter((c) => textOf(c).includes('thông báo sinh hoạt'));
    expect(toGroup.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
    expect(new Set(toGroup.map((c) => c.message_id)).size).toBe(1);
    expect(zalo.textsTo(z1.id).some((t) => t.includes('Chưa trả lời:'))).toBe(false);
  });

  it('sends reminders at their times only to those who have not answered or are unsure, then a final one to attendees', async () => {
    const { tg, zalo } = w;
    const count = (chat: number, text: string) => tg.sent(chat).filter((c) => textOf(c).includes(text)).length;
    const run1 = await jobsRun(w, start - 3 * DAY + MINUTE);
    expect(run1.code).toBe(0);
    await tg.waitForText(admin.id, 'Nhắc lịch');
    await tg.waitForText(m3.id, 'Chưa chắc" — xin cho biết');
    await zalo.waitForText(z1.id, 'Chưa chắc" — xin cho biết');
    expect(count(m1.id, 'Nhắc')).toBe(0);
    expect(count(m2.id, 'Nhắc')).toBe(0);

    await jobsRun(w, start - DAY + 5 * MINUTE);
    expect(count(admin.id, 'Nhắc lịch')).toBe(2);
    expect(count(m3.id, 'Nhắc lịch')).toBe(2);
    expect(zalo.textsTo(z1.id).filter((t) => t.includes('Nhắc lịch')).length).toBe(2);

    const run3 = await jobsRun(w, start - 2 * HOUR);
    expect(JSON.parse(run3.stdout.trim()).sent).toBeGreaterThanOrEqual(3);
    await tg.waitForText(m1.id, 'Nhắc lần cuối');
    expect(count(m1.id, 'Nhắc')).toBe(1);
    expect(count(m2.id, 'Nhắc')).toBe(0);
    expect(count(admin.id, 'Nhắc lịch')).toBe(3);
    // Once the meeting has started no reminder goes out, and a slot already sent is never sent again.
    await jobsRun(w, start + MINUTE);
    expect(count(admin.id, 'Nhắc lịch')).toBe(3);
    expect(count(m1.id, 'Nhắc')).toBe(1);
  }, 90_000);

  it('closes check-in by itself, asks absentees for a reason, lets the secretary accept one, and reports the quorum and the minutes header', async () => {
    const { tg, zalo } = w;
    await jobsRun(w, start + 61 * MINUTE);
    // The leaders get the report; those absent without a reason are asked for one (a bulk message, so after it).
    const report = await tg.waitForText(admin.id, 'Kết quả điểm danh');
    for (const m of [m1, m3, admin]) await tg.waitForText(m.id, 'chưa báo lý do');
    expect(textOf(report)).toContain('Số đảng viên chính thức có mặt: 0/5 — CHƯA ĐỦ tỉ lệ (cần 3');
    expect(textOf(report)).toContain('Vắng có báo lý do (1): Trần Văn Hai');
    expect(tg.sent(m2.id).some((c) => textOf(c).includes('chưa báo lý do'))).toBe(false);

    await pickOnZalo(w, z1, 'chưa báo lý do', 'Gửi lý do vắng');
    await zalo.waitForText(z1.id, 'lý do vắng');
    zalo.sendText(z1, 'Ốm, nằm viện');
    await zalo.waitForText(z1.id, 'Đã gửi lý do');
    const card = await tg.waitForText(admin.id, 'Lý do: Ốm, nằm viện');
    tg.clickButton(admin, card, button(card, 'Chấp nhận lý do'));
    await tg.waitForText(admin.id, 'Đã chấp nhận lý do vắng của đồng chí Phạm Văn Tư');
    await zalo.waitForText(z1.id, 'Chi bộ đã chấp nhận lý do');

    tg.sendText(admin, '/lichhop');
    const list = await tg.waitForText(admin.id, 'Lịch họp của');
    tg.clickButton(admin, list, button(list, 'Đã họp'));
    const view = await tg.waitForText(admin.id, 'Đã kết thúc điểm danh');
    tg.clickButton(admin, view, button(view, 'Điểm danh cho biên bản'));
    const header = await tg.waitForText(admin.id, 'Phần điểm danh để dán vào biên bản');
    expect(textOf(header)).toContain('- Tổng số đảng viên: 5 (chính thức: 5, dự bị: 0)');
    expect(textOf(header)).toContain('- Số đảng viên miễn sinh hoạt: 0');
    expect(textOf(header)).toContain('- Số đảng viên có mặt: 0');
    expect(textOf(header)).toContain('- Vắng có lý do: 2: đồng chí Phạm Văn Tư, đồng chí Trần Văn Hai');
    expect(textOf(header)).toContain('- Vắng không lý do: 3: đồng chí Lê Thị Ba, đồng chí Nguyễn Văn Một, đồng chí Trần Thị Bình');
  }, 60_000);
});
