import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser, SentCall } from '../fakes/telegram.js';
import { admin, button, createCell, startWorld, textOf, type World } from './harness.js';
import { DAY, local, setMeetingSettings, sql } from './meetings-harness.js';

/**
 * Delivery of a broadcast through the outbox: a 429 with retry_after is honoured, a restart in
 * the middle of sending loses and repeats nothing, and a member who blocked the bot is marked
 * unreachable and listed for the secretary.
 */
/** Polls until `done` holds (the fake records every call; waiting on counts, not on single messages). */
async function until(done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('meetings: a broadcast through the outbox survives 429, a restart and a blocked member', () => {
  let w: World;
  const members: FakeUser[] = Array.from({ length: 40 }, (_, i) => ({ id: 6001 + i, first_name: 'Đảng', last_name: `Viên ${i + 1}` }));
  const blocked = members[0] as FakeUser;
  const isInvite = (c: SentCall) => c.ok && c.method === 'sendMessage' && textOf(c).includes('trân trọng kính mời');

  beforeAll(async () => {
    w = await startWorld();
    await createCell(w);
    setMeetingSettings(w, { quietFrom: '00:00', quietTo: '00:00' });
    // Forty people start the bot, then are put on the cell's roll directly (as an import would).
    for (const m of members) w.tg.sendText(m, '/start');
    for (const m of members) await w.tg.waitForText(m.id, 'Kính chào đồng chí', 20_000);
    sql(w, (db) => {
      const cellId = (db.prepare('SELECT id FROM cells LIMIT 1').get() as { id: number }).id;
      const now = Date.now();
      for (const [i, m] of members.entries()) {
        const { person_id } = db.prepare("SELECT person_id FROM accounts WHERE channel = 'telegram' AND external_id = ?").get(String(m.id)) as { person_id: number };
        db.prepare("INSERT INTO members (cell_id, person_id, full_name, role, status, created_at, updated_at) VALUES (?, ?, ?, 'member', 'active', ?, ?)").run(cellId, person_id, `Nguyễn Văn Số ${i + 1}`, now, now);
      }
    });
    w.tg.blockUser(blocked.id);
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('sends every invitation exactly once through a 429 and a restart in the middle of sending', async () => {
    const { tg } = w;
    const when = local(Date.now() + 5 * DAY);
    tg.sendText(admin, '/taohop');
    const kinds = await tg.waitForText(admin.id, 'chọn loại');
    tg.clickButton(admin, kinds, button(kinds, 'Chuyên đề'));
    await tg.waitForText(admin.id, 'Ngày họp?');
    tg.sendText(admin, `${when.dm} 08:00`);
    const duration = await tg.waitForText(admin.id, 'họp bao lâu');
    tg.clickButton(admin, duration, button(duration, '120 phút'));
    await tg.waitForText(admin.id, 'Địa điểm họp?');
    tg.sendText(admin, 'Hội trường UBND phường');
    await tg.waitForText(admin.id, 'Nội dung chính');
    tg.sendText(admin, 'Chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh');
    const confirm = await tg.waitForText(admin.id, 'Xin kiểm tra lại');
    // The next message the bot sends (the first invitation) meets flood control.
    tg.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', { retry_after: 1 });
    tg.clickButton(admin, confirm, button(confirm, 'Tạo và gửi giấy mời'));
    await tg.waitForText(admin.id, 'gửi giấy mời tới 41 đồng chí');

    // Restart while the broadcast is under way.
    await until(() => tg.calls.filter(isInvite).length >= 10);
    await w.restart();
    const sentBeforeRestart = tg.calls.filter(isInvite).length;
    expect(sentBeforeRestart).toBeLessThan(40);

    await until(() => new Set(tg.calls.filter(isInvite).map((c) => c.params.chat_id)).size >= 40);
    const perChat = new Map<number, number>();
    for (const c of tg.calls.filter(isInvite)) perChat.set(Number(c.params.chat_id), (perChat.get(Number(c.params.chat_id)) ?? 0) + 1);
    expect(perChat.size).toBe(40);
    expect([...perChat.values()].every((n) => n === 1)).toBe(true);
    expect(perChat.has(blocked.id)).toBe(false);

    const limited = tg.calls.filter((c) => c.method === 'sendMessage' && c.error?.error_code === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(tg.stats.tooMany).toBeGreaterThanOrEqual(1);
    // The rate-limited invitation went out once, at least a second later.
    const first = limited[0] as SentCall;
    const retried = tg.calls.filter((c) => isInvite(c) && c.params.chat_id === first.params.chat_id);
    expect(retried).toHaveLength(1);
    expect((retried[0] as SentCall).at - first.at).toBeGreaterThanOrEqual(1000);
  }, 60_000);

  it('lists a member who blocked the bot as unreachable for the secretary', async () => {
    const { tg } = w;
    await tg.waitFor((c) => !c.ok && Number(c.params.chat_id) === blocked.id && c.error?.error_code === 403, 15_000);
    tg.sendText(admin, '/lichhop');
    const list = await tg.waitForText(admin.id, 'Lịch họp của');
    tg.clickButton(admin, list, button(list, 'chuyên đề'));
    const view = await tg.waitForText(admin.id, 'Cấp ủy cấp trên');
    tg.clickButton(admin, view, button(view, 'Báo cáo sau họp'));
    const report = await tg.waitForText(admin.id, 'Bot không nhắn được');
    expect(textOf(report)).toContain('Bot không nhắn được (1, cần báo cách khác): Nguyễn Văn Số 1');
    tg.sendText(admin, '/thanhvien');
    const roll = await tg.waitForText(admin.id, 'Bot không nhắn được cho các đồng chí sau');
    expect(textOf(roll)).toContain('Nguyễn Văn Số 1 — Telegram: đã chặn bot');
  });
});
