import Database from 'better-sqlite3';
import type { FakeUser } from '../fakes/telegram.js';
import type { ZaloUser } from '../fakes/zalo.js';
import { zonedInstant } from '../../src/domain/meetings-time.js';
import { admin, button, cli, type CliRun, numberOf, type World } from './harness.js';

export const HCM = 'Asia/Ho_Chi_Minh';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Runs `jobs:run` against the running bot's database and fake APIs, at an instant (ms, or an ISO string) or now. */
export const jobsRun = (w: World, at?: number | string): Promise<CliRun> => cli(w, ['jobs:run', ...(at === undefined ? [] : ['--at', typeof at === 'number' ? new Date(at).toISOString() : at])]);

/** The calendar date (dd/mm) and parts of an instant in Hà Nội. */
export function local(ms: number): { dm: string; iso: string; hhmm: string } {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: HCM, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms).map((p) => [p.type, p.value]));
  return { dm: `${parts.day}/${parts.month}`, iso: `${parts.year}-${parts.month}-${parts.day}`, hhmm: `${parts.hour}:${parts.minute}` };
}

export const instant = (iso: string, hhmm: string): number => zonedInstant(iso, hhmm, HCM);

/** `jobs:run` at a time of day ("23:00") in Hà Nội, today or `dayOffset` days on. */
export const jobsRunLocal = (w: World, hhmm: string, dayOffset = 0): Promise<CliRun> => jobsRun(w, instant(local(Date.now() + dayOffset * DAY).iso, hhmm));

/** Runs SQL on the bot's database (to seed members or move a meeting's start, as time passing would). */
export function sql<T>(w: World, fn: (db: Database.Database) => T): T {
  const db = new Database(w.dbPath);
  db.pragma('busy_timeout = 5000');
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Changes one section of every cell's settings straight in the database, as /caidat stores them (the bot reads them per request). */
export function setCellSettings(w: World, section: string, patch: Record<string, unknown>): void {
  sql(w, (db) => {
    for (const row of db.prepare('SELECT id, settings FROM cells').all() as { id: number; settings: string }[]) {
      const s = JSON.parse(row.settings || '{}') as Record<string, Record<string, unknown>>;
      s[section] = { ...(s[section] ?? {}), ...patch };
      db.prepare('UPDATE cells SET settings = ? WHERE id = ?').run(JSON.stringify(s), row.id);
    }
  });
}

export const setMeetingSettings = (w: World, patch: Record<string, unknown>): void => setCellSettings(w, 'meetings', patch);

/** Test set-up only: a role the secretary would give through /thanhvien (tested in the members suite). */
export function setRole(w: World, fullName: string, role: string): void {
  sql(w, (db) => db.prepare('UPDATE members SET role = ? WHERE full_name = ?').run(role, fullName));
}

/** A Zalo user joins with the cell's code and the secretary approves on Telegram. */
export async function joinOnZalo(w: World, name: string, fullName: string, code: string): Promise<ZaloUser> {
  const u = w.zalo.newUser(name);
  w.zalo.sendText(u, code);
  await w.zalo.waitForText(u.id, 'họ và tên');
  w.zalo.sendText(u, fullName);
  await w.zalo.waitForText(u.id, 'Đã gửi yêu cầu');
  const card = await w.tg.waitForText(admin.id, `${fullName} (qua Zalo)`);
  w.tg.clickButton(admin, card, button(card, 'Duyệt'));
  await w.zalo.waitForText(u.id, 'Chúc mừng');
  return u;
}

/** On Zalo: answers a numbered list by the number of the choice whose label contains `label`. */
export async function pickOnZalo(w: World, user: ZaloUser, waitFor: string | RegExp | { text: string }, label: string): Promise<string> {
  const text = typeof waitFor === 'object' && 'text' in waitFor ? waitFor.text : String((await w.zalo.waitForText(user.id, waitFor)).params.text);
  w.zalo.sendText(user, numberOf(text, label));
  return text;
}

/** The secretary creates a meeting on Telegram through the /taohop buttons; `when` is typed ("dd/mm HH:MM"). */
export async function createOnTelegram(w: World, leader: FakeUser, opts: { kind: string; when: string; duration: string; place: string; agenda?: string; confirm?: string | RegExp }): Promise<void> {
  const { tg } = w;
  tg.sendText(leader, '/taohop');
  const kinds = await tg.waitForText(leader.id, 'Tạo buổi họp: chọn loại');
  tg.clickButton(leader, kinds, button(kinds, opts.kind));
  await tg.waitForText(leader.id, 'Ngày họp?');
  tg.sendText(leader, opts.when);
  const duration = await tg.waitForText(leader.id, 'họp bao lâu');
  tg.clickButton(leader, duration, button(duration, opts.duration));
  await tg.waitForText(leader.id, 'Địa điểm họp?');
  tg.sendText(leader, opts.place);
  const agenda = await tg.waitForText(leader.id, 'Nội dung chính');
  if (opts.agenda) tg.sendText(leader, opts.agenda);
  else tg.clickButton(leader, agenda, button(agenda, 'Bỏ qua'));
  const confirm = await tg.waitForText(leader.id, 'Xin kiểm tra lại buổi họp');
  tg.clickButton(leader, confirm, button(confirm, opts.confirm ?? 'Tạo và gửi giấy mời'));
  await tg.waitForText(leader.id, 'Đã tạo buổi họp');
}
