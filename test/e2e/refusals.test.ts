import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser } from '../fakes/telegram.js';
import { admin, button, createCell, joinOnTelegram, newInvite, startWorld, textOf, type World } from './harness.js';

const outsider: FakeUser = { id: 3001, first_name: 'Người', last_name: 'Ngoài' };
const member: FakeUser = { id: 3002, first_name: 'Hoàng', last_name: 'Văn Hải' };
const waiting: FakeUser = { id: 3003, first_name: 'Đinh', last_name: 'Thị Chờ' };
const otherSecretary: FakeUser = { id: 3004, first_name: 'Bùi', last_name: 'Văn Khác' };

function sql<T>(w: World, query: string, ...params: unknown[]): T[] {
  const db = new Database(w.dbPath);
  try {
    return db.prepare(query).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('refusals on Telegram: every privileged action says why, and changes nothing', () => {
  let w: World;
  let code: string;
  beforeAll(async () => {
    w = await startWorld({ BOT_ADMIN_IDS: `${admin.id},${otherSecretary.id}` });
    ({ code } = await createCell(w));
    await joinOnTelegram(w, member, code);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('refuses /taochibo to someone who is not a bot admin', async () => {
    w.tg.sendText(outsider, '/taochibo');
    await w.tg.waitForText(outsider.id, 'chỉ quản trị viên');
  });

  it('refuses /moi and /thanhvien to outsiders, and /moi to plain members', async () => {
    w.tg.sendText(outsider, '/moi');
    await w.tg.waitForText(outsider.id, 'chưa là thành viên');
    w.tg.sendText(outsider, '/thanhvien');
    await w.tg.waitForText(outsider.id, 'chưa là thành viên');
    w.tg.sendText(member, '/moi');
    await w.tg.waitForText(member.id, 'chỉ Bí thư');
  });

  it('tells a pending member they wait for approval', async () => {
    w.tg.sendText(waiting, `/start ${code.replace(/-/g, '')}`);
    await w.tg.waitForText(waiting.id, 'họ và tên');
    w.tg.sendText(waiting, 'Đinh Thị Chờ');
    await w.tg.waitForText(waiting.id, 'Đã gửi yêu cầu');
    w.tg.sendText(waiting, '/thanhvien');
    await w.tg.waitForText(waiting.id, 'đang chờ Bí thư duyệt');
  });

  it('refuses a forged callback from the secretary of another cell, and the member stays pending', async () => {
    const pending = sql<{ id: number }>(w, "SELECT id FROM members WHERE full_name = 'Đinh Thị Chờ'")[0];
    expect(pending).toBeDefined();
    w.tg.sendText(otherSecretary, '/taochibo');
    await w.tg.waitForText(otherSecretary.id, 'Tên chi bộ');
    w.tg.sendText(otherSecretary, 'Chi bộ Khác');
    await w.tg.waitForText(otherSecretary.id, 'cấp ủy');
    w.tg.sendText(otherSecretary, 'Đảng ủy Khác');
    await w.tg.waitForText(otherSecretary.id, 'Họ và tên');
    w.tg.sendText(otherSecretary, 'Bùi Văn Khác');
    const confirm = await w.tg.waitForText(otherSecretary.id, 'Xin xác nhận');
    w.tg.clickButton(otherSecretary, confirm, button(confirm, 'Tạo chi bộ'));
    const created = await w.tg.waitForText(otherSecretary.id, 'Đồng chí là Bí thư');
    w.tg.clickButton(otherSecretary, created, `jd:${pending?.id}:1`);
    await w.tg.waitForText(otherSecretary.id, 'chưa là thành viên');
    const own = w.tg.sent(member.id).pop();
    if (!own) throw new Error('member has no message to press a button on');
    w.tg.clickButton(member, own, `mb:rmok:${pending?.id}`);
    await w.tg.waitForText(member.id, /chỉ Bí thư|Không tìm thấy/);
    const after = sql<{ status: string }>(w, 'SELECT status FROM members WHERE id = ?', pending?.id);
    expect(after[0]?.status).toBe('pending');
    const answers = w.tg.calls.filter((c) => c.method === 'answerCallbackQuery');
    expect(answers.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses /lienket from someone who is not the secretary, and in a private chat', async () => {
    const group = { id: -100888, type: 'group' as const, title: 'Nhóm' };
    w.tg.addBotToGroup(member, group);
    await w.tg.waitForText(group.id, '/lienket');
    w.tg.sendText(member, '/lienket', group);
    await w.tg.waitForText(group.id, 'chỉ Bí thư');
    w.tg.sendText(admin, '/lienket');
    await w.tg.waitForText(admin.id, 'nhóm Telegram');
  });

  it('refuses a malformed, a revoked, a used-up and an expired invite', async () => {
    const u1: FakeUser = { id: 3101, first_name: 'Một', last_name: 'Người' };
    w.tg.sendText(u1, '/start abc');
    await w.tg.waitForText(u1.id, 'Mã mời không đúng');

    const single = await newInvite(w, admin, 'dùng 1 lần');
    const created = w.tg.sent(admin.id).filter((c) => textOf(c).includes('Đã tạo mã mời')).pop();
    if (!created) throw new Error('no invite message');
    w.tg.clickButton(admin, created, button(created, 'Thu hồi'));
    await w.tg.waitForText(admin.id, 'Đã thu hồi');
    w.tg.sendText(u1, `/start ${single.replace(/-/g, '')}`);
    await w.tg.waitForText(u1.id, 'đã bị thu hồi');

    const once = await newInvite(w, admin, 'dùng 1 lần');
    const u2: FakeUser = { id: 3102, first_name: 'Hai', last_name: 'Người' };
    w.tg.sendText(u1, `/start ${once.replace(/-/g, '')}`);
    const ask = await w.tg.waitForText(u1.id, 'họ và tên');
    w.tg.clickButton(u1, ask, button(ask, 'Dùng tên'));
    await w.tg.waitForText(u1.id, 'Đã gửi yêu cầu');
    w.tg.sendText(u2, `/start ${once.replace(/-/g, '')}`);
    await w.tg.waitForText(u2.id, 'dùng hết lượt');

    const expiredCode = 'EXP1REDC0DE2'.replace(/[01]/g, 'A');
    const cellId = sql<{ id: number }>(w, 'SELECT id FROM cells ORDER BY id LIMIT 1')[0]?.id;
    const creator = sql<{ id: number }>(w, "SELECT id FROM members WHERE role = 'secretary' AND cell_id = ?", cellId)[0]?.id;
    const hash = createHash('sha256').update(expiredCode).digest('hex');
    const db = new Database(w.dbPath);
    db.prepare('INSERT INTO invites (cell_id, code_hash, hint, created_by, max_uses, uses, expires_at, created_at) VALUES (?, ?, ?, ?, NULL, 0, ?, ?)').run(cellId, hash, 'EXPA', creator, Date.now() - 1000, Date.now() - 8 * 86_400_000);
    db.close();
    w.tg.sendText(u2, `/start ${expiredCode}`);
    await w.tg.waitForText(u2.id, 'đã hết hạn');
  });

  it('answers a 5,000-character message politely and stores nothing of it', async () => {
    const before = sql<{ n: number }>(w, 'SELECT count(*) AS n FROM members')[0]?.n;
    w.tg.sendText(outsider, `/start ${code.replace(/-/g, '')}`);
    await w.tg.waitForText(outsider.id, 'họ và tên');
    w.tg.sendText(outsider, 'Nguyễn '.repeat(715));
    await w.tg.waitForText(outsider.id, 'quá dài');
    const after = sql<{ n: number }>(w, 'SELECT count(*) AS n FROM members')[0]?.n;
    expect(after).toBe(before);
  });

  it('replies helpfully to unknown commands and free text', async () => {
    w.tg.sendText(member, '/khongcolenhnay');
    await w.tg.waitForText(member.id, 'Lệnh này không có');
    w.tg.sendText(member, 'chào bot');
    await w.tg.waitForText(member.id, 'chưa hiểu');
  });
});
