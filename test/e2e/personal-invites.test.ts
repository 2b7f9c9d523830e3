/**
 * Personal invites and the imported roll, end to end: the real bot against the fake Telegram and Zalo.
 * A forged "Đúng" (by a stranger, or by the holder of another member's code) joins nobody; someone
 * imported who used the cell's general invite instead of their personal code is matched to their row
 * ("Là đồng chí X") rather than added twice — from the approval card, from /thanhvien, and by a typed
 * number on Zalo.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser, SentCall } from '../fakes/telegram.js';
import { admin, button, cli, createCell, linkZalo, numberOf, startWorld, textOf, type World } from './harness.js';
import { sql } from './meetings-harness.js';

const secretary = admin;
const A = 'Nguyễn Văn An';
const B = 'Trần Thị Hoa';
const C = 'Lê Văn Cường';
const D = 'Phạm Thị Duyên';
const E = 'Võ Minh Tâm';
const CELL = 'Chi bộ Phòng Tổ chức';

/** Reads the bot's database (the shared helper opens it for a moment, with a busy timeout). */
const db = sql;

interface MemberLine {
  id: number;
  person_id: number;
  full_name: string;
  status: string;
  role: string;
  party_group: string | null;
}
const membersNamed = (w: World, name: string): MemberLine[] => db(w, (d) => d.prepare('SELECT id, person_id, full_name, status, role, party_group FROM members WHERE full_name = ? ORDER BY id').all(name) as MemberLine[]);
const accountsOf = (w: World, personId: number): { channel: string; external_id: string }[] => db(w, (d) => d.prepare('SELECT channel, external_id FROM accounts WHERE person_id = ?').all(personId) as { channel: string; external_id: string }[]);
const inviteOf = (w: World, memberId: number): { id: number; uses: number; revoked_at: number | null } =>
  db(w, (d) => d.prepare('SELECT id, uses, revoked_at FROM invites WHERE member_id = ? ORDER BY id DESC LIMIT 1').get(memberId) as { id: number; uses: number; revoked_at: number | null });
const rosterState = (w: World) => db(w, (d) => ({ members: d.prepare('SELECT * FROM members ORDER BY id').all(), invites: d.prepare('SELECT id, uses, revoked_at FROM invites ORDER BY id').all() }));

/** The one imported row of a name (there must be exactly one). */
function only(w: World, name: string): MemberLine {
  const rows = membersNamed(w, name);
  if (rows.length !== 1) throw new Error(`${rows.length} rows named ${name}`);
  return rows[0] as MemberLine;
}

/** After a merge: one active row of the name, on the requester's account; the request set aside on a person with no account. */
function expectMerged(w: World, name: string, channel: string, externalId: string, fields: Partial<MemberLine>): void {
  const rows = membersNamed(w, name);
  const active = rows.filter((r) => r.status === 'active');
  expect(active).toHaveLength(1);
  const kept = active[0] as MemberLine;
  expect(kept).toMatchObject(fields);
  expect(accountsOf(w, kept.person_id)).toEqual([{ channel, external_id: externalId }]);
  const aside = rows.filter((r) => r.id !== kept.id);
  expect(aside).toHaveLength(1);
  expect(aside[0]?.status).toBe('rejected');
  expect(accountsOf(w, aside[0]?.person_id ?? 0)).toEqual([]);
  // The personal code printed for the imported member no longer works.
  expect(inviteOf(w, kept.id).revoked_at).not.toBeNull();
  const audit = db(w, (d) => d.prepare("SELECT action, target_member_id AS target FROM audit_log WHERE action IN ('join.matched', 'join.superseded') AND target_member_id IN (?, ?) ORDER BY id").all(kept.id, aside[0]?.id ?? 0));
  expect(audit).toEqual([
    { action: 'join.superseded', target: aside[0]?.id },
    { action: 'join.matched', target: kept.id },
  ]);
}

/** A forged button press: a callback the bot never offered, on a message of the user's own chat. */
function forge(w: World, user: FakeUser, data: string, id: string): void {
  const own = w.tg.messages(user.id).filter((m) => (m.from as { is_bot?: boolean } | undefined)?.is_bot === true);
  const message = own[own.length - 1];
  if (!message) throw new Error(`no bot message in chat ${user.id}`);
  w.tg.pushUpdate({ callback_query: { id, from: { id: user.id, is_bot: false, first_name: user.first_name }, message, chat_instance: `forged-${user.id}`, data } });
}

