import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser } from '../fakes/telegram.js';
import type { ZaloUser } from '../fakes/zalo.js';
import { admin, button, createCell, joinOnTelegram, linkZalo, numberOf, startWorld, textOf, type World } from './harness.js';
import { instant, jobsRun, joinOnZalo, local, setCellSettings } from './meetings-harness.js';

const an: FakeUser = { id: 6401, first_name: 'Nguyễn', last_name: 'Văn An' };
const cuong: FakeUser = { id: 6402, first_name: 'Lê', last_name: 'Văn Cường' };
const year = Number(local(Date.now()).iso.slice(0, 4));

function query<T>(w: World, sqlText: string, ...args: unknown[]): T[] {
  const db = new Database(w.dbPath, { readonly: true });
  try {
    return db.prepare(sqlText).all(...args) as T[];
  } finally {
    db.close();
  }
}

describe('residence comments (form 3-213): exemptions, the reminder before the review season, the ticks', () => {
  let w: World;
  let lan: ZaloUser;
  let secZalo: ZaloUser;
  beforeAll(async () => {
    w = await startWorld();
    const { code } = await createCell(w);
    // Reminders off while members join and exemptions are set: the bot's own minute tick runs on the real
    // date, which may fall in the season's window; the job test turns them back on.
    setCellSettings(w, 'residence', { leadDays: 0 });
    await joinOnTelegram(w, an, code);
    await joinOnTelegram(w, cuong, code);
    lan = await joinOnZalo(w, 'Lan', 'Lê Thị Lan', code);
    secZalo = await linkZalo(w);
    // Notices to the secretary go to Telegram (else: the channel used last).
    w.tg.sendText(admin, '/kenh');
    const channels = await w.tg.waitForText(admin.id, 'qua kênh nào');
    w.tg.clickButton(admin, channels, button(channels, 'Telegram'));
    await w.tg.waitFor((c) => textOf(c).includes('Đã chọn: Telegram'));
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('the secretary marks a soldier exempt from the member card (Telegram), and sets and clears one on Zalo by numbers', async () => {
    const { tg, zalo } = w;
    tg.sendText(admin, '/thanhvien');
    const list = await tg.waitForText(admin.id, 'đảng viên (');
    tg.clickButton(admin, list, button(list, 'Lê Văn Cường'));
    const card = await tg.waitForText(admin.id, 'Trạng thái');
    tg.clickButton(admin, card, button(card, 'Nơi cư trú (QĐ 213)'));
    const residence = await tg.waitForText(admin.id, 'giữ mối liên hệ với chi ủy nơi cư trú');
    expect(textOf(residence)).toContain('thuộc diện xin nhận xét');
    tg.clickButton(admin, residence, button(residence, 'Quân đội'));
    const saved = await tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Hiện: miễn — Quân đội'));
    expect(textOf(saved)).toContain('Đã lưu');

    zalo.sendText(secZalo, 'thanhvien');
    const zList = await zalo.waitForText(secZalo.id, 'đảng viên (');
    zalo.sendText(secZalo, numberOf(String(zList.params.text), 'Nguyễn Văn An'));
    const zCard = await zalo.waitForText(secZalo.id, 'Trạng thái');
    zalo.sendText(secZalo, numberOf(String(zCard.params.text), 'Nơi cư trú'));
    const zRes = await zalo.waitForText(secZalo.id, 'giữ mối liên hệ với chi ủy nơi cư trú');
    zalo.sendText(secZalo, numberOf(String(zRes.params.text), 'Học sinh, sinh viên ở xa'));
    const zSaved = await zalo.waitForText(secZalo.id, 'Hiện: miễn — Học sinh, sinh viên ở xa');
    zalo.sendText(secZalo, numberOf(String(zSaved.params.text), 'Không miễn'));
    await zalo.waitForText(secZalo.id, 'Hiện: thuộc diện xin nhận xét');
    expect(query<{ full_name: string; reason: string }>(w, 'SELECT m.full_name, r.reason FROM residence_exemptions r JOIN members m ON m.id = r.member_id')).toEqual([{ full_name: 'Lê Văn Cường', reason: 'soldier' }]);
  });

  it('jobs:run 30 days before the season reminds working members once, skipping the exempt one', async () => {
    const { tg, zalo } = w;
    setCellSettings(w, 'residence', { leadDays: 30 });
    const at = instant(`${year}-10-02`, '09:00');
    expect((await jobsRun(w, at)).code).toBe(0);
    const toAn = await tg.waitForText(an.id, 'Kính gửi đồng chí Nguyễn Văn An: sắp đến kỳ đánh giá');
    expect(textOf(toAn)).toContain('mẫu 3-213');
    expect(textOf(toAn)).toContain(`01/11/${year}`);
    expect(textOf(toAn)).toContain('Quy định 213-QĐ/TW');
    await zalo.waitForText(lan.id, 'Kính gửi đồng chí Lê Thị Lan');
    const summary = await tg.waitForText(admin.id, `Đã nhắc 3 đồng chí xin nhận xét nơi cư trú năm ${year}`);
    expect(textOf(summary)).toContain('miễn: 1');
    expect((await jobsRun(w, at + 3_600_000)).code).toBe(0);
    expect(tg.sent(an.id).filter((c) => textOf(c).includes('sắp đến kỳ đánh giá'))).toHaveLength(1);
    expect(tg.sent(cuong.id).some((c) => textOf(c).includes('sắp đến kỳ đánh giá'))).toBe(false);

    // The summary's button opens the list to tick.
    tg.clickButton(admin, summary, button(summary, 'Đánh dấu người đã nộp'));
    const board = await tg.waitForText(admin.id, `Nhận xét của chi ủy nơi cư trú năm ${year}`);
    expect(textOf(board)).toContain('Đã nộp: 0/3 · miễn: 1');
    expect(textOf(board)).toContain('• Lê Văn Cường — Quân đội');
  });

  it('ticks who handed it in: by buttons on Telegram, by numbers on Zalo', async () => {
    const { tg, zalo } = w;
    tg.sendText(admin, '/nhanxet');
    const board = await tg.waitForText(admin.id, `Nhận xét của chi ủy nơi cư trú năm ${year}`);
    tg.clickButton(admin, board, button(board, '☐ Nguyễn Văn An'));
    const ticked = await tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Đã nộp: 1/3'));
    expect(textOf(ticked)).toMatch(/✓ Nguyễn Văn An — đã nộp/);

    zalo.sendText(secZalo, 'nhanxet');
    const zBoard = await zalo.waitForText(secZalo.id, `Nhận xét của chi ủy nơi cư trú năm ${year}`);
    zalo.sendText(secZalo, numberOf(String(zBoard.params.text), '☐ Lê Thị Lan'));
    const zTicked = await zalo.waitForText(secZalo.id, 'Đã nộp: 2/3');
    // Untick by number, then tick again.
    zalo.sendText(secZalo, numberOf(String(zTicked.params.text), '✓ Lê Thị Lan'));
    const zUnticked = await zalo.waitForText(secZalo.id, 'Đã bỏ đánh dấu của đồng chí Lê Thị Lan');
    zalo.sendText(secZalo, numberOf(String(zUnticked.params.text), '☐ Lê Thị Lan'));
    await zalo.waitForText(secZalo.id, 'Đã ghi nhận: đồng chí Lê Thị Lan');
    expect(query<{ full_name: string; year: number }>(w, 'SELECT m.full_name, c.year FROM residence_comments c JOIN members m ON m.id = c.member_id ORDER BY m.full_name')).toEqual([
      { full_name: 'Lê Thị Lan', year },
      { full_name: 'Nguyễn Văn An', year },
    ]);

    // A plain member cannot tick.
    tg.sendText(an, '/nhanxet');
    await tg.waitForText(an.id, 'chỉ Bí thư');
  });
});
