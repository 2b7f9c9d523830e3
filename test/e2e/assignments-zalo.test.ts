import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZaloUser } from '../fakes/zalo.js';
import { createCell, linkZalo, numberOf, startWorld, type World } from './harness.js';
import { joinOnZalo, local } from './meetings-harness.js';

const DAY = 86_400_000;

/** Today in Hà Nội plus `days`, as ISO and as typed (dd/mm/yyyy). */
function day(days: number): { iso: string; typed: string } {
  const iso = local(Date.now() + days * DAY).iso;
  return { iso, typed: `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` };
}

function task(w: World, title: string): Record<string, unknown> {
  const db = new Database(w.dbPath, { readonly: true });
  try {
    return db.prepare('SELECT * FROM assignments WHERE title = ?').get(title) as Record<string, unknown>;
  } finally {
    db.close();
  }
}

describe('assignments on Zalo, by typed numbers and words only', () => {
  let w: World;
  let lan: ZaloUser;
  beforeAll(async () => {
    w = await startWorld();
    const { code } = await createCell(w);
    lan = await joinOnZalo(w, 'Lan', 'Lê Thị Lan', code);
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('the secretary and the member both on Zalo: assign → accept → a difficulty with a note → done → returned → done → confirmed', async () => {
    const { zalo } = w;
    // The secretary links a Zalo account and receives private messages there.
    const sec = await linkZalo(w);
    zalo.sendText(sec, 'kenh');
    const channels = await zalo.waitForText(sec.id, 'qua kênh nào');
    zalo.sendText(sec, numberOf(String(channels.params.text), 'Zalo'));
    await zalo.waitForText(sec.id, 'Đã chọn: Zalo');

    const due = day(12);
    zalo.sendText(sec, 'phan cong');
    const pick = await zalo.waitForText(sec.id, 'chọn đảng viên nhận việc');
    expect(pick.params.reply_markup).toBeUndefined();
    zalo.sendText(sec, numberOf(String(pick.params.text), 'Lê Thị Lan'));
    await zalo.waitForText(sec.id, 'Xin gõ nội dung công việc');
    zalo.sendText(sec, 'Cập nhật sổ tay đảng viên điện tử cho tổ 2');
    await zalo.waitForText(sec.id, 'Hạn hoàn thành?');
    zalo.sendText(sec, due.typed);
    const criteria = await zalo.waitForText(sec.id, 'phục vụ tiêu chí nào');
    zalo.sendText(sec, numberOf(String(criteria.params.text), 'Tiêu chí 2'));
    const summary = await zalo.waitForText(sec.id, 'Xin kiểm tra lại');
    zalo.sendText(sec, numberOf(String(summary.params.text), 'Giao việc'));
    await zalo.waitForText(sec.id, 'Đã giao việc cho đồng chí Lê Thị Lan');

    const notice = await zalo.waitForText(lan.id, 'Công việc mới');
    expect(String(notice.params.text)).toContain('Đoàn kết, kỷ luật TỐT');
    zalo.sendText(lan, numberOf(String(notice.params.text), 'Nhận'));
    const accepted = await zalo.waitForText(lan.id, 'Đã nhận việc');
    await zalo.waitForText(sec.id, 'Lê Thị Lan đã nhận việc');
    zalo.sendText(lan, numberOf(String(accepted.params.text), 'Gặp khó khăn'));
    await zalo.waitForText(lan.id, 'ghi rõ khó khăn');
    zalo.sendText(lan, 'Tổ 2 chưa cài được ứng dụng');
    const blocked = await zalo.waitForText(lan.id, 'Đã báo khó khăn');
    const leaderBlocked = await zalo.waitForText(sec.id, 'báo gặp khó khăn');
    expect(String(leaderBlocked.params.text)).toContain('Tổ 2 chưa cài được ứng dụng');
    zalo.sendText(lan, numberOf(String(blocked.params.text), 'Đã hoàn thành'));
    await zalo.waitForText(lan.id, 'Đã báo hoàn thành');

    // The secretary returns it with a reason, by number.
    const doneNotice = await zalo.waitForText(sec.id, 'báo đã hoàn thành');
    zalo.sendText(sec, numberOf(String(doneNotice.params.text), 'Trả lại'));
    await zalo.waitForText(sec.id, 'lý do trả lại');
    zalo.sendText(sec, 'Còn thiếu 2 đồng chí chưa cập nhật');
    await zalo.waitForText(sec.id, 'Đã trả lại công việc');
    const returned = await zalo.waitForText(lan.id, 'trả lại công việc');
    expect(String(returned.params.text)).toContain('Còn thiếu 2 đồng chí chưa cập nhật');
    zalo.sendText(lan, numberOf(String(returned.params.text), 'Đã hoàn thành'));
    await zalo.waitForText(lan.id, 'Đã báo hoàn thành');
    const again = await zalo.waitForText(sec.id, 'báo đã hoàn thành');
    zalo.sendText(sec, numberOf(String(again.params.text), 'Xác nhận hoàn thành'));
    await zalo.waitForText(sec.id, 'Đã xác nhận hoàn thành');
    await zalo.waitForText(lan.id, 'đã xác nhận công việc hoàn thành');
    expect(task(w, 'Cập nhật sổ tay đảng viên điện tử cho tổ 2')).toMatchObject({ status: 'confirmed', criterion: 2, done_on: day(0).iso, return_note: 'Còn thiếu 2 đồng chí chưa cập nhật' });

    // Lan's own list on Zalo, by typed command.
    zalo.sendText(lan, 'congviec');
    const mine = await zalo.waitForText(lan.id, 'Công việc của đồng chí');
    expect(String(mine.params.text)).toContain('đã hoàn thành 1 việc (1 đúng hạn)');
  });

});
