/**
 * The party-dues month cycle, written once and run on both channels (dues.test.ts on Telegram,
 * dues-zalo.test.ts on Zalo by typed numbers). The real bot runs against the fake APIs; scheduled
 * work runs through `jobs:run --at` in a second process on the same database.
 */
import ExcelJS from 'exceljs';
import { inflateRawSync } from 'node:zlib';
import { expect } from 'vitest';
import { buildServices } from '../../src/app.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { DuesReports } from '../../src/services/dues-reports.js';
import { DuesService } from '../../src/services/dues.js';
import { openStore } from '../../src/store/db.js';
import type { FakeUser, SentCall } from '../fakes/telegram.js';
import type { ZaloCall, ZaloUser } from '../fakes/zalo.js';
import { admin, button, cli, freePort, linkZalo, startWorld, textOf, type World } from './harness.js';
import { jobsRun, sql } from './meetings-harness.js';
export { freePort };

export type Channel = 'telegram' | 'zalo';

export interface Msg {
  text: string;
  raw: SentCall | ZaloCall;
}

/** One person on one channel, driven the way they would: buttons on Telegram, typed numbers on Zalo. */
export interface Chat {
  name: string;
  externalId: string;
  say(text: string): void;
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<Msg>;
  /** Waits for a message in any order (a retried send can arrive after a later one). */
  waitUnordered(pattern: string | RegExp, timeoutMs?: number): Promise<Msg>;
  choose(message: Msg, label: string | RegExp): void;
  sendPhoto(): void;
  texts(): string[];
}

let nextPhoto = 900_000;

export function telegramChat(w: World, user: FakeUser, name: string): Chat {
  return {
    name,
    externalId: String(user.id),
    say: (text) => void w.tg.sendText(user, text),
    waitFor: async (pattern, timeoutMs = 15_000) => {
      const raw = await w.tg.waitForText(user.id, pattern, timeoutMs);
      return { text: textOf(raw), raw };
    },
    waitUnordered: async (pattern, timeoutMs = 15_000) => {
      const raw = await w.tg.waitFor((call) => Number(call.params.chat_id) === user.id && call.ok && ['sendMessage', 'editMessageText'].includes(call.method) && (typeof pattern === 'string' ? textOf(call).includes(pattern) : pattern.test(textOf(call))), timeoutMs);
      return { text: textOf(raw), raw };
    },
    choose: (m, label) => void w.tg.clickButton(user, m.raw as SentCall, button(m.raw as SentCall, label)),
    sendPhoto: () => {
      const id = nextPhoto++;
      w.tg.pushUpdate({
        message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: user.id, type: 'private', first_name: user.first_name }, from: { ...user, is_bot: false }, photo: [{ file_id: `receipt-${id}-s`, file_unique_id: `r${id}s`, width: 90, height: 90 }, { file_id: `receipt-${id}`, file_unique_id: `r${id}`, width: 800, height: 600 }] },
      });
    },
    texts: () => w.tg.sent(user.id).map(textOf),
  };
}

export function zaloChat(w: World, user: ZaloUser, name: string): Chat {
  return {
    name,
    externalId: user.id,
    say: (text) => void w.zalo.sendText(user, text),
    waitFor: async (pattern, timeoutMs = 15_000) => {
      const raw = await w.zalo.waitForText(user.id, pattern, timeoutMs);
      return { text: String(raw.params.text ?? raw.params.caption ?? ''), raw };
    },
    waitUnordered: async (pattern, timeoutMs = 15_000) => {
      const raw = await w.zalo.waitFor((call) => call.ok && call.method === 'sendMessage' && call.params.chat_id === user.id && (typeof pattern === 'string' ? String(call.params.text).includes(pattern) : pattern.test(String(call.params.text))), timeoutMs);
      return { text: String(raw.params.text ?? ''), raw };
    },
    choose: (m, label) => {
      const line = m.text.split('\n').find((l) => /^\d+\. /.test(l) && (typeof label === 'string' ? l.includes(label) : label.test(l)));
      if (!line) throw new Error(`no choice ${String(label)} in:\n${m.text}`);
      w.zalo.sendText(user, line.split('.')[0] as string);
    },
    sendPhoto: () => void w.zalo.sendImage(user, `https://photo.zalo.me/receipt-${nextPhoto++}.jpg`),
    texts: () => w.zalo.textsTo(user.id),
  };
}


