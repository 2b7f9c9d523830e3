import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeChat, FakeUser, SentCall } from '../fakes/telegram.js';
import { admin, button, cli, createCell, joinOnTelegram, linkGroup, startWorld, textOf, type World } from './harness.js';
import { setRole } from './meetings-harness.js';

const KEYS = `k1:${Buffer.alloc(32, 5).toString('base64')}`;
const group: FakeChat = { id: -100_515_151, type: 'supergroup', title: 'Chi bộ Phòng Tổ chức' };

const an: FakeUser = { id: 7_401, first_name: 'Nguyễn', last_name: 'Văn An' };
const cuong: FakeUser = { id: 7_403, first_name: 'Lê', last_name: 'Văn Cường' };
const pho: FakeUser = { id: 7_404, first_name: 'Đinh', last_name: 'Văn Phó' };
const otherSecretary: FakeUser = { id: 7_499, first_name: 'Đỗ', last_name: 'Văn Khác' };
const outsider: FakeUser = { id: 7_498, first_name: 'Người', last_name: 'Ngoài' };

describe('self-criticism on Telegram: writing, submitting, Word, who may read', () => {
  let w: World;
  let noteId = '';

  beforeAll(async () => {
    w = await startWorld({ FEEDBACK_SECRET: 'e2e-feedback-secret-0123456789', SELF_REVIEW_KEYS: KEYS });
    const { code } = await createCell(w);
    await linkGroup(w, group);
    for (const u of [an, cuong, pho]) await joinOnTelegram(w, u, code);
    setRole(w, 'Lê Văn Cường', 'committee');
    setRole(w, 'Đinh Văn Phó', 'deputy');
    expect((await cli(w, ['cell:create', '--name', 'Chi bộ Khu phố 9', '--superior', 'Đảng ủy phường Bến Nghé', '--secretary', 'Đỗ Văn Khác', '--telegram', String(otherSecretary.id)])).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await w?.close();
  });

  it('the secretary opens the season; the cell is told', async () => {
    const { tg } = w;
    tg.sendText(admin, '/tukiemdiem');
    const none = await tg.waitForText(admin.id, 'chưa mở đợt tự kiểm điểm');
    tg.clickButton(admin, none, button(none, 'Mở đợt tự kiểm điểm'));
    const kind = await tg.waitForText(admin.id, 'Mở đợt tự kiểm điểm cho');
    tg.clickButton(admin, kind, button(kind, 'Kiểm điểm cuối năm'));
    const deadline = await tg.waitForText(admin.id, 'Hạn nộp?');
    tg.clickButton(admin, deadline, button(deadline, 'Sau 7 ngày'));
    const confirm = await tg.waitForText(admin.id, 'Mở đợt tự kiểm điểm năm');
    tg.clickButton(admin, confirm, button(confirm, 'Mở đợt'));
    await tg.waitForText(admin.id, 'Đã mở đợt tự kiểm điểm');
    await tg.waitForText(group.id, 'mở đợt tự kiểm điểm năm');
  });

  it('a member writes section by section over several messages, sees it assembled, edits a section, submits and gets the Word file', async () => {
    const { tg } = w;
    tg.sendText(an, '/tukiemdiem');
    const menu = await tg.waitForText(an.id, 'Tự kiểm điểm năm');
    expect(textOf(menu)).toContain('Mẫu 2A');
    expect(textOf(menu)).toContain('Bản nháp chỉ đồng chí đọc được');
    tg.clickButton(an, menu, button(menu, 'Viết tiếp: Về tư tưởng chính trị'));
    let prompt = await tg.waitForText(an.id, 'Mục 1/9 — Về tư tưởng chính trị');
    expect(textOf(prompt)).toContain('chủ trương, đường lối');
    tg.sendText(an, 'Luôn kiên định lập trường TGNOTE-A1.');
    await tg.waitForText(an.id, 'hiện có 1 đoạn');
    tg.sendText(an, 'Tích cực học tập nghị quyết TGNOTE-A2.');
    let saved = await tg.waitForText(an.id, 'hiện có 2 đoạn');
    const texts = ['TGNOTE-B đạo đức', 'TGNOTE-C tác phong', 'TGNOTE-D kỷ luật', 'TGNOTE-E kết quả', 'TGNOTE-F hạn chế'];
    for (const [i, t] of texts.entries()) {
      tg.clickButton(an, saved, button(saved, 'Mục tiếp theo'));
      prompt = await tg.waitForText(an.id, `Mục ${i + 2}/9`);
      tg.sendText(an, t);
      saved = await tg.waitForText(an.id, 'Đã ghi vào mục');
    }
    // "How last year's shortcomings were fixed" may be skipped by a first-time member.
    tg.clickButton(an, saved, button(saved, 'Mục tiếp theo'));
    prompt = await tg.waitForText(an.id, 'Mục 7/9');
    tg.clickButton(an, prompt, button(prompt, 'Mục tiếp theo'));
    prompt = await tg.waitForText(an.id, 'Mục 8/9');
    tg.sendText(an, 'TGNOTE-H phương hướng');
    saved = await tg.waitForText(an.id, 'Đã ghi vào mục 8');
    tg.clickButton(an, saved, button(saved, 'Mục tiếp theo'));
    const level = await tg.waitForText(an.id, 'Mục 9/9 — Tự nhận mức xếp loại');
    tg.clickButton(an, level, button(level, 'Hoàn thành tốt nhiệm vụ'));
    const chosen = await tg.waitForText(an.id, 'Tự xếp loại: Hoàn thành tốt nhiệm vụ');
    tg.clickButton(an, chosen, button(chosen, 'Mục tiếp theo'));
    const whole = await tg.waitForText(an.id, 'BẢN TỰ KIỂM ĐIỂM năm');
    for (const t of ['TGNOTE-A1', 'TGNOTE-A2', 'TGNOTE-F hạn chế', 'Hoàn thành tốt nhiệm vụ', 'đã viết đủ các mục']) expect(textOf(whole)).toContain(t);
    // Edit section II: the first message replaces it.
    tg.clickButton(an, whole, button(whole, 'Sửa một mục'));
    const pick = await tg.waitForText(an.id, 'Chọn mục muốn sửa');
    tg.clickButton(an, pick, button(pick, 'II. Về phẩm chất đạo đức'));
    await tg.waitForText(an.id, 'Nội dung hiện tại của mục');
    const replace = await tg.waitForText(an.id, 'sẽ thay toàn bộ nội dung cũ');
    tg.sendText(an, 'TGNOTE-B2 đạo đức viết lại');
    saved = await tg.waitForText(an.id, 'Đã ghi vào mục 2 (hiện có 1 đoạn)');
    expect(replace).toBeDefined();
    tg.clickButton(an, saved, button(saved, 'Xem toàn bộ'));
    const again = await tg.waitForText(an.id, 'BẢN TỰ KIỂM ĐIỂM năm');
    expect(textOf(again)).toContain('TGNOTE-B2');
    expect(textOf(again)).not.toContain('TGNOTE-B đạo đức');
    tg.clickButton(an, again, button(again, 'Nộp bản tự kiểm điểm'));
    const ask = await tg.waitForText(an.id, 'Nộp bản tự kiểm điểm?');
    tg.clickButton(an, ask, button(ask, 'Nộp'));
    const done = await tg.waitForText(an.id, 'Đã nộp bản tự kiểm điểm');
    tg.clickButton(an, done, button(done, 'Tải bản Word'));
    const doc = await tg.waitFor((c) => c.method === 'sendDocument' && Number(c.params.chat_id) === an.id);
    expect(JSON.stringify(doc.params)).toContain('ban-kiem-diem-Nguyen-Van-An.docx');
    // Nothing of it in the group.
    expect(tg.sent(group.id).some((c) => textOf(c).includes('TGNOTE'))).toBe(false);
  }, 60_000);

  it('the secretary and the deputy read it; only the secretary gets the Word file', async () => {
    const { tg } = w;
    tg.sendText(admin, '/tukiemdiem');
    const menu = await tg.waitForText(admin.id, 'Tự kiểm điểm năm');
    tg.clickButton(admin, menu, button(menu, 'Tình hình nộp'));
    const status = await tg.waitForText(admin.id, 'Tình hình nộp bản tự kiểm điểm');
    expect(textOf(status)).toContain('✓ Nguyễn Văn An — đã nộp');
    const read = button(status, 'Đọc: Nguyễn Văn An');
    noteId = read.split(':')[2] ?? '';
    tg.clickButton(admin, status, read);
    const note = await tg.waitForText(admin.id, 'TGNOTE-A1');
    tg.clickButton(admin, note, button(note, 'Tải bản Word'));
    await tg.waitFor((c) => c.method === 'sendDocument' && Number(c.params.chat_id) === admin.id);
    tg.sendText(pho, '/tukiemdiem');
    const pMenu = await tg.waitForText(pho.id, 'Tự kiểm điểm năm');
    tg.clickButton(pho, pMenu, button(pMenu, 'Tình hình nộp'));
    const pStatus = await tg.waitForText(pho.id, 'Tình hình nộp bản tự kiểm điểm');
    tg.clickButton(pho, pStatus, button(pStatus, 'Đọc: Nguyễn Văn An'));
    const pNote = await tg.waitForText(pho.id, 'TGNOTE-A1');
    expect(() => button(pNote, 'Tải bản Word')).toThrow();
    tg.clickButton(pho, pNote, `rv:doc:${noteId}`);
    await tg.waitForText(pho.id, 'chỉ Bí thư');
  });

  it('a committee member sees only who submitted; forged buttons from them, another cell’s secretary or an outsider read nothing', async () => {
    const { tg } = w;
    tg.sendText(cuong, '/tukiemdiem');
    const menu = await tg.waitForText(cuong.id, 'Tự kiểm điểm năm');
    tg.clickButton(cuong, menu, button(menu, 'Tình hình nộp'));
    const status = await tg.waitForText(cuong.id, 'Tình hình nộp bản tự kiểm điểm');
    expect(textOf(status)).toContain('Nguyễn Văn An — đã nộp');
    expect(() => button(status, 'Đọc')).toThrow();
    for (const forged of [`rv:r:${noteId}`, `rv:doc:${noteId}`]) {
      tg.clickButton(cuong, status, forged);
      await tg.waitForText(cuong.id, 'chỉ Bí thư');
    }
    for (const [user, refusal] of [
      [otherSecretary, 'chưa là thành viên'],
      [outsider, 'chưa là thành viên'],
    ] as const) {
      tg.sendText(user, '/start');
      const hello = await tg.waitForText(user.id, /./);
      for (const forged of [`rv:r:${noteId}`, `rv:doc:${noteId}`, `rv:v:1`, `rv:st:1`]) {
        tg.clickButton(user, hello, forged);
        await tg.waitForText(user.id, refusal);
      }
    }
    for (const u of [cuong, otherSecretary, outsider]) {
      expect(tg.sent(u.id).some((c: SentCall) => textOf(c).includes('TGNOTE'))).toBe(false);
      expect(tg.calls.some((c) => c.method === 'sendDocument' && Number(c.params.chat_id) === u.id)).toBe(false);
    }
  }, 30_000);

  it('the note is encrypted in the database file', () => {
    const db = new Database(w.dbPath, { readonly: true });
    const rows = db.prepare('SELECT key_id, content FROM self_reviews').all() as { key_id: string; content: string }[];
    db.close();
    expect(rows.map((r) => r.key_id)).toEqual(['k1']);
    expect(rows[0]?.content).not.toContain('TGNOTE');
  });
});
