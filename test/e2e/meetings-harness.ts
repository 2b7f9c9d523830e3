import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { FakeUser } from '../fakes/telegram.js';
import type { ZaloUser } from '../fakes/zalo.js';
import { zonedInstant } from '../../src/domain/meetings-time.js';
import { admin, button, numberOf, type World } from './harness.js';

const root = resolve(import.meta.dirname, '../..');
export const HCM = 'Asia/Ho_Chi_Minh';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Runs `jobs:run [--at]` as a child process against the running bot's database and fake APIs. */
export function jobsRun(w: World, at?: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const args = ['--import', 'tsx', 'src/cli/index.ts', 'jobs:run', ...(at === undefined ? [] : ['--at', new Date(at).toISOString()])];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', ...w.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The calendar date (dd/mm) and parts of an instant in Hà Nội. */
export function local(ms: number): { dm: string; iso: string; hhmm: string } {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: HCM, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms).map((p) => [p.type, p.value]));
  return { dm: `${parts.day}/${parts.month}`, iso: `${parts.year}-${parts.month}-${parts.day}`, hhmm: `${parts.hour}:${parts.minute}` };
}

export const instant = (iso: string, hhmm: string): number => zonedInstant(iso, hhmm, HCM);

/** Changes meeting settings of every cell straight in the database (the bot reads them per request). */
export function setMeetingSettings(w: World, patch: Record<string, unknown>): void {
  const db = new Database(w.dbPath);
  try {
    for (const row of db.prepare('SELECT id, settings FROM cells').all() as { id: number; settings: string }[]) {
      const s = JSON.parse(row.settings || '{}') as Record<string, Record<string, unknown>>;
      s.meetings = { ...(s.meetings ?? {}), ...patch };
      db.prepare('UPDATE cells SET settings = ? WHERE id = ?').run(JSON.stringify(s), row.id);
    }
  } finally {
    db.close();
  }
}

/** Runs SQL on the bot's database (to seed members or move a meeting's start, as time passing would). */
export function sql(w: World, fn: (db: Database.Database) => void): void {
  const db = new Database(w.dbPath);
  try {
    fn(db);
  } finally {
    db.close();
  }
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