/** `jobs:run --at` that must succeed (its error output is the failure's message). */
export async function jobsAt(w: World, iso: string): Promise<void> {
  const run = await jobsRun(w, iso);
  if (run.code !== 0) throw new Error(`jobs:run ${iso} failed (${run.code}): ${run.stderr}`);
}

/** Today and this month in the cell's time zone (Asia/Ho_Chi_Minh), where the bot's own clock is. */
export function vnToday(): string {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export const addMonths = (m: string, n: number): string => {
  const idx = Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1 + n;
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`;
};
export const mmYYYY = (m: string): string => `${m.slice(5, 7)}/${m.slice(0, 4)}`;

/** Reads one file of a zip (a docx) the way unzip does, from the central directory. */
export function unzipEntry(zip: Buffer, name: string): string {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const local = zip.readUInt32LE(p + 42);
    if (zip.subarray(p + 46, p + 46 + nameLen).toString('utf8') === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    }
    p += 46 + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  throw new Error(`${name} not in zip`);
}

/** The text of every table cell of a docx, row by row. */
export function docxTable(xml: string, index: number): string[][] {
  const tables = xml.split('<w:tbl>').slice(1);
  const table = tables[index] ?? '';
  return table
    .split('</w:tr>')
    .slice(0, -1)
    .map((row) => row.split('</w:tc>').slice(0, -1).map((c) => [...c.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')));
}

export interface Cast {
  w: World;
  channel: Channel;
  cellId: number;
  m0: string;
  today: string;
  secretary: Chat;
  collector: Chat;
  an: Chat; // insured, 5,000,000 base: 50,000 đ; pays cash
  bich: Chat; // pensioner, 3,500,000: 17,500 đ; pays 10,000 on the Portal with a receipt photo
  dung: Chat; // student: 5,000 đ; declares, is refused, never pays: arrears and the three-month flag
  em: Chat; // exempt (50 years): no reminder
  rong: Chat; // other, 10,000 đ, reduced 30 % for 2 months
  tam: Chat; // temporarily exempt from activities, fixed 20,000 đ: pays the next month in advance
  groupId: number | null;
}

const TEL_IDS = { collector: 3001, an: 3002, bich: 3003, dung: 3004, em: 3005, rong: 3006, tam: 3007 };
const NAMES = { collector: ['Lương', 'Thị Thu'], an: ['Nguyễn', 'Văn An'], bich: ['Phạm', 'Thị Bích'], dung: ['Đỗ', 'Văn Dũng'], em: ['Hoàng', 'Văn Em'], rong: ['Trịnh', 'Văn Rộng'], tam: ['Tạ', 'Văn Tâm'] } as const;
const full = (k: keyof typeof NAMES) => `${NAMES[k][0]} ${NAMES[k][1]}`;

/** A fresh world with the cell, its members (joined through the bot's own tables) and the dues setup done in the chat. */
export async function setUp(channel: Channel): Promise<Cast> {
  const port = await freePort();
  const env: Record<string, string> = channel === 'zalo' ? { PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, WEBHOOK_PORT: String(port), HTTP_HOST: '127.0.0.1' } : {};
  const w = await startWorld(env);
  const made = await cli(w, ['cell:create', '--name', 'Chi bộ Khu phố 5', '--superior', 'Đảng ủy phường Bến Nghé', '--secretary', 'Trần Thị Bình', '--telegram', String(admin.id)]);
  expect(made.code, made.stderr).toBe(0);
  const cellId = sql(w, (db) => (db.prepare('SELECT id FROM cells LIMIT 1').get() as { id: number }).id);
  const today = vnToday();
  const m0 = today.slice(0, 7);
  w.tg.sendText(admin, '/start');
  await w.tg.waitForText(admin.id, 'Kính chào');

  // Reminders go out on the 28th: the bot's own minute tick (real time) stays quiet while the setup is typed.
  // From the 28th on it would not, so the setup then starts right after a tick and ends before the next.
  if (Number(today.slice(8, 10)) >= 28) await new Promise((r) => setTimeout(r, (61 - new Date().getSeconds()) * 1000));
  sql(w, (db) => db.prepare('UPDATE cells SET settings = ? WHERE id = ?').run(JSON.stringify({ dues: { reminderDay: 28 } }), cellId));

  const chats = {} as Record<keyof typeof NAMES, Chat>;
  for (const key of Object.keys(NAMES) as (keyof typeof NAMES)[]) {
    let chat: Chat;
    if (channel === 'telegram') {
      const user: FakeUser = { id: TEL_IDS[key], first_name: NAMES[key][0], last_name: NAMES[key][1] };
      chat = telegramChat(w, user, full(key));
    } else {
      chat = zaloChat(w, w.zalo.newUser(NAMES[key][1]), full(key));
    }
    chat.say('/start');
    await chat.waitFor(/./);
    sql(w, (db) => {
      const account = db.prepare('SELECT person_id AS personId FROM accounts WHERE channel = ? AND external_id = ?').get(channel, chat.externalId) as { personId: number };
      const now = Date.now();
      db.prepare("INSERT INTO members (cell_id, person_id, full_name, role, status, joined_on, collects_dues, created_at, updated_at) VALUES (?, ?, ?, 'member', 'active', ?, ?, ?, ?)").run(cellId, account.personId, chat.name, today, key === 'collector' ? 1 : 0, now, now);
    });
    chats[key] = chat;
  }
  // Tâm is temporarily exempt from activities (tạm miễn sinh hoạt) this month and next.
  const nextEnd = new Date(Date.UTC(Number(m0.slice(0, 4)), Number(m0.slice(5, 7)) + 1, 0)).toISOString().slice(0, 10);
  sql(w, (db) => {
    const tam = db.prepare('SELECT id FROM members WHERE full_name = ?').get(full('tam')) as { id: number };
    db.prepare("INSERT INTO exemptions (cell_id, member_id, kind, from_date, to_date, created_at) VALUES (?, ?, 'temporary', ?, ?, ?)").run(cellId, tam.id, `${m0}-01`, nextEnd, Date.now());
  });

  // Bích's pension base is entered straight into the book (the dialogue is the same as An's).
  sql(w, (db) => {
    const bich = db.prepare('SELECT id FROM members WHERE full_name = ?').get(full('bich')) as { id: number };
    db.prepare("INSERT INTO dues_bases (cell_id, member_id, from_month, category, income_base, created_at) VALUES (?, ?, ?, 'pensioner', 3500000, ?)").run(cellId, bich.id, m0, Date.now());
  });

  let secretary = telegramChat(w, admin, 'Trần Thị Bình');
  if (channel === 'zalo') {
    // The secretary links Zalo and works there from now on.
    secretary = zaloChat(w, await linkZalo(w), 'Trần Thị Bình');
  }

  let groupId: number | null = null;
  if (channel === 'telegram') {
    // A linked group: nothing about one member's dues may ever appear there.
    groupId = -1001234;
    w.tg.addBotToGroup(admin, { id: groupId, type: 'supergroup', title: 'Chi bộ Khu phố 5' });
    await w.tg.waitFor((c) => Number(c.params.chat_id) === groupId);
    sql(w, (db) => db.prepare('UPDATE cells SET telegram_group_id = ? WHERE id = ?').run(String(groupId), cellId));
  }

  const cast: Cast = { w, channel, cellId, m0, today, secretary, collector: chats.collector, an: chats.an, bich: chats.bich, dung: chats.dung, em: chats.em, rong: chats.rong, tam: chats.tam, groupId };
  await amountsInChat(cast);
  return cast;
}

/** Opens a member's dues card: from /dangphi, or from the card last shown ("◀ Danh sách"). */
async function openCard(manager: Chat, name: string, from?: Msg): Promise<Msg> {
  if (from) manager.choose(from, '◀ Danh sách');
  else {
    manager.say('/dangphi');
    const overview = await manager.waitFor('Đảng phí tháng');
    manager.choose(overview, 'Mức đảng phí từng đồng chí');
  }
  const list = await manager.waitFor('Chọn đồng chí');
  manager.choose(list, name);
  return manager.waitFor(`Đảng phí — đồng chí ${name}`);
}

/** The secretary and the collector set amounts, an exemption, a reduction and a fixed amount, in parallel chats. */
async function amountsInChat(c: Cast): Promise<void> {
  const { secretary: s, collector: k } = c;
  const month = mmYYYY(c.m0);
  const thisMonth = `Tháng này (${month})`;
  const bySecretary = async () => {
    let card = await openCard(s, c.an.name);
    s.choose(card, 'Đổi đối tượng');
    s.choose(await s.waitFor('thuộc đối tượng nào'), 'Hưởng lương, có đóng BHXH bắt buộc');
    expect((await s.waitFor('Gõ Tiền lương làm căn cứ đóng BHXH của tháng trước')).text).toContain('Chỉ đồng chí ấy, người thu đảng phí và Bí thư xem được');
    s.say('5.000.000');
    s.choose(await s.waitFor('Áp dụng từ tháng nào'), thisMonth);
    card = await s.waitFor('Đã lưu');
    expect(card.text).toContain(`Đảng phí tháng ${month} của đồng chí ${c.an.name}: 50.000 đ`);

    card = await openCard(s, c.em.name, card);
    s.choose(card, 'Ghi miễn đảng phí');
    s.choose(await s.waitFor('được miễn đảng phí vì lý do nào'), '50 năm tuổi Đảng');
    await s.waitFor('số và ngày của quyết định');
    s.say('Quyết định 15-QĐ/ĐU ngày 01/11/2026');
    s.choose(await s.waitFor('Miễn/giảm từ tháng nào'), thisMonth);
    s.choose(await s.waitFor('Đến hết tháng nào'), 'Không thời hạn');
    card = await s.waitFor('Đã ghi Miễn: 50 năm tuổi Đảng trở lên');
    expect(card.text).toContain(`${month} – không thời hạn`);

    card = await openCard(s, c.tam.name, card);
    s.choose(card, 'Đặt mức cố định');
    await s.waitFor('Gõ mức đảng phí hằng tháng');
    s.say('20000');
    s.choose(await s.waitFor('Áp dụng từ tháng nào'), thisMonth);
    expect((await s.waitFor('Đã lưu')).text).toContain('20.000 đ');
  };
  const byCollector = async () => {
    let card = await openCard(k, c.dung.name);
    k.choose(card, 'Đổi đối tượng');
    k.choose(await k.waitFor('thuộc đối tượng nào'), 'Học sinh, sinh viên');
    k.choose(await k.waitFor('Áp dụng từ tháng nào'), thisMonth);
    card = await k.waitFor('Đã lưu');
    expect(card.text).toContain('5.000 đ');

    card = await openCard(k, c.rong.name, card);
    k.choose(card, 'Đổi đối tượng');
    k.choose(await k.waitFor('thuộc đối tượng nào'), 'Nông dân và đối tượng khác');
    k.choose(await k.waitFor('Áp dụng từ tháng nào'), thisMonth);
    card = await k.waitFor('Đã lưu');
    expect(card.text).toContain('10.000 đ');
    k.choose(card, 'Ghi giảm (khó khăn)');
    k.choose(await k.waitFor('Giảm đảng phí cho đồng chí'), 'Giảm 30 %');
    await k.waitFor('số và ngày của quyết định');
    k.say('Nghị quyết chi bộ ngày 05/11/2026');
    k.choose(await k.waitFor('Miễn/giảm từ tháng nào'), thisMonth);
    await k.waitFor('Giảm đến hết tháng nào');
    k.say(mmYYYY(addMonths(c.m0, 1)));
    const reduced = await k.waitFor('Đã ghi Giảm 30 %');
    expect(reduced.text).toContain(`${month} – ${mmYYYY(addMonths(c.m0, 1))}`);
  };
  await Promise.all([bySecretary(), byCollector()]);
}

/** Downloads a file the bot linked (Zalo) from its own HTTP server. */
export async function download(text: string, ext: string): Promise<Buffer> {
  const url = new RegExp(`(http://127\\.0\\.0\\.1:\\d+/files/\\S+?\\.${ext})`).exec(text)?.[1];
  if (!url) throw new Error(`no .${ext} link in: ${text}`);
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

export async function readLedger(data: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  return wb;
}

// ---------------------------------------------------------------------------------------------
// the month's cycle, phase by phase

export type Reminders = Record<'an' | 'bich' | 'dung' | 'rong' | 'tam', Msg>;

/** Reminders on the 28th (the cell's day): each member who owes, with amount and how to pay; none for the exempt member. */
export async function reminders(c: Cast): Promise<Reminders> {
  await jobsAt(c.w, `${c.m0}-28T09:00:00+07:00`);
  const head = `Đảng phí tháng ${mmYYYY(c.m0)} của đồng chí`;
  const r = {
    an: await c.an.waitFor(head),
    bich: await c.bich.waitFor(head),
    dung: await c.dung.waitFor(head),
    rong: await c.rong.waitFor(head),
    tam: await c.tam.waitFor(head),
  };
  expect(r.an.text).toContain('50.000 đ');
  expect(r.an.text).toContain('https://dichvucong.gov.vn');
  expect(r.an.text).toContain('nộp tiền mặt cho đồng chí Lương Thị Thu');
  expect(r.bich.text).toContain('17.500 đ');
  expect(r.dung.text).toContain('5.000 đ');
  expect(r.rong.text).toContain('7.000 đ (đã giảm 30 % theo quyết định)');
  expect(r.tam.text).toContain('20.000 đ');
  expect(r.tam.text).toContain('tạm miễn sinh hoạt');
  await c.secretary.waitFor('chưa tính được mức');
  expect(c.em.texts().some((t) => t.includes('Đảng phí tháng'))).toBe(false);
  return r;
}

/** Cash without a photo, the Portal with and without a receipt photo; the collector confirms two and refuses one. */
export async function declarations(c: Cast, r: Reminders): Promise<void> {
  const { an, bich, dung, collector: k } = c;
  an.choose(r.an, 'Đã nộp tiền mặt');
  an.choose(await an.waitFor('Đồng chí đã nộp bao nhiêu'), 'Đúng 50.000 đ');
  expect((await an.waitFor('Đã ghi nhận')).text).toContain('50.000 đ đảng phí tháng');

  bich.choose(r.bich, 'Đã nộp qua Cổng DVCQG');
  await bich.waitFor('Đồng chí đã nộp bao nhiêu');
  bich.say('10.000');
  await bich.waitFor('ảnh biên lai');
  bich.sendPhoto();
  expect((await bich.waitFor('Đã ghi nhận')).text).toContain('Đã kèm ảnh biên lai');

  dung.choose(r.dung, 'Đã nộp qua Cổng DVCQG');
  dung.choose(await dung.waitFor('Đồng chí đã nộp bao nhiêu'), 'Đúng 5.000 đ');
  dung.choose(await dung.waitFor('ảnh biên lai'), 'Không gửi ảnh');
  expect((await dung.waitFor('Đã ghi nhận')).text).not.toContain('ảnh biên lai');

  const [cardAn, cardBich, cardDung] = [await k.waitUnordered(`Đồng chí ${an.name} báo đã nộp`), await k.waitUnordered(`Đồng chí ${bich.name} báo đã nộp`), await k.waitUnordered(`Đồng chí ${dung.name} báo đã nộp`)];
  expect(cardAn.text).toContain('50.000 đ, Tiền mặt');
  k.choose(cardAn, 'Đã nhận');
  await k.waitUnordered(`Đã xác nhận đã nhận 50.000 đ đảng phí tháng ${mmYYYY(c.m0)} của đồng chí ${an.name}`);
  expect(cardBich.text).toContain('10.000 đ, Cổng DVCQG');
  expect(cardBich.text).toContain('thấp hơn mức còn phải nộp (17.500 đ)');
  expect(cardBich.text).toMatch(c.channel === 'zalo' ? /Ảnh biên lai: https:\/\/photo\.zalo\.me\/receipt-\d+\.jpg/ : /ảnh biên lai qua Telegram/);
  k.choose(cardBich, 'Đã nhận');
  await k.waitUnordered(`Đã xác nhận đã nhận 10.000 đ`);
  k.choose(cardDung, 'Chưa nhận');
  await k.waitUnordered(`chưa nhận khoản đảng phí tháng ${mmYYYY(c.m0)} đồng chí ${dung.name}`);

  expect((await an.waitFor('đã xác nhận đã nhận')).text).toContain('50.000 đ');
  expect((await bich.waitFor('đã xác nhận đã nhận')).text).toContain('Còn thiếu 7.500 đ');
  await dung.waitFor('chưa nhận được khoản đảng phí');
  // The receipt is kept only as the platform's reference.
  const ref = sql(c.w, (db) => (db.prepare("SELECT receipt_ref AS ref FROM dues_payments WHERE method = 'portal' AND amount = 10000").get() as { ref: string }).ref);
  expect(ref).toMatch(c.channel === 'zalo' ? /^zalo:https:\/\/photo\.zalo\.me\// : /^telegram:receipt-\d+$/);
}

/** Paying ahead: refused for an ordinary member, taken from one temporarily exempt from activities. */
export async function advance(c: Cast): Promise<void> {
  const { an, tam, collector: k } = c;
  const next = mmYYYY(addMonths(c.m0, 1));
  an.say('/dangphi');
  an.choose(await an.waitFor('Đảng phí của đồng chí'), 'Báo nộp cho tháng khác');
  await an.waitFor('nộp cho tháng nào');
  an.say(next);
  await an.waitFor('chỉ đảng viên được tạm miễn sinh hoạt mới được nộp trước');
  an.say('0');
  await an.waitFor('Đã hủy');

  tam.say('/dangphi');
  tam.choose(await tam.waitFor('Đảng phí của đồng chí'), 'Báo nộp cho tháng khác');
  await tam.waitFor('nộp cho tháng nào');
  tam.say(next);
  tam.choose(await tam.waitFor('theo cách nào'), 'Đã nộp tiền mặt');
  tam.choose(await tam.waitFor('Đồng chí đã nộp bao nhiêu'), 'Đúng 20.000 đ');
  await tam.waitFor('Đã ghi nhận');
  const card = await k.waitFor(`Đồng chí ${tam.name} báo đã nộp đảng phí tháng ${next}`);
  expect(card.text).toContain('nộp trước trong thời gian tạm miễn sinh hoạt');
  k.choose(card, 'Đã nhận');
  await tam.waitFor(`đã xác nhận đã nhận 20.000 đ đảng phí tháng ${next}`);
}

/** "Xin giảm/miễn": the reason goes privately to the secretary. */
export async function reliefRequest(c: Cast, r: Reminders): Promise<void> {
  c.dung.choose(r.dung, 'Xin giảm/miễn');
  await c.dung.waitFor('lý do');
  c.dung.say('Gia đình đang khó khăn');
  await c.dung.waitFor('Đã gửi đề nghị');
  const req = await c.secretary.waitFor(`Đồng chí ${c.dung.name} xin giảm/miễn`);
  expect(req.text).toContain('Lý do: Gia đình đang khó khăn');
}

/** The collector's month view, and the member's own, with the private income base. */
export async function views(c: Cast): Promise<Msg> {
  c.collector.say('/dangphi');
  const v = await c.collector.waitFor(`Đảng phí tháng ${mmYYYY(c.m0)} — Chi bộ Khu phố 5`);
  expect(v.text).toContain('Đã nộp đủ: 1/7 đồng chí');
  expect(v.text).toContain('Nộp chưa đủ: 1');
  expect(v.text).toContain('Được miễn: 1');
  expect(v.text).toContain('Đã thu: 60.000 đ');
  expect(v.text).toContain('Chi bộ giữ lại (30 %): 18.000 đ · Nộp lên cấp trên: 42.000 đ');
  c.an.say('/dangphi');
  const mine = await c.an.waitFor('Đảng phí của đồng chí Nguyễn Văn An');
  expect(mine.text).toContain('5.000.000 đ (chỉ đồng chí, người thu đảng phí và Bí thư xem được)');
  expect(mine.text).toContain(`Tháng ${mmYYYY(c.m0)}: phải nộp 50.000 đ — đã nộp 50.000 đ`);
  return v;
}

const rowOf = (ws: ExcelJS.Worksheet, name: string): number => {
  for (let r = 6; r < 40; r++) if (ws.getCell(r, 2).value === name) return r;
  throw new Error(`no row for ${name}`);
};

/** The dues book read back cell by cell. */
export async function checkLedger(c: Cast, data: Buffer): Promise<void> {
  const wb = await readLedger(data);
  const year = c.m0.slice(0, 4);
  const ws = wb.getWorksheet(year) as ExcelJS.Worksheet;
  expect(ws.getCell(1, 1).value).toBe(`SỔ THU ĐẢNG PHÍ NĂM ${year}`);
  expect(ws.getCell(4, 1).value).toBe('STT');
  expect(ws.getCell(4, 2).value).toBe('Họ và tên');
  const col = 4 + (Number(c.m0.slice(5, 7)) - 1) * 4;
  expect(ws.getCell(5, col).value).toBe('Phải nộp');
  expect(ws.getCell(4, col).value).toBe(`Tháng ${Number(c.m0.slice(5, 7))}`);
  const an = rowOf(ws, c.an.name);
  expect([ws.getCell(an, col).value, ws.getCell(an, col + 1).value, ws.getCell(an, col + 3).value]).toEqual([50_000, 50_000, 'Tiền mặt']);
  expect((ws.getCell(an, col + 2).value as Date).toISOString().slice(0, 10)).toBe(c.today);
  expect(ws.getCell(an, col + 2).numFmt).toBe('dd/mm/yyyy');
  expect(ws.getCell(an, col + 1).numFmt).toBe('#,##0');
  const bich = rowOf(ws, c.bich.name);
  expect([ws.getCell(bich, col).value, ws.getCell(bich, col + 1).value, ws.getCell(bich, col + 3).value]).toEqual([17_500, 10_000, 'Cổng DVCQG, chưa đủ']);
  const dung = rowOf(ws, c.dung.name);
  expect([ws.getCell(dung, col).value, ws.getCell(dung, col + 1).value, ws.getCell(dung, col + 2).value]).toEqual([5_000, null, null]);
  const em = rowOf(ws, c.em.name);
  expect([ws.getCell(em, col).value, ws.getCell(em, col + 3).value]).toEqual([0, 'Miễn (50 năm tuổi Đảng)']);
  const rong = rowOf(ws, c.rong.name);
  expect([ws.getCell(rong, col).value, ws.getCell(rong, col + 3).value]).toEqual([7_000, 'giảm 30 %']);
  const tam = rowOf(ws, c.tam.name);
  expect([ws.getCell(tam, col).value, ws.getCell(tam, col + 1).value]).toEqual([20_000, null]);
  const next = addMonths(c.m0, 1);
  const nextSheet = wb.getWorksheet(next.slice(0, 4)) as ExcelJS.Worksheet;
  const nextCol = 4 + (Number(next.slice(5, 7)) - 1) * 4;
  expect([nextSheet.getCell(rowOf(nextSheet, c.tam.name), nextCol + 1).value, nextSheet.getCell(rowOf(nextSheet, c.tam.name), nextCol + 3).value]).toEqual([20_000, 'Tiền mặt']);
  const total = rowOf(ws, 'Cộng');
  expect([ws.getCell(total, col).value, ws.getCell(total, col + 1).value]).toEqual([99_500, 60_000]);
  const totals = 4 + 12 * 4;
  expect(ws.getCell(4, totals + 3).value).toBe('Ký nhận');
  expect(ws.getCell(an, totals + 1).value).toBe(50_000);
}

/** The monthly report to the superior, unzipped and read paragraph by paragraph and cell by cell. */
export function checkReport(c: Cast, data: Buffer): void {
  const xml = unzipEntry(data, 'word/document.xml');
  const text = xml.replace(/<\/w:p>/g, '\n').replace(/<[^>]+>/g, '');
  for (const s of ['BÁO CÁO THU, NỘP ĐẢNG PHÍ', `Tháng ${mmYYYY(c.m0)}`, 'Tổng số đảng viên: 8', 'Số đảng viên được miễn: 1', 'Tổng số đảng phí phải thu: 99.500 đ', 'Tổng số đảng phí đã thu: 60.000 đ', 'Chi bộ được giữ lại (30 %): 18.000 đ', 'Số nộp lên cấp ủy cấp trên: 42.000 đ', 'ĐẢNG CỘNG SẢN VIỆT NAM', 'CHI BỘ KHU PHỐ 5']) expect(text).toContain(s);
  const rows = docxTable(xml, 1);
  expect(rows[0]).toEqual(['STT', 'Họ và tên', 'Phải nộp', 'Đã nộp', 'Ngày nộp', 'Hình thức']);
  const an = rows.find((r) => r[1] === c.an.name);
  expect(an?.slice(2)).toEqual(['50.000 đ', '50.000 đ', `${c.today.slice(8, 10)}/${c.today.slice(5, 7)}/${c.today.slice(0, 4)}`, 'Tiền mặt']);
  expect(rows.find((r) => r[1] === c.bich.name)?.slice(2)).toEqual(['17.500 đ', '10.000 đ', expect.any(String), 'Cổng DVCQG, thiếu 7.500 đ']);
  expect(rows.find((r) => r[1] === c.em.name)?.slice(2)).toEqual(['0 đ', '', '', 'Miễn']);
  expect(rows.at(-1)?.filter(Boolean)).toEqual(['Cộng', '99.500 đ', '60.000 đ']);
}

/** Month after month: reminders with arrears, weekly nudges, the reduction ending, the secretary told at 2 months and flagged at 3. */
export async function arrears(c: Cast): Promise<void> {
  const { w, dung, rong, secretary } = c;
  const m = (k: number) => addMonths(c.m0, k);
  // From next month the others owe nothing (recorded straight in the book), so the secretary hears only about Dũng and Rộng.
  sql(w, (db) => {
    const ids = db.prepare('SELECT id FROM members WHERE full_name IN (?, ?, ?, ?, ?)').all(c.an.name, c.bich.name, c.collector.name, c.tam.name, 'Trần Thị Bình') as { id: number }[];
    const add = db.prepare("INSERT INTO dues_reliefs (cell_id, member_id, kind, percent, from_month, to_month, decision, created_at, updated_at) VALUES (?, ?, 'hardship', 100, ?, ?, 'e2e', ?, ?)");
    for (const { id } of ids) add.run(c.cellId, id, m(1), m(12), Date.now(), Date.now());
    const r = db.prepare('SELECT id FROM members WHERE full_name = ?').get(rong.name) as { id: number };
    add.run(c.cellId, r.id, m(3), m(14), Date.now(), Date.now());
  });

  // The cell's reminder day is the 28th; a nudge window opens every 7 days after it.
  const nudgeTime = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 28 + 8, 2)).toISOString();
  const seen = new Set<string>();
  for (let k = 1; k <= 7; k++) {
    await jobsAt(w, `${m(k)}-28T09:00:00+07:00`);
    const rem = await dung.waitFor(`Đảng phí tháng ${mmYYYY(m(k))} của đồng chí`);
    expect(rem.text).toContain('Các tháng trước còn phải nộp');
    for (let j = 0; j < k; j++) expect(rem.text).toContain(`• Tháng ${mmYYYY(m(j))}: 5.000 đ`);
    if (k === 1) {
      // Still reduced in the reduction's second month; Tâm paid this month ahead, so no reminder.
      expect((await rong.waitFor(`Đảng phí tháng ${mmYYYY(m(1))}`)).text).toContain('7.000 đ (đã giảm 30 %');
      expect(c.tam.texts().some((t) => t.includes(`Đảng phí tháng ${mmYYYY(m(1))}`))).toBe(false);
    }
    if (k === 2) expect((await rong.waitFor(`Đảng phí tháng ${mmYYYY(m(2))}`)).text).toMatch(/\): 10\.000 đ\./);
    if (k <= 2) {
      await jobsAt(w, nudgeTime(m(k)));
      const nudge = await dung.waitFor('Chi bộ (Chi bộ Khu phố 5) xin nhắc');
      expect(nudge.text).toContain([...Array(k + 1).keys()].map((j) => `• Tháng ${mmYYYY(m(j))}: 5.000 đ`).join('\n'));
    }
    // Months ended unpaid by the end of this cycle, counted per calendar year.
    const ended = [...Array(k + (k <= 2 ? 1 : 0)).keys()].map((j) => m(j));
    const byYear = new Map<string, string[]>();
    for (const month of ended) byYear.set(month.slice(0, 4), [...(byYear.get(month.slice(0, 4)) ?? []), mmYYYY(month)]);
    let flagged = false;
    for (const [year, months] of byYear) {
      if (months.length >= 2 && !seen.has(year)) {
        seen.add(year);
        const warn = await secretary.waitFor(new RegExp(`Đồng chí ${dung.name} chưa đóng đảng phí 2 tháng trong năm ${year}`));
        expect(warn.text).toContain('Riêng Bí thư');
        expect(warn.text).toContain(months.slice(0, 2).join(', '));
      }
      if (months.length >= 3) {
        const flag = await secretary.waitFor(new RegExp(`Đồng chí ${dung.name} chưa đóng đảng phí 3 tháng trong năm ${year}`));
        expect(flag.text).toContain(months.slice(0, 3).join(', '));
        expect(flag.text).toContain('Đủ căn cứ để chi bộ xem xét');
        expect(flag.text).toContain('Quy định 24-QĐ/TW');
        flagged = true;
      }
    }
    if (flagged) break;
  }
  expect(seen.size).toBeGreaterThan(0);
  // Nothing about one member's dues reaches the group, and the member is never told about the rule.
  if (c.groupId !== null) expect(w.tg.sent(c.groupId).map(textOf).filter((t) => /đảng phí/i.test(t))).toEqual([]);
  expect(dung.texts().some((t) => t.includes('Đủ căn cứ'))).toBe(false);
}

/**
 * The same file the bot sent, made again from the same database (the fake Telegram keeps an upload's
 * name, type and size, not its bytes), to be read back cell by cell.
 */
export async function regenerate(c: Cast, chat: Chat, kind: 'ledger' | 'report'): Promise<Buffer> {
  const store = openStore(c.w.dbPath);
  try {
    const config = loadConfig({ ...c.w.env, NODE_ENV: 'test' });
    const { services, deps, repos } = buildServices(store, config, systemClock, {});
    const dues = new DuesService(deps, services.access, services.settings);
    const reports = new DuesReports(deps, dues);
    const account = repos.people.account(c.channel, chat.externalId);
    if (!account) throw new Error(`no account for ${chat.name}`);
    const caller = { personId: account.personId, channel: account.channel, externalId: account.externalId, isAdmin: false };
    const file = kind === 'ledger' ? await reports.ledger(caller, c.cellId) : await reports.report(caller, c.cellId, { kind: 'month', month: c.m0 });
    return file.data;
  } finally {
    store.close();
  }
}
