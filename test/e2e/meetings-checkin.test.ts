import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser, SentCall } from '../fakes/telegram.js';
import type { ZaloUser } from '../fakes/zalo.js';
import { admin, button, createCell, joinOnTelegram, numberOf, startWorld, textOf, type World } from './harness.js';
import { jobsRun, joinOnZalo, local, MINUTE, pickOnZalo, setMeetingSettings, sql } from './meetings-harness.js';

/**
 * A meeting happening now: created on Zalo by a deputy typing, check-in by button (both channels)
 * and by the secretary's rotating code (both channels), a late check-in, a manual mark, the close
 * by the secretary, the reconciliation, the quorum and the minutes header.
 */
describe('meetings: check-in by button and by code, late, close (Zalo + Telegram)', () => {
  let w: World;
  const t1: FakeUser = { id: 4001, first_name: 'Hoàng', last_name: 'Văn Năm' };
  const t2: FakeUser = { id: 4002, first_name: 'Vũ', last_name: 'Thị Sáu' };
  const t3: FakeUser = { id: 4003, first_name: 'Đặng', last_name: 'Văn Bảy' };
  let deputy: ZaloUser;
  let z2: ZaloUser;
  const invites = new Map<number, SentCall>();
  const prompts = new Map<number, SentCall>();
  let code = '';

  beforeAll(async () => {
    w = await startWorld();
    const invite = await createCell(w);
    setMeetingSettings(w, { quietFrom: '00:00', quietTo: '00:00' });
    for (const m of [t1, t2, t3]) await joinOnTelegram(w, m, invite.code);
    deputy = await joinOnZalo(w, 'Phó', 'Đỗ Văn Phó', invite.code);
    z2 = await joinOnZalo(w, 'Tám', 'Ngô Thị Tám', invite.code);
    // The secretary makes the Zalo member a deputy, by buttons.
    const { tg } = w;
    tg.sendText(admin, '/thanhvien');
    const list = await tg.waitForText(admin.id, 'Chọn một đồng chí');
    tg.clickButton(admin, list, button(list, 'Đỗ Văn Phó'));
    const card = await tg.waitForText(admin.id, 'Trạng thái');
    tg.clickButton(admin, card, button(card, 'Đổi vai trò'));
    const roles = await tg.waitForText(admin.id, 'Chọn vai trò mới');
    tg.clickButton(admin, roles, button(roles, 'Phó Bí thư'));
    await tg.waitForText(admin.id, 'Vai trò: Phó Bí thư');
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('lets a Zalo deputy create a meeting by typing, with the rules’ warnings', async () => {
    const { zalo, tg } = w;
    const start = Math.ceil((Date.now() + 10 * MINUTE) / MINUTE) * MINUTE;
    const when = local(start);
    zalo.sendText(deputy, 'taohop');
    await pickOnZalo(w, deputy, 'chọn loại', 'Bất thường');
    await zalo.waitForText(deputy.id, 'Ngày họp?');
    zalo.sendText(deputy, `${when.dm} ${when.hhmm}`);
    await zalo.waitForText(deputy.id, 'họp bao lâu');
    zalo.sendText(deputy, '2 giờ');
    await zalo.waitForText(deputy.id, 'Địa điểm họp?');
    zalo.sendText(deputy, 'Phòng họp tầng 2 https://meet.example.vn/chibo');
    await zalo.waitForText(deputy.id, 'Nội dung chính');
    zalo.sendText(deputy, 'Triển khai nhiệm vụ quý');
    const confirm = await zalo.waitForText(deputy.id, 'Xin kiểm tra lại buổi họp');
    expect(String(confirm.params.text)).toContain('Họp trực tuyến: https://meet.example.vn/chibo');
    expect(String(confirm.params.text)).toContain('chưa đủ 24 giờ');
    zalo.sendText(deputy, numberOf(String(confirm.params.text), 'Tạo và gửi giấy mời'));
    await zalo.waitForText(deputy.id, 'Đã tạo buổi họp và gửi giấy mời tới 6 đồng chí');
    for (const m of [admin, t1, t2, t3]) invites.set(m.id, await tg.waitForText(m.id, 'dự sinh hoạt chi bộ bất thường ngày'));
    await zalo.waitForText(z2.id, 'trân trọng kính mời');
    // Two answers before it starts.
    const inv2 = invites.get(t2.id) as SentCall;
    tg.clickButton(t2, inv2, button(inv2, 'Tham dự'));
    await tg.waitForText(t2.id, 'Đã ghi nhận: đồng chí tham dự');
    const inv3 = invites.get(t3.id) as SentCall;
    tg.clickButton(t3, inv3, button(inv3, 'Chưa chắc'));
    await tg.waitForText(t3.id, 'Đã ghi nhận: đồng chí chưa chắc');
  });

  it('opens check-in with a "Điểm danh" button on both channels', async () => {
    const { tg, zalo } = w;
    expect((await jobsRun(w)).code).toBe(0);
    for (const m of [admin, t1, t3]) prompts.set(m.id, await tg.waitForText(m.id, 'bấm "Điểm danh"'));
    const p1 = prompts.get(t1.id) as SentCall;
    tg.clickButton(t1, p1, button(p1, 'Điểm danh'));
    await tg.waitForText(t1.id, ': có mặt');
    await pickOnZalo(w, z2, 'bấm "Điểm danh"', 'Điểm danh');
    await zalo.waitForText(z2.id, ': có mặt');
    // Pressing twice changes nothing.
    tg.clickButton(t1, p1, button(p1, 'Điểm danh'));
    await tg.waitForText(t1.id, 'đã điểm danh');
  }, 60_000);

  it('switches to code mode: the secretary shows a rotating code, members send it on both channels; wrong codes and buttons are refused', async () => {
    const { tg, zalo } = w;
    tg.sendText(admin, '/caidat');
    const settings = await tg.waitForText(admin.id, 'Cài đặt của');
    tg.clickButton(admin, settings, button(settings, 'Cách điểm danh'));
    const modes = await tg.waitForText(admin.id, 'Cách điểm danh');
    tg.clickButton(admin, modes, button(modes, 'mã số'));
    await tg.waitForText(admin.id, 'Đã lưu cài đặt');

    tg.sendText(admin, '/diemdanh');
    const tools = await tg.waitForText(admin.id, 'xin gõ mã số');
    tg.clickButton(admin, tools, button(tools, 'Mã điểm danh'));
    const shown = await tg.waitForText(admin.id, 'Mã điểm danh sinh hoạt');
    code = /(\d{3}) (\d{3})/.exec(textOf(shown))?.slice(1).join('') ?? '';
    expect(code).toMatch(/^\d{6}$/);

    tg.sendText(t2, code === '000000' ? '111111' : '000000');
    await tg.waitForText(t2.id, 'Mã điểm danh không đúng');
    tg.sendText(t2, `${code.slice(0, 3)} ${code.slice(3)}`);
    await tg.waitForText(t2.id, ': có mặt');
    zalo.sendText(deputy, code);
    await zalo.waitForText(deputy.id, ': có mặt');
    const p3 = prompts.get(t3.id) as SentCall;
    tg.clickButton(t3, p3, button(p3, 'Điểm danh'));
    await tg.waitForText(t3.id, 'điểm danh bằng mã số');
  });

  it('marks a check-in after the start late', async () => {
    const { tg } = w;
    // Time passes: the meeting started five minutes ago.
    sql(w, (db) => db.prepare('UPDATE meetings SET starts_at = ?').run(Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE));
    tg.sendText(admin, '/diemdanh');
    const tools = await tg.waitForText(admin.id, 'xin gõ mã số');
    tg.clickButton(admin, tools, button(tools, 'Mã điểm danh'));
    const shown = await tg.waitForText(admin.id, 'Mã điểm danh sinh hoạt');
    const fresh = /(\d{3}) (\d{3})/.exec(textOf(shown))?.slice(1).join('') ?? '';
    tg.sendText(t3, fresh);
    await tg.waitForText(t3.id, 'đến muộn');
  });

  it('lets the secretary mark by hand, close check-in, and read the reconciliation, quorum and minutes header', async () => {
    const { tg } = w;
    tg.sendText(admin, '/diemdanh');
    const tools = await tg.waitForText(admin.id, 'xin gõ mã số');
    tg.clickButton(admin, tools, button(tools, 'Điểm danh thủ công'));
    const panel = await tg.waitForText(admin.id, 'Chọn tên để đánh dấu');
    expect(textOf(panel)).toContain('Đặng Văn Bảy: đến muộn');
    expect(textOf(panel)).toContain('Trần Thị Bình: chưa điểm danh');
    tg.clickButton(admin, panel, button(panel, 'Trần Thị Bình'));
    const marks = await tg.waitForText(admin.id, 'Đánh dấu đồng chí Trần Thị Bình');
    tg.clickButton(admin, marks, button(marks, 'vắng có lý do'));
    await tg.waitForText(admin.id, 'Đã đánh dấu đồng chí Trần Thị Bình: vắng có lý do');

    tg.sendText(admin, '/diemdanh');
    const again = await tg.waitForText(admin.id, 'xin gõ mã số');
    tg.clickButton(admin, again, button(again, 'Kết thúc điểm danh'));
    const confirm = await tg.waitForText(admin.id, 'Ai chưa điểm danh sẽ được ghi vắng');
    tg.clickButton(admin, confirm, button(confirm, 'Kết thúc điểm danh'));
    const report = await tg.waitForText(admin.id, 'Đã kết thúc điểm danh');
    const text = textOf(report);
    expect(text).toContain('Số đảng viên chính thức có mặt: 5/6 — ĐỦ tỉ lệ (cần 4, quá nửa số đảng viên chính thức)');
    expect(text).toContain('Có mặt như đã báo (1): Vũ Thị Sáu');
    expect(text).toContain('Có mặt nhưng chưa báo trước (4)');
    expect(text).toContain('Vắng có báo lý do (1): Trần Thị Bình');
    expect(text).toContain('Vắng không báo lý do (0)');
    expect(text).toContain('Đến muộn (1): Đặng Văn Bảy');
    tg.clickButton(admin, report, button(report, 'Điểm danh cho biên bản'));
    const header = await tg.waitForText(admin.id, 'Phần điểm danh để dán vào biên bản');
    expect(textOf(header)).toContain('- Tổng số đảng viên: 6 (chính thức: 6, dự bị: 0)');
    expect(textOf(header)).toContain('- Số đảng viên có mặt: 5');
    expect(textOf(header)).toContain('- Vắng có lý do: 1: đồng chí Trần Thị Bình');
    // After the close a code is refused.
    tg.sendText(t1, code);
    await tg.waitForText(t1.id, 'không có buổi họp nào đang mở điểm danh');
  });
});
