import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDateIn } from '../../src/conversation/format.js';
import { addDaysIso } from '../../src/domain/selfReview.js';
import type { ZaloCall, ZaloUser } from '../fakes/zalo.js';
import { admin, button, createCell, numberOf, startWorld, textOf, type World } from './harness.js';
import { jobsRun, joinOnZalo } from './meetings-harness.js';

const KEYS = `k1:${Buffer.alloc(32, 6).toString('base64')}`;

describe('self-criticism on Zalo: typed numbers, withdraw and resubmit, reminders, closing', () => {
  let w: World;
  let dung: ZaloUser;
  let em: ZaloUser;
  let deadline = '';

  /** Types the number of the choice labelled `label` in `call`. */
  const pick = (u: ZaloUser, call: ZaloCall, label: string) => w.zalo.sendText(u, numberOf(String(call.params.text), label));

  beforeAll(async () => {
    w = await startWorld({ FEEDBACK_SECRET: 'e2e-feedback-secret-0123456789', SELF_REVIEW_KEYS: KEYS });
    const { code } = await createCell(w);
    dung = await joinOnZalo(w, 'Dung', 'Phạm Thị Dung', code);
    em = await joinOnZalo(w, 'Em', 'Hoàng Văn Em', code);
    // The secretary opens the season on Telegram, typing the deadline.
    const today = isoDateIn(Date.now(), 'Asia/Ho_Chi_Minh');
    deadline = addDaysIso(today, 5);
    w.tg.sendText(admin, '/tukiemdiem');
    const none = await w.tg.waitForText(admin.id, 'chưa mở đợt tự kiểm điểm');
    w.tg.clickButton(admin, none, button(none, 'Mở đợt tự kiểm điểm'));
    const kind = await w.tg.waitForText(admin.id, 'Mở đợt tự kiểm điểm cho');
    w.tg.clickButton(admin, kind, button(kind, 'Tự phê bình một kỳ sinh hoạt'));
    await w.tg.waitForText(admin.id, 'Gõ tên kỳ');
    w.tg.sendText(admin, 'sinh hoạt chi bộ tháng 11');
    await w.tg.waitForText(admin.id, 'Hạn nộp?');
    w.tg.sendText(admin, `${deadline.slice(8, 10)}/${deadline.slice(5, 7)}/${deadline.slice(0, 4)}`);
    const confirm = await w.tg.waitForText(admin.id, 'Mở đợt tự kiểm điểm sinh hoạt chi bộ tháng 11');
    w.tg.clickButton(admin, confirm, button(confirm, 'Mở đợt'));
    await w.tg.waitForText(admin.id, 'Đã mở đợt');
  }, 60_000);

  afterAll(async () => {
    await w?.close();
  });

  it('is told privately (no group on Zalo), writes every section by typed numbers, and submits', async () => {
    const { zalo } = w;
    await zalo.waitForText(dung.id, 'mở đợt tự kiểm điểm sinh hoạt chi bộ tháng 11');
    zalo.sendText(dung, 'tukiemdiem');
    const menu = await zalo.waitForText(dung.id, 'Tự kiểm điểm sinh hoạt chi bộ tháng 11');
    expect(menu.params.reply_markup).toBeUndefined();
    pick(dung, menu, 'Viết tiếp: Về tư tưởng chính trị');
    let step = await zalo.waitForText(dung.id, 'Mục 1/9');
    const answers = ['ZLNOTE-1 tư tưởng', 'ZLNOTE-2 đạo đức', 'ZLNOTE-3 tác phong', 'ZLNOTE-4 kỷ luật', 'ZLNOTE-5 kết quả', 'ZLNOTE-6 hạn chế', 'ZLNOTE-7 khắc phục', 'ZLNOTE-8 phương hướng'];
    for (const [i, a] of answers.entries()) {
      zalo.sendText(dung, a);
      step = await zalo.waitForText(dung.id, `Đã ghi vào mục ${i + 1}`);
      pick(dung, step, 'Mục tiếp theo');
      step = await zalo.waitForText(dung.id, `Mục ${i + 2}/9`);
    }
    pick(dung, step, 'Hoàn thành xuất sắc nhiệm vụ');
    step = await zalo.waitForText(dung.id, 'Tự xếp loại: Hoàn thành xuất sắc nhiệm vụ');
    zalo.sendText(dung, 'Vì đã hoàn thành mọi nhiệm vụ đúng hạn.');
    step = await zalo.waitForText(dung.id, 'Đã ghi vào mục 9');
    pick(dung, step, 'Mục tiếp theo');
    const whole = await zalo.waitForText(dung.id, 'BẢN TỰ KIỂM ĐIỂM sinh hoạt chi bộ tháng 11');
    const all = zalo.textsTo(dung.id).slice(-3).join('\n');
    for (const a of answers) expect(all).toContain(a);
    const last = zalo.sent(dung.id).at(-1) ?? whole;
    pick(dung, last, 'Nộp bản tự kiểm điểm');
    const ask = await zalo.waitForText(dung.id, 'Nộp bản tự kiểm điểm?');
    pick(dung, ask, 'Nộp');
    const done = await zalo.waitForText(dung.id, 'Đã nộp bản tự kiểm điểm');
    // No documents on Zalo, and no public address configured: it says where to get it.
    pick(dung, done, 'Tải bản Word');
    await zalo.waitForText(dung.id, 'kênh này không nhận được tệp');
  }, 60_000);

  it('withdraws, edits and submits again while the season is open', async () => {
    const { zalo } = w;
    zalo.sendText(dung, '/tukiemdiem');
    const menu = await zalo.waitForText(dung.id, 'Đã nộp ngày');
    pick(dung, menu, 'Rút lại để sửa');
    const back = await zalo.waitForText(dung.id, 'Đã rút lại');
    pick(dung, back, 'Sửa một mục');
    const sections = await zalo.waitForText(dung.id, 'Chọn mục muốn sửa');
    pick(dung, sections, 'VI. Hạn chế, khuyết điểm');
    await zalo.waitForText(dung.id, 'sẽ thay toàn bộ nội dung cũ');
    zalo.sendText(dung, 'ZLNOTE-6b hạn chế viết lại');
    await zalo.waitForText(dung.id, 'Đã ghi vào mục 6');
    zalo.sendText(dung, '/tukiemdiem');
    const again = await zalo.waitForText(dung.id, 'Bản nháp');
    pick(dung, again, 'Nộp bản tự kiểm điểm');
    const ask = await zalo.waitForText(dung.id, 'Nộp bản tự kiểm điểm?');
    pick(dung, ask, 'Nộp');
    await zalo.waitForText(dung.id, 'Đã nộp bản tự kiểm điểm');
  });

  it('the job reminds privately who has not submitted, and tells the secretary the counts', async () => {
    const { zalo, tg } = w;
    const day = addDaysIso(deadline, -1);
    expect((await jobsRun(w, `${day}T09:00:00+07:00`)).code).toBe(0);
    const nudge = await zalo.waitForText(em.id, 'Nhắc việc');
    expect(String(nudge.params.text)).toContain('chưa viết bản tự kiểm điểm');
    const report = await tg.waitForText(admin.id, 'đã nộp 1/3');
    expect(textOf(report)).toContain('Hoàng Văn Em');
    expect(textOf(report)).not.toContain('ZLNOTE');
    expect(zalo.textsTo(dung.id).some((t) => t.includes('Nhắc việc'))).toBe(false);
    // The same window again: nothing more.
    expect((await jobsRun(w, `${day}T10:00:00+07:00`)).code).toBe(0);
    expect(zalo.textsTo(em.id).filter((t) => t.includes('Nhắc việc'))).toHaveLength(1);
  }, 30_000);

  it('once the secretary closes the season, nothing can be withdrawn', async () => {
    const { zalo, tg } = w;
    tg.sendText(admin, '/tukiemdiem');
    const menu = await tg.waitForText(admin.id, 'Tự kiểm điểm sinh hoạt chi bộ tháng 11');
    tg.clickButton(admin, menu, button(menu, 'Đóng đợt kiểm điểm'));
    const ask = await tg.waitForText(admin.id, 'Đóng đợt tự kiểm điểm');
    tg.clickButton(admin, ask, button(ask, 'Đóng đợt'));
    await tg.waitForText(admin.id, 'Đã đóng đợt tự kiểm điểm sinh hoạt chi bộ tháng 11: đã nộp 1/3');
    zalo.sendText(dung, '/tukiemdiem');
    const closed = await zalo.waitForText(dung.id, 'đợt đã đóng');
    expect(String(closed.params.text)).not.toContain('Rút lại để sửa');
    // A member who never started finds the season closed, with nothing left to write.
    zalo.sendText(em, '/tukiemdiem');
    const emMenu = await zalo.waitForText(em.id, 'đợt đã đóng');
    expect(String(emMenu.params.text)).not.toContain('Viết');
  });
});
