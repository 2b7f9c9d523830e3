import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser } from '../fakes/telegram.js';
import type { ZaloUser } from '../fakes/zalo.js';
import { admin, button, createCell, joinOnTelegram, linkZalo, numberOf, startWorld, textOf, type World } from './harness.js';
import { instant, jobsRun, local, sql } from './meetings-harness.js';

const an: FakeUser = { id: 6301, first_name: 'Nguyễn', last_name: 'Văn An' };
const today = local(Date.now()).iso;
const thisMonth = today.slice(0, 7);
const lastMonth = (() => {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();
const label = (month: string): string => `${month.slice(5, 7)}/${month.slice(0, 4)}`;

function marks(w: World, month: string): { criterion: number; result: string | null; note: string | null }[] {
  const db = new Database(w.dbPath, { readonly: true });
  try {
    return db.prepare('SELECT criterion, result, note FROM monthly_checks WHERE month = ? ORDER BY criterion').all(month) as { criterion: number; result: string | null; note: string | null }[];
  } finally {
    db.close();
  }
}

describe('the monthly 4 Tốt check (/danhgiathang): buttons on Telegram, numbers on Zalo', () => {
  let w: World;
  let secZalo: ZaloUser;
  beforeAll(async () => {
    w = await startWorld();
    const { code } = await createCell(w);
    await joinOnTelegram(w, an, code);
    // The secretary also uses Zalo (one person, two accounts).
    secZalo = await linkZalo(w);
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('Telegram: walks the four criteria by buttons, with a typed note and the indicators beside each', async () => {
    const { tg } = w;
    tg.sendText(admin, '/danhgiathang');
    const months = await tg.waitForText(admin.id, 'chọn tháng');
    tg.clickButton(admin, months, button(months, 'Tháng này'));
    const board = await tg.waitForText(admin.id, `Đánh giá Chi bộ 4 Tốt tháng ${label(thisMonth)}`);
    expect(textOf(board)).toContain('1. Lãnh đạo thực hiện TỐT nhiệm vụ chính trị: chưa đánh giá');
    expect(textOf(board)).toContain('Số đảng viên trong danh sách: 2');
    expect(textOf(board)).toContain('Đảng viên đã đăng ký cam kết năm: 0/2 (0 %) (mục tiêu 100 %)');
    tg.clickButton(admin, board, button(board, 'Đánh giá lần lượt'));
    const c1 = await tg.waitForText(admin.id, 'Tiêu chí 1: Lãnh đạo thực hiện TỐT nhiệm vụ chính trị');
    expect(textOf(c1)).toContain('Số liệu từ bot');
    tg.clickButton(admin, c1, button(c1, 'Đạt'));
    const c2 = await tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Tiêu chí 2: Đoàn kết, kỷ luật TỐT'));
    expect(textOf(c2)).toContain('Tiêu chí 1: Đạt.');
    tg.sendText(admin, 'Còn một đồng chí chưa dự sinh hoạt đầy đủ');
    const noted = await tg.waitForText(admin.id, 'Đã ghi chú cho tiêu chí 2');
    expect(textOf(noted)).toContain('Ghi chú: Còn một đồng chí chưa dự sinh hoạt đầy đủ');
    tg.clickButton(admin, noted, button(noted, 'Không đạt'));
    const c3 = await tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Tiêu chí 3: Chất lượng sinh hoạt TỐT'));
    tg.clickButton(admin, c3, button(c3, 'Đạt'));
    const c4 = await tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Tiêu chí 4: Cán bộ, đảng viên TỐT'));
    tg.clickButton(admin, c4, button(c4, 'Đạt'));
    const done = await tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Đã đánh giá đủ 4 tiêu chí'));
    expect(textOf(done)).toContain('Kết quả: 3/4 tiêu chí Đạt, 1 Không đạt.');
    expect(textOf(done)).toContain('2. Đoàn kết, kỷ luật TỐT: Không đạt');
    expect(marks(w, thisMonth)).toEqual([
      { criterion: 1, result: 'met', note: null },
      { criterion: 2, result: 'notMet', note: 'Còn một đồng chí chưa dự sinh hoạt đầy đủ' },
      { criterion: 3, result: 'met', note: null },
      { criterion: 4, result: 'met', note: null },
    ]);
  });

  it('after a regular meeting closes, jobs:run asks the secretary to mark its month', async () => {
    const { tg } = w;
    const startsAt = instant(`${lastMonth}-05`, '14:00');
    // A closed regular meeting of last month, as the meetings feature leaves it.
    sql(w, (db) => {
      const cellId = (db.prepare('SELECT id FROM cells').get() as { id: number }).id;
      db.prepare("INSERT INTO meetings (cell_id, kind, starts_at, duration_minutes, status, check_in_secret, closed_at, created_at, updated_at) VALUES (?, 'regular', ?, 90, 'closed', 'x', ?, ?, ?)").run(cellId, startsAt, startsAt + 7_200_000, startsAt, startsAt);
    });
    expect((await jobsRun(w, instant(`${lastMonth}-06`, '10:00'))).code).toBe(0);
    const prompt = await tg.waitForText(admin.id, `Chi bộ vừa sinh hoạt thường kỳ tháng ${label(lastMonth)}`);
    tg.clickButton(admin, prompt, button(prompt, `Đánh giá tháng ${label(lastMonth)}`));
    await tg.waitForText(admin.id, `Đánh giá Chi bộ 4 Tốt tháng ${label(lastMonth)}`);
    // A member is told politely they cannot see it.
    tg.sendText(an, '/danhgiathang');
    await tg.waitForText(an.id, 'chỉ Bí thư');
  });

  it('Zalo: the same check for last month by typed numbers and words', async () => {
    const { zalo } = w;
    zalo.sendText(secZalo, 'danhgiathang');
    const months = await zalo.waitForText(secZalo.id, 'chọn tháng');
    expect(months.params.reply_markup).toBeUndefined();
    zalo.sendText(secZalo, numberOf(String(months.params.text), 'Tháng trước'));
    const board = await zalo.waitForText(secZalo.id, `Đánh giá Chi bộ 4 Tốt tháng ${label(lastMonth)}`);
    zalo.sendText(secZalo, numberOf(String(board.params.text), 'Đánh giá lần lượt'));
    await zalo.waitForText(secZalo.id, 'Tiêu chí 1: Lãnh đạo');
    // The choice's own word works as well as its number.
    zalo.sendText(secZalo, 'đạt');
    const c2 = await zalo.waitForText(secZalo.id, 'Tiêu chí 2: Đoàn kết');
    zalo.sendText(secZalo, numberOf(String(c2.params.text), 'Đạt'));
    await zalo.waitForText(secZalo.id, 'Tiêu chí 3: Chất lượng sinh hoạt');
    zalo.sendText(secZalo, 'Chưa tổ chức sinh hoạt chuyên đề trong quý');
    const noted = await zalo.waitForText(secZalo.id, 'Đã ghi chú cho tiêu chí 3');
    zalo.sendText(secZalo, numberOf(String(noted.params.text), 'Không đạt'));
    const c4 = await zalo.waitForText(secZalo.id, 'Tiêu chí 4: Cán bộ, đảng viên');
    zalo.sendText(secZalo, numberOf(String(c4.params.text), 'Đạt'));
    const done = await zalo.waitForText(secZalo.id, 'Đã đánh giá đủ 4 tiêu chí');
    expect(String(done.params.text)).toContain('Kết quả: 3/4 tiêu chí Đạt, 1 Không đạt.');
    expect(marks(w, lastMonth)).toEqual([
      { criterion: 1, result: 'met', note: null },
      { criterion: 2, result: 'met', note: null },
      { criterion: 3, result: 'notMet', note: 'Chưa tổ chức sinh hoạt chuyên đề trong quý' },
      { criterion: 4, result: 'met', note: null },
    ]);
    // Typing a month works too; a future month is refused politely.
    zalo.sendText(secZalo, '/danhgiathang');
    const again = await zalo.waitForText(secZalo.id, 'chọn tháng');
    zalo.sendText(secZalo, numberOf(String(again.params.text), 'Tháng khác'));
    await zalo.waitForText(secZalo.id, 'gõ tháng cần đánh giá');
    zalo.sendText(secZalo, '13/2026');
    await zalo.waitForText(secZalo.id, 'Tháng chưa hợp lệ');
    zalo.sendText(secZalo, label(lastMonth));
    const reopened = await zalo.waitForText(secZalo.id, `Đánh giá Chi bộ 4 Tốt tháng ${label(lastMonth)}`);
    expect(String(reopened.params.text)).toContain('Ghi chú: Chưa tổ chức sinh hoạt chuyên đề trong quý');
  });
});
