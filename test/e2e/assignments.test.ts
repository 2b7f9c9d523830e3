import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser } from '../fakes/telegram.js';
import { admin, button, createCell, joinOnTelegram, startWorld, textOf, type World } from './harness.js';
import { instant, jobsRun, local } from './meetings-harness.js';

const an: FakeUser = { id: 6101, first_name: 'Nguyễn', last_name: 'Văn An' };
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

describe('assignments on Telegram (buttons)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
    const { code } = await createCell(w);
    await joinOnTelegram(w, an, code);
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  /** The secretary gives a task on Telegram, typing the title and the deadline. */
  async function assignOnTelegram(member: string, title: string, deadline: string, criterion: number): Promise<void> {
    const { tg } = w;
    tg.sendText(admin, '/phancong');
    const pick = await tg.waitForText(admin.id, 'chọn đảng viên nhận việc');
    tg.clickButton(admin, pick, button(pick, member));
    await tg.waitForText(admin.id, 'Xin gõ nội dung công việc');
    tg.sendText(admin, title);
    await tg.waitForText(admin.id, 'Hạn hoàn thành?');
    tg.sendText(admin, deadline);
    const criteria = await tg.waitForText(admin.id, 'phục vụ tiêu chí nào');
    tg.clickButton(admin, criteria, button(criteria, `Tiêu chí ${criterion}`));
    const summary = await tg.waitForText(admin.id, 'Xin kiểm tra lại');
    expect(textOf(summary)).toContain(title);
    tg.clickButton(admin, summary, button(summary, 'Giao việc'));
    await tg.waitForText(admin.id, `Đã giao việc cho đồng chí ${member}`);
  }

  it('Telegram: assign → the member accepts → a difficulty with a note → done → the secretary confirms', async () => {
    const { tg } = w;
    const due = day(10);
    tg.sendText(admin, '/phancong');
    const pick = await tg.waitForText(admin.id, 'chọn đảng viên nhận việc');
    tg.clickButton(admin, pick, button(pick, 'Nguyễn Văn An'));
    await tg.waitForText(admin.id, 'Xin gõ nội dung công việc');
    tg.sendText(admin, 'ab');
    await tg.waitForText(admin.id, 'từ 3 đến 300 ký tự');
    tg.sendText(admin, 'Chuẩn bị báo cáo sơ kết quý IV');
    await tg.waitForText(admin.id, 'Hạn hoàn thành?');
    tg.sendText(admin, '31/02/2026');
    await tg.waitForText(admin.id, 'Chưa đọc được ngày');
    tg.sendText(admin, due.typed);
    const criteria = await tg.waitForText(admin.id, 'phục vụ tiêu chí nào');
    tg.clickButton(admin, criteria, button(criteria, 'Tiêu chí 3'));
    const summary = await tg.waitForText(admin.id, 'Xin kiểm tra lại');
    expect(textOf(summary)).toContain('Chất lượng sinh hoạt TỐT');
    expect(textOf(summary)).not.toContain('hạn này đã qua');
    tg.clickButton(admin, summary, button(summary, 'Giao việc'));
    await tg.waitForText(admin.id, 'Đã giao việc cho đồng chí Nguyễn Văn An');

    const notice = await tg.waitForText(an.id, 'Công việc mới');
    expect(textOf(notice)).toContain('Chuẩn bị báo cáo sơ kết quý IV');
    expect(textOf(notice)).toContain(`${due.typed}`);
    expect(textOf(notice)).toContain('Người giao: đồng chí Trần Thị Bình');
    tg.clickButton(an, notice, button(notice, 'Nhận'));
    const accepted = await tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Đã nhận việc'));
    await tg.waitForText(admin.id, 'Nguyễn Văn An đã nhận việc');

    tg.clickButton(an, accepted, button(accepted, 'Gặp khó khăn'));
    await tg.waitForText(an.id, 'ghi rõ khó khăn');
    tg.sendText(an, 'Chưa có số liệu của văn phòng');
    const blocked = await tg.waitForText(an.id, 'Đã báo khó khăn');
    expect(textOf(blocked)).toContain('Khó khăn: Chưa có số liệu của văn phòng');
    const leaderBlocked = await tg.waitForText(admin.id, 'báo gặp khó khăn');
    expect(textOf(leaderBlocked)).toContain('Chưa có số liệu của văn phòng');
    expect(task(w, 'Chuẩn bị báo cáo sơ kết quý IV')).toMatchObject({ status: 'blocked', block_note: 'Chưa có số liệu của văn phòng' });

    tg.clickButton(an, blocked, button(blocked, 'Đã hoàn thành'));
    await tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Đã báo hoàn thành'));
    const doneCard = await tg.waitForText(admin.id, 'báo đã hoàn thành');
    tg.clickButton(admin, doneCard, button(doneCard, 'Xác nhận hoàn thành'));
    await tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Đã xác nhận hoàn thành'));
    await tg.waitForText(an.id, 'đã xác nhận công việc hoàn thành');
    expect(task(w, 'Chuẩn bị báo cáo sơ kết quý IV')).toMatchObject({ status: 'confirmed', done_on: day(0).iso, criterion: 3 });

    tg.sendText(an, '/congviec');
    const mine = await tg.waitForText(an.id, 'Công việc của đồng chí');
    expect(textOf(mine)).toContain('đã hoàn thành 1 việc (1 đúng hạn)');
  });

  it('a late task: a past deadline is accepted with a warning, reminders and the overdue notice come from jobs:run, and done counts late', async () => {
    const { tg } = w;
    const past = day(-3);
    tg.sendText(admin, '/phancong');
    const pick = await tg.waitForText(admin.id, 'chọn đảng viên nhận việc');
    tg.clickButton(admin, pick, button(pick, 'Nguyễn Văn An'));
    await tg.waitForText(admin.id, 'Xin gõ nội dung công việc');
    tg.sendText(admin, 'Nộp bản tự kiểm điểm giữa năm');
    await tg.waitForText(admin.id, 'Hạn hoàn thành?');
    tg.sendText(admin, past.typed);
    const criteria = await tg.waitForText(admin.id, 'phục vụ tiêu chí nào');
    tg.clickButton(admin, criteria, button(criteria, 'Tiêu chí 4'));
    const summary = await tg.waitForText(admin.id, 'Xin kiểm tra lại');
    expect(textOf(summary)).toContain('hạn này đã qua');
    tg.clickButton(admin, summary, button(summary, 'Giao việc'));
    await tg.waitForText(admin.id, 'Đã giao việc');
    await tg.waitForText(an.id, 'Nộp bản tự kiểm điểm giữa năm');

    // A second task, due in 10 days: the job reminds 3 days before and reports it overdue the morning after.
    const due = day(10);
    await assignOnTelegram('Nguyễn Văn An', 'Viết tin bài về phong trào thi đua', due.typed, 1);
    await tg.waitForText(an.id, 'Viết tin bài về phong trào thi đua');
    const threeBefore = local(instant(due.iso, '12:00') - 3 * DAY).iso;
    expect((await jobsRun(w, instant(threeBefore, '09:00'))).code).toBe(0);
    const reminder = await tg.waitForText(an.id, 'Nhắc việc: còn 3 ngày');
    expect(textOf(reminder)).toContain('Viết tin bài về phong trào thi đua');
    const dayAfter = local(instant(due.iso, '12:00') + DAY).iso;
    expect((await jobsRun(w, instant(dayAfter, '09:00'))).code).toBe(0);
    await tg.waitForText(an.id, 'Công việc đã quá hạn mà chưa báo hoàn thành');
    const overdue = await tg.waitForText(admin.id, 'Nguyễn Văn An đã quá hạn, chưa báo hoàn thành');
    expect(textOf(overdue)).toContain('Viết tin bài về phong trào thi đua');
    // Each notice went out once, though the bot and two jobs:run processes all looked at it.
    expect(tg.sent(an.id).filter((c) => textOf(c).includes('Nhắc việc: còn 3 ngày'))).toHaveLength(1);
    expect(tg.sent(an.id).filter((c) => textOf(c).includes('Công việc đã quá hạn'))).toHaveLength(1);

    // The member opens the late task from /congviec and reports it done today: late.
    tg.sendText(an, '/congviec');
    const list = await tg.waitForText(an.id, 'Công việc của đồng chí');
    expect(textOf(list)).toContain('[Trễ hạn] Nộp bản tự kiểm điểm giữa năm');
    tg.clickButton(an, list, button(list, 'Nộp bản tự kiểm điểm'));
    const card = await tg.waitForText(an.id, 'Đã quá hạn 3 ngày');
    tg.clickButton(an, card, button(card, 'Nhận'));
    const accepted = await tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Đã nhận việc') && textOf(c).includes('Nộp bản tự kiểm điểm'));
    tg.clickButton(an, accepted, button(accepted, 'Đã hoàn thành'));
    const doneCard = await tg.waitForText(admin.id, 'báo đã hoàn thành');
    expect(textOf(doneCard)).toContain('trễ hạn');
    tg.clickButton(admin, doneCard, button(doneCard, 'Xác nhận hoàn thành'));
    await tg.waitFor((c) => c.method === 'editMessageText' && textOf(c).includes('Đã xác nhận hoàn thành'));
    expect(task(w, 'Nộp bản tự kiểm điểm giữa năm')).toMatchObject({ status: 'confirmed', deadline: past.iso, done_on: day(0).iso });

    // The secretary's view of the cell: counts by state, the late one marked.
    tg.sendText(admin, '/congviec');
    const own = await tg.waitForText(admin.id, 'Công việc của đồng chí');
    tg.clickButton(admin, own, button(own, 'Công việc của chi bộ'));
    const cell = await tg.waitForText(admin.id, 'Công việc của Chi bộ');
    expect(textOf(cell)).toContain('Chưa nhận: 1');
    expect(textOf(cell)).toContain('Đã hoàn thành: 2');
    expect(textOf(cell)).toContain('[Đã hoàn thành, trễ hạn, Bí thư đã xác nhận] Nguyễn Văn An: Nộp bản tự kiểm điểm giữa năm');
  });

  it('refuses a plain member politely, changing nothing', async () => {
    const { tg } = w;
    tg.sendText(an, '/phancong');
    await tg.waitForText(an.id, 'chỉ Bí thư');
  });
});
