import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser } from '../fakes/telegram.js';
import type { ZaloUser } from '../fakes/zalo.js';
import { admin, button, createCell, joinOnTelegram, numberOf, startWorld, textOf, type World } from './harness.js';
import { instant, jobsRun, joinOnZalo, local, setCellSettings } from './meetings-harness.js';

const an: FakeUser = { id: 6201, first_name: 'Nguyễn', last_name: 'Văn An' };
const today = local(Date.now()).iso;
const year = Number(today.slice(0, 4));

function pledgeOf(w: World, name: string): Record<string, unknown> | undefined {
  const db = new Database(w.dbPath, { readonly: true });
  try {
    return db.prepare('SELECT p.* FROM pledges p JOIN members m ON m.id = p.member_id WHERE m.full_name = ? AND p.year = ?').get(name, year) as Record<string, unknown> | undefined;
  } finally {
    db.close();
  }
}

describe('yearly commitments (/camket) on Telegram and Zalo, with the January and July jobs', () => {
  let w: World;
  let lan: ZaloUser;
  beforeAll(async () => {
    w = await startWorld();
    const { code } = await createCell(w);
    await joinOnTelegram(w, an, code);
    lan = await joinOnZalo(w, 'Lan', 'Lê Thị Lan', code);
    // The self-check opens on 1 July and its prompt stays due for 30 days. So that the bot's own minute tick (on
    // the real date) never sends it during the test, use 1 January instead unless July is already over.
    if (today < `${year}-08-01`) setCellSettings(w, 'pledges', { selfCheckOn: '01-01' });
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('Telegram: writes over several messages, edits a part, submits', async () => {
    const { tg } = w;
    tg.sendText(an, '/camket');
    const menu = await tg.waitForText(an.id, `phong cách Hồ Chí Minh năm ${year}`);
    expect(textOf(menu)).toContain('chưa đăng ký');
    tg.clickButton(an, menu, button(menu, 'Viết tiếp: Nội dung học tập'));
    await tg.waitForText(an.id, 'Phần 1/3: Nội dung học tập');
    tg.sendText(an, 'Học chuyên đề toàn khóa về tư tưởng, đạo đức, phong cách Hồ Chí Minh.');
    await tg.waitForText(an.id, 'Đã lưu vào phần 1 (1 đoạn)');
    tg.sendText(an, 'Đọc lại tác phẩm "Sửa đổi lối làm việc".');
    const saved = await tg.waitForText(an.id, 'Đã lưu vào phần 1 (2 đoạn)');
    tg.clickButton(an, saved, button(saved, 'Sang phần tiếp theo'));
    await tg.waitForText(an.id, 'Phần 2/3');
    tg.sendText(an, 'Giữ gìn lối sống giản dị.');
    const saved2 = await tg.waitForText(an.id, 'Đã lưu vào phần 2');
    tg.clickButton(an, saved2, button(saved2, 'Sang phần tiếp theo'));
    await tg.waitForText(an.id, 'Phần 3/3: Kế hoạch hành động cá nhân');
    tg.sendText(an, 'Hoàn thành đúng hạn mọi nhiệm vụ được giao.');
    const saved3 = await tg.waitForText(an.id, 'Đã lưu vào phần 3');
    tg.clickButton(an, saved3, button(saved3, 'Sang phần tiếp theo'));
    const view = await tg.waitForText(an.id, 'Đã viết đủ 3 phần');
    expect(textOf(view)).toContain('Đọc lại tác phẩm "Sửa đổi lối làm việc".');

    // Edit part II: the first message replaces it.
    tg.clickButton(an, view, button(view, 'Sửa một phần'));
    const parts = await tg.waitForText(an.id, 'Sửa phần nào');
    tg.clickButton(an, parts, button(parts, 'II.'));
    await tg.waitForText(an.id, 'Nội dung hiện tại');
    tg.sendText(an, 'Nêu gương ở nơi làm việc và nơi cư trú; tác phong gần dân.');
    const edited = await tg.waitForText(an.id, 'Đã lưu vào phần 2 (1 đoạn)');
    tg.clickButton(an, edited, button(edited, 'Xem bản đăng ký'));
    const reread = await tg.waitForText(an.id, 'Bản đăng ký năm');
    expect(textOf(reread)).toContain('tác phong gần dân');
    expect(textOf(reread)).not.toContain('lối sống giản dị');
    tg.clickButton(an, reread, button(reread, 'Gửi đăng ký'));
    await tg.waitForText(an.id, `Đã gửi bản đăng ký năm ${year}`);
    expect(pledgeOf(w, 'Nguyễn Văn An')).toMatchObject({ status: 'submitted' });
  });

  it('Zalo: the same by typed numbers and words', async () => {
    const { zalo } = w;
    zalo.sendText(lan, 'camket');
    const menu = await zalo.waitForText(lan.id, `phong cách Hồ Chí Minh năm ${year}`);
    zalo.sendText(lan, numberOf(String(menu.params.text), 'Viết tiếp'));
    await zalo.waitForText(lan.id, 'Phần 1/3');
    zalo.sendText(lan, 'Học các bài viết của Bác về cần, kiệm, liêm, chính.');
    const s1 = await zalo.waitForText(lan.id, 'Đã lưu vào phần 1');
    zalo.sendText(lan, numberOf(String(s1.params.text), 'Sang phần tiếp theo'));
    await zalo.waitForText(lan.id, 'Phần 2/3');
    zalo.sendText(lan, 'Tiết kiệm, chống lãng phí ở cơ quan.');
    const s2 = await zalo.waitForText(lan.id, 'Đã lưu vào phần 2');
    zalo.sendText(lan, numberOf(String(s2.params.text), 'Sang phần tiếp theo'));
    await zalo.waitForText(lan.id, 'Phần 3/3');
    zalo.sendText(lan, 'Dự đầy đủ sinh hoạt chi bộ.');
    const s3 = await zalo.waitForText(lan.id, 'Đã lưu vào phần 3');
    // Leave and come back: the draft is kept.
    zalo.sendText(lan, numberOf(String(s3.params.text), 'Lưu và thoát'));
    await zalo.waitForText(lan.id, 'Đã lưu. Gõ /camket');
    zalo.sendText(lan, '/camket');
    const again = await zalo.waitForText(lan.id, 'Đang soạn: đã viết 3/3 phần');
    zalo.sendText(lan, numberOf(String(again.params.text), 'Sửa một phần'));
    const parts = await zalo.waitForText(lan.id, 'Sửa phần nào');
    zalo.sendText(lan, numberOf(String(parts.params.text), 'III.'));
    await zalo.waitForText(lan.id, 'Phần 3/3');
    zalo.sendText(lan, 'Dự đầy đủ sinh hoạt chi bộ, đóng đảng phí đúng hạn.');
    await zalo.waitForText(lan.id, 'Đã lưu vào phần 3 (1 đoạn)');
    // While writing, plain words are text of the commitment; a command takes its slash.
    zalo.sendText(lan, '/camket');
    const menu2 = await zalo.waitForText(lan.id, 'Đang soạn');
    zalo.sendText(lan, numberOf(String(menu2.params.text), 'Gửi đăng ký'));
    await zalo.waitForText(lan.id, `Đã gửi bản đăng ký năm ${year}`);
    expect(pledgeOf(w, 'Lê Thị Lan')).toMatchObject({ status: 'submitted' });
    expect(JSON.parse(String(pledgeOf(w, 'Lê Thị Lan')?.content)).sections.actionPlan).toEqual(['Dự đầy đủ sinh hoạt chi bộ, đóng đảng phí đúng hạn.']);
  });

  it('the secretary sees who registered and reads a submitted commitment', async () => {
    const { tg } = w;
    tg.sendText(admin, '/camket');
    const menu = await tg.waitForText(admin.id, `phong cách Hồ Chí Minh năm ${year}`);
    tg.clickButton(admin, menu, button(menu, 'Tình hình đăng ký'));
    const status = await tg.waitForText(admin.id, 'Tình hình đăng ký cam kết');
    expect(textOf(status)).toContain('Đã đăng ký: 2/3');
    expect(textOf(status)).toMatch(/Chưa đăng ký:\n• Trần Thị Bình/);
    tg.clickButton(admin, status, button(status, 'Đọc: Nguyễn Văn An'));
    const read = await tg.waitForText(admin.id, 'Bản đăng ký năm');
    expect(textOf(read)).toContain('tác phong gần dân');
  });

  it('January: jobs:run reminds only those who have not registered; July: asks for the self-check, written on both channels', async () => {
    const { tg, zalo } = w;
    const remindersTo = () => tg.sent(an.id).filter((c) => textOf(c).includes('Đầu năm')).length + zalo.textsTo(lan.id).filter((t) => t.includes('Đầu năm')).length;
    const before = remindersTo();
    expect((await jobsRun(w, instant(`${year}-01-05`, '09:00'))).code).toBe(0);
    const reminder = await tg.waitForText(admin.id, `Đầu năm ${year}`);
    expect(textOf(reminder)).toContain('/camket');
    // The two who registered get nothing.
    expect(remindersTo()).toBe(before);

    const selfCheckDay = today < `${year}-08-01` ? `${year}-01-01` : `${year}-07-01`;
    expect((await jobsRun(w, instant(selfCheckDay, '09:00'))).code).toBe(0);
    const prompt = await tg.waitForText(an.id, `Đã nửa năm ${year}`);
    await tg.waitForText(admin.id, 'chưa gửi bản đăng ký cam kết');
    tg.clickButton(an, prompt, button(prompt, 'Tự kiểm tra giữa năm'));
    await tg.waitForText(an.id, `Tự kiểm tra giữa năm ${year}`);
    tg.sendText(an, 'Đã học xong hai chuyên đề; còn chậm việc đọc sách, sẽ bù trong quý III.');
    const saved = await tg.waitForText(an.id, 'Đã lưu phần tự kiểm tra (1 đoạn)');
    tg.clickButton(an, saved, button(saved, 'Xong'));
    await tg.waitForText(an.id, 'Đã lưu');

    const zPrompt = await zalo.waitForText(lan.id, `Đã nửa năm ${year}`);
    zalo.sendText(lan, numberOf(String(zPrompt.params.text), 'Tự kiểm tra giữa năm'));
    await zalo.waitForText(lan.id, `Tự kiểm tra giữa năm ${year}`);
    zalo.sendText(lan, 'Đã thực hiện tốt việc tiết kiệm ở cơ quan.');
    await zalo.waitForText(lan.id, 'Đã lưu phần tự kiểm tra');
    expect(JSON.parse(String(pledgeOf(w, 'Nguyễn Văn An')?.self_check))).toEqual(['Đã học xong hai chuyên đề; còn chậm việc đọc sách, sẽ bù trong quý III.']);
    expect(JSON.parse(String(pledgeOf(w, 'Lê Thị Lan')?.self_check))).toEqual(['Đã thực hiện tốt việc tiết kiệm ở cơ quan.']);

    // The status now shows the self-checks.
    tg.sendText(admin, '/camket');
    const menu = await tg.waitForText(admin.id, `phong cách Hồ Chí Minh năm ${year}`);
    tg.clickButton(admin, menu, button(menu, 'Tình hình đăng ký'));
    const status = await tg.waitForText(admin.id, 'Tình hình đăng ký cam kết');
    expect(textOf(status)).toContain('đã tự kiểm tra giữa năm: 2');
  });
});