describe('personal invites and the imported roll', () => {
  let w: World;
  let general: string;
  let codes: Map<string, string>;

  beforeAll(async () => {
    w = await startWorld();
    general = (await createCell(w, CELL)).code;
    const file = join(w.dir, 'danh-sach.csv');
    const rows = [`${A};Đảng viên;Tổ 1`, `${B};Đảng viên;Tổ 1`, `${C};Chi ủy viên;Tổ 2`, `${D};Đảng viên;Tổ 3`, `${E};Đảng viên;Tổ 3`];
    writeFileSync(file, `\uFEFFHọ và tên;Chức vụ đảng;Tổ đảng\n${rows.join('\n')}\n`);
    const imported = await cli(w, ['members:import', file, '--cell', '1']);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stdout}\n${imported.stderr}`);
    w.tg.sendText(secretary, '/giaymoi');
    const ready = await w.tg.waitForText(secretary.id, /riêng cho 5 đồng chí/, 20_000);
    const parts = w.tg.calls
      .slice(w.tg.calls.indexOf(ready))
      .filter((c) => c.ok && c.method === 'sendMessage' && Number(c.params.chat_id) === secretary.id)
      .map(textOf)
      .join('\n');
    codes = new Map([...parts.matchAll(/• (.+?): ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})/g)].map((m) => [m[1] as string, (m[2] as string).replace(/-/g, '')]));
    if (codes.size !== 5) throw new Error(`expected 5 personal codes, got: ${parts}`);
  }, 60_000);
  afterAll(async () => w?.close());

  it('refuses a "Đúng" pressed by a stranger who never opened a code; nobody joins', async () => {
    const stranger: FakeUser = { id: 6001, first_name: 'Người', last_name: 'Lạ' };
    w.tg.sendText(stranger, '/trogiup');
    await w.tg.waitForText(stranger.id, /./);
    const before = rosterState(w);
    const target = only(w, A);
    forge(w, stranger, `jp:${inviteOf(w, target.id).id}:1`, '9990001');
    await w.tg.waitForText(stranger.id, 'Mã mời không đúng');
    expect(rosterState(w)).toEqual(before);
    expect(accountsOf(w, target.person_id)).toEqual([]);
  }, 30_000);

  it('refuses the holder of one personal code answering for another member; their own still works', async () => {
    const holder: FakeUser = { id: 6002, first_name: 'An' };
    w.tg.sendText(holder, `/start ${codes.get(A) as string}`);
    const ask = await w.tg.waitForText(holder.id, `Đồng chí là ${A}?`);
    const other = only(w, B);
    const before = rosterState(w);
    w.tg.clickButton(holder, ask, `jp:${inviteOf(w, other.id).id}:1`);
    await w.tg.waitForText(holder.id, 'Mã mời không đúng');
    w.tg.clickButton(holder, ask, `jp:${inviteOf(w, other.id).id}:0`);
    await w.tg.waitForText(holder.id, 'Mã mời không đúng');
    expect(rosterState(w)).toEqual(before);
    expect(accountsOf(w, other.person_id)).toEqual([]);
    // The dialogue of their own code is still open.
    w.tg.clickButton(holder, ask, button(ask, 'Đúng'));
    await w.tg.waitForText(holder.id, `Chào mừng đồng chí ${A}`);
    expect(accountsOf(w, only(w, A).person_id)).toEqual([{ channel: 'telegram', external_id: '6002' }]);
    expect(accountsOf(w, only(w, B).person_id)).toEqual([]);
  }, 30_000);

  it('on Telegram: a member who used the general invite is matched to their imported row from the approval card', async () => {
    const user: FakeUser = { id: 6003, first_name: 'Cường' };
    w.tg.sendText(user, `/start ${general.replace(/-/g, '')}`);
    await w.tg.waitForText(user.id, 'họ và tên');
    w.tg.sendText(user, '  lê   văn cường ');
    await w.tg.waitForText(user.id, 'Đã gửi yêu cầu');
    const card = await w.tg.waitForText(secretary.id, `Trùng tên với đồng chí ${C} đã có trong danh sách nhưng chưa dùng bot`);
    expect(textOf(card)).toContain('Yêu cầu tham gia');
    button(card, 'Duyệt');
    button(card, 'Từ chối');
    w.tg.clickButton(secretary, card, button(card, `Là đồng chí ${C}`));
    await w.tg.waitForText(secretary.id, `Đã xác nhận: người xin tham gia là đồng chí ${C}`);
    await w.tg.waitForText(user.id, `Đã xác nhận đồng chí là ${C} trong danh sách ${CELL}`);
    expectMerged(w, C, 'telegram', '6003', { role: 'committee', party_group: 'Tổ 2' });
    // The card again: the request has been handled.
    w.tg.clickButton(secretary, card, button(card, 'Duyệt'));
    await w.tg.waitForText(secretary.id, 'Yêu cầu này đã được xử lý trước đó');
    expect(membersNamed(w, C).filter((m) => m.status === 'active')).toHaveLength(1);
  }, 30_000);

  it('on Zalo: a member who joined with the general code is matched by the secretary from /thanhvien on Telegram', async () => {
    const user = w.zalo.newUser('Duyên');
    w.zalo.sendText(user, general);
    await w.zalo.waitForText(user.id, 'họ và tên');
    w.zalo.sendText(user, D);
    await w.zalo.waitForText(user.id, 'Đã gửi yêu cầu');
    await w.tg.waitForText(secretary.id, `Trùng tên với đồng chí ${D}`);
    const request = membersNamed(w, D).find((m) => m.status === 'pending');
    if (!request) throw new Error('no pending request');
    w.tg.sendText(secretary, '/thanhvien');
    const list: SentCall = await w.tg.waitForText(secretary.id, `${CELL} — `);
    w.tg.pressButton(secretary, secretary.id, list.message_id as number, `mb:v:${request.id}`);
    const card = await w.tg.waitForText(secretary.id, `Trùng tên với đồng chí ${D} đã có trong danh sách nhưng chưa dùng bot`);
    w.tg.clickButton(secretary, card, button(card, `Là đồng chí ${D}`));
    await w.tg.waitForText(secretary.id, `Đã xác nhận: người xin tham gia là đồng chí ${D}`);
    await w.zalo.waitForText(user.id, `Đã xác nhận đồng chí là ${D}`);
    expectMerged(w, D, 'zalo', user.id, { party_group: 'Tổ 3' });
  }, 30_000);

  it('when the namesake has meanwhile joined with their personal code, "Là đồng chí X" is refused and the request is decided afresh', async () => {
    const other: FakeUser = { id: 6005, first_name: 'Hoa' };
    w.tg.sendText(other, `/start ${general.replace(/-/g, '')}`);
    await w.tg.waitForText(other.id, 'họ và tên');
    w.tg.sendText(other, B);
    await w.tg.waitForText(other.id, 'Đã gửi yêu cầu');
    const card = await w.tg.waitForText(secretary.id, `Trùng tên với đồng chí ${B}`);
    const real: FakeUser = { id: 6006, first_name: 'Hoa', last_name: 'Trần' };
    w.tg.sendText(real, `/start ${codes.get(B) as string}`);
    const ask = await w.tg.waitForText(real.id, `Đồng chí là ${B}?`);
    w.tg.clickButton(real, ask, button(ask, 'Đúng'));
    await w.tg.waitForText(real.id, `Chào mừng đồng chí ${B}`);
    const before = rosterState(w);
    w.tg.clickButton(secretary, card, button(card, `Là đồng chí ${B}`));
    const again = await w.tg.waitForText(secretary.id, 'Chưa xác nhận được');
    expect(rosterState(w)).toEqual(before);
    expect(() => button(again, 'Là đồng chí')).toThrow();
    w.tg.clickButton(secretary, again, button(again, 'Từ chối'));
    await w.tg.waitForText(other.id, 'chưa được chấp nhận');
    expect(membersNamed(w, B).map((m) => m.status).sort()).toEqual(['active', 'rejected']);
    expect(accountsOf(w, membersNamed(w, B).find((m) => m.status === 'active')?.person_id ?? 0)).toEqual([{ channel: 'telegram', external_id: '6006' }]);
  }, 30_000);

  it('a leader on Zalo matches a request by typing the number of "Là đồng chí X"', async () => {
    const zaloSecretary = await linkZalo(w);
    const user: FakeUser = { id: 6004, first_name: 'Tâm' };
    w.tg.sendText(user, `/start ${general.replace(/-/g, '')}`);
    await w.tg.waitForText(user.id, 'họ và tên');
    w.tg.sendText(user, E);
    await w.tg.waitForText(user.id, 'Đã gửi yêu cầu');
    const card = await w.zalo.waitForText(zaloSecretary.id, `Trùng tên với đồng chí ${E}`);
    w.zalo.sendText(zaloSecretary, numberOf(String(card.params.text), `Là đồng chí ${E}`));
    await w.zalo.waitForText(zaloSecretary.id, `Đã xác nhận: người xin tham gia là đồng chí ${E}`);
    await w.tg.waitForText(user.id, `Đã xác nhận đồng chí là ${E}`);
    expectMerged(w, E, 'telegram', '6004', { party_group: 'Tổ 3' });
  }, 30_000);
});
