import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDateIn } from '../../src/conversation/format.js';
import type { FakeChat, FakeUser, SentCall } from '../fakes/telegram.js';
import type { ZaloUser } from '../fakes/zalo.js';
import { admin, button, createCell, joinOnTelegram, linkGroup, numberOf, startWorld, textOf, type World } from './harness.js';
import { jobsRunLocal, joinOnZalo, setRole } from './meetings-harness.js';

const KEYS = `k1:${Buffer.alloc(32, 4).toString('base64')}`;
const group: FakeChat = { id: -100_434_343, type: 'supergroup', title: 'Chi bộ Phòng Tổ chức' };
const cuong: FakeUser = { id: 7_603, first_name: 'Lê', last_name: 'Văn Cường' };

async function zaloPick(w: World, u: ZaloUser, call: { params: Record<string, unknown> }, label: string): Promise<void> {
  w.zalo.sendText(u, numberOf(String(call.params.text), label));
}

describe('drafts opened for comments, on Telegram and Zalo', () => {
  let w: World;
  let dung: ZaloUser;

  beforeAll(async () => {
    w = await startWorld({ FEEDBACK_SECRET: 'e2e-feedback-secret-0123456789', SELF_REVIEW_KEYS: KEYS });
    const { code } = await createCell(w);
    await linkGroup(w, group);
    await joinOnTelegram(w, cuong, code);
    dung = await joinOnZalo(w, 'Dung', 'Phạm Thị Dung', code);
    setRole(w, 'Lê Văn Cường', 'committee');
  }, 60_000);

  afterAll(async () => {
    await w?.close();
  });

  it('a draft for comments: the secretary opens it, members comment openly (Zalo) and anonymously (Telegram), the secretary gets all at the deadline', async () => {
    const { tg, zalo } = w;
    tg.sendText(admin, '/duthao');
    const list = await tg.waitForText(admin.id, /dự thảo/i);
    tg.clickButton(admin, list, button(list, 'Mở dự thảo lấy ý kiến'));
    await tg.waitForText(admin.id, 'Gõ tên dự thảo');
    tg.sendText(admin, 'Dự thảo Nghị quyết chi bộ tháng 12');
    await tg.waitForText(admin.id, 'Gửi nội dung dự thảo');
    tg.sendText(admin, 'https://vanban.example.vn/du-thao-nq-12');
    const deadline = await tg.waitForText(admin.id, 'Hạn góp ý');
    tg.clickButton(admin, deadline, button(deadline, 'Sau 3 ngày'));
    const confirm = await tg.waitForText(admin.id, 'Mở lấy ý kiến dự thảo');
    tg.clickButton(admin, confirm, button(confirm, 'Mở lấy ý kiến'));
    await tg.waitForText(admin.id, 'Đã mở lấy ý kiến');
    await tg.waitForText(group.id, 'lấy ý kiến dự thảo');
    await zalo.waitForText(dung.id, 'lấy ý kiến dự thảo');
    // Zalo: openly, from /duthao.
    zalo.sendText(dung, '/duthao');
    const zList = await zalo.waitForText(dung.id, 'Dự thảo đang lấy ý kiến');
    await zaloPick(w, dung, zList, 'Dự thảo Nghị quyết chi bộ tháng 12');
    const view = await zalo.waitForText(dung.id, 'vanban.example.vn');
    await zaloPick(w, dung, view, 'Góp ý công khai (ghi tên)');
    await zalo.waitForText(dung.id, 'Gõ nội dung góp ý');
    zalo.sendText(dung, 'Đề nghị thêm chỉ tiêu phát triển đảng viên mới.');
    const zPreview = await zalo.waitForText(dung.id, 'Xem lại trước khi gửi');
    expect(String(zPreview.params.text)).toContain('công khai');
    await zaloPick(w, dung, zPreview, 'Gửi');
    await zalo.waitForText(dung.id, 'Đã ghi ý kiến');
    // Telegram: anonymously, from /gopy.
    tg.sendText(cuong, '/gopy');
    const intro = await tg.waitForText(cuong.id, 'Góp ý ẩn danh gửi chi ủy');
    tg.clickButton(cuong, intro, button(intro, 'Góp ý dự thảo'));
    const pick = await tg.waitForText(cuong.id, 'Chọn dự thảo');
    tg.clickButton(cuong, pick, button(pick, 'Dự thảo Nghị quyết'));
    const tView = await tg.waitForText(cuong.id, 'Hạn góp ý');
    tg.clickButton(cuong, tView, button(tView, 'Góp ý ẩn danh'));
    await tg.waitForText(cuong.id, 'Gõ nội dung góp ý');
    tg.sendText(cuong, 'Nên rút gọn phần đánh giá chung.');
    const tPreview = await tg.waitForText(cuong.id, 'Xem lại trước khi gửi');
    tg.clickButton(cuong, tPreview, button(tPreview, 'Gửi'));
    const done = await tg.waitForText(cuong.id, 'ý kiến ẩn danh về dự thảo');
    expect(textOf(done)).not.toContain('Mã phiếu');
    // Nothing before the deadline; everything after it.
    expect((await jobsRunLocal(w, '23:30')).code).toBe(0);
    expect(tg.sent(admin.id).some((c: SentCall) => textOf(c).includes('Kết quả lấy ý kiến'))).toBe(false);
    expect((await jobsRunLocal(w, '23:59', 4)).code).toBe(0);
    const result = await tg.waitForText(admin.id, 'Kết quả lấy ý kiến dự thảo');
    expect(textOf(result)).toContain('1 ý kiến ghi tên, 1 ý kiến ẩn danh');
    expect(textOf(result)).toContain('Phạm Thị Dung: Đề nghị thêm chỉ tiêu');
    expect(textOf(result)).toContain('Nên rút gọn phần đánh giá chung.');
    expect(textOf(result)).not.toContain('Lê Văn Cường');
  }, 60_000);

  it('the secretary can end the comments early: typed deadline, an anonymous comment by numbers, all comments at once', async () => {
    const { tg, zalo } = w;
    tg.sendText(admin, '/duthao');
    const list = await tg.waitForText(admin.id, 'không có dự thảo nào');
    tg.clickButton(admin, list, button(list, 'Mở dự thảo lấy ý kiến'));
    await tg.waitForText(admin.id, 'Gõ tên dự thảo');
    tg.sendText(admin, 'Dự thảo Kế hoạch năm');
    await tg.waitForText(admin.id, 'Gửi nội dung dự thảo');
    tg.sendText(admin, 'Kế hoạch gồm ba nội dung: học tập nghị quyết, phát triển đảng viên, kiểm tra giám sát.');
    await tg.waitForText(admin.id, 'Hạn góp ý');
    tg.sendText(admin, 'ngày mai');
    await tg.waitForText(admin.id, 'Hạn chưa đúng');
    const inTen = isoDateIn(Date.now() + 10 * 86_400_000, 'Asia/Ho_Chi_Minh');
    tg.sendText(admin, `${inTen.slice(8, 10)}/${inTen.slice(5, 7)}/${inTen.slice(0, 4)} 17:00`);
    const confirm = await tg.waitForText(admin.id, 'Mở lấy ý kiến dự thảo');
    expect(textOf(confirm)).toContain('17:00');
    tg.clickButton(admin, confirm, button(confirm, 'Mở lấy ý kiến'));
    await tg.waitForText(admin.id, 'Đã mở lấy ý kiến');
    const announce = await zalo.waitForText(dung.id, 'Dự thảo Kế hoạch năm');
    expect(String(announce.params.text)).toContain('ba nội dung');
    zalo.sendText(dung, 'gopy');
    const intro = await zalo.waitForText(dung.id, 'Góp ý ẩn danh gửi chi ủy');
    await zaloPick(w, dung, intro, 'Góp ý dự thảo');
    const pick = await zalo.waitForText(dung.id, 'Chọn dự thảo');
    await zaloPick(w, dung, pick, 'Dự thảo Kế hoạch năm');
    const view = await zalo.waitForText(dung.id, 'ba nội dung');
    await zaloPick(w, dung, view, 'Góp ý ẩn danh');
    await zalo.waitForText(dung.id, 'Gõ nội dung góp ý');
    zalo.sendText(dung, 'Nên thêm nội dung về chuyển đổi số.');
    const preview = await zalo.waitForText(dung.id, 'Xem lại trước khi gửi');
    await zaloPick(w, dung, preview, 'Gửi');
    const sent = await zalo.waitForText(dung.id, 'ý kiến ẩn danh về dự thảo');
    expect(String(sent.params.text)).not.toContain('Mã phiếu');
    tg.sendText(admin, '/duthao');
    const open = await tg.waitForText(admin.id, 'Dự thảo đang lấy ý kiến');
    tg.clickButton(admin, open, button(open, 'Dự thảo Kế hoạch năm'));
    const draftView = await tg.waitForText(admin.id, 'Hạn góp ý');
    tg.clickButton(admin, draftView, button(draftView, 'Kết thúc lấy ý kiến ngay'));
    const ask = await tg.waitForText(admin.id, 'Kết thúc lấy ý kiến dự thảo «Dự thảo Kế hoạch năm»');
    tg.clickButton(admin, ask, button(ask, 'Kết thúc lấy ý kiến ngay'));
    await tg.waitForText(admin.id, 'Đã kết thúc lấy ý kiến');
    const result = await tg.waitForText(admin.id, 'Kết quả lấy ý kiến dự thảo «Dự thảo Kế hoạch năm»');
    expect(textOf(result)).toContain('0 ý kiến ghi tên, 1 ý kiến ẩn danh');
    expect(textOf(result)).toContain('chuyển đổi số');
    expect(textOf(result)).not.toContain('Phạm Thị Dung');
    // A comment after the end is refused.
    zalo.sendText(dung, '/duthao');
    await zalo.waitForText(dung.id, 'không có dự thảo nào');
  }, 60_000);
});
