import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeTelegram, type FakeTelegram, type FakeUser, type SentCall } from '../fakes/telegram.js';
import { startFakeZalo, type FakeZalo } from '../fakes/zalo.js';

const root = resolve(import.meta.dirname, '../..');

export interface BotProcess {
  proc: ChildProcess;
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the real bot (`src/main.ts` under tsx) with the given environment; resolves once it says it started. */
export async function startBot(env: Record<string, string>): Promise<BotProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const collect = (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  await new Promise<void>((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start:\n${logs.join('\n')}`)), 60_000);
    const check = setInterval(() => {
      if (logs.some((l) => l.includes('"bot started"'))) {
        clearInterval(check);
        clearTimeout(timer);
        resolveStart();
      }
    }, 25);
    void exited.then((code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code}:\n${logs.join('\n')}`));
    });
  });
  return {
    proc,
    logs,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null) proc.kill(signal);
      return exited;
    },
  };
}

export interface World {
  tg: FakeTelegram;
  zalo: FakeZalo;
  dir: string;
  dbPath: string;
  env: Record<string, string>;
  bot: BotProcess;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const admin: FakeUser = { id: 1001, first_name: 'Trần', last_name: 'Thị Bình' };

/** Fake Telegram + fake Zalo + a temp database + the real bot on both channels. */
export async function startWorld(extraEnv: Record<string, string> = {}): Promise<World> {
  const tg = await startFakeTelegram();
  const zalo = await startFakeZalo();
  const dir = mkdtempSync(join(tmpdir(), 'chibo-e2e-'));
  const dbPath = join(dir, 'chibo.db');
  const env = {
    BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.url,
    ZALO_BOT_TOKEN: zalo.token,
    ZALO_API_ROOT: zalo.url,
    DATABASE_PATH: dbPath,
    BOT_ADMIN_IDS: String(admin.id),
    ...extraEnv,
  };
  const world: World = {
    tg,
    zalo,
    dir,
    dbPath,
    env,
    bot: await startBot(env),
    async restart() {
      await world.bot.stop();
      world.bot = await startBot(env);
    },
    async close() {
      await world.bot.stop();
      await tg.close();
      await zalo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** The callback_data of the button whose label matches, on a message the bot sent. */
export function button(call: SentCall, label: string | RegExp): string {
  const markup = (call.params.reply_markup ?? {}) as { inline_keyboard?: { text: string; callback_data?: string }[][] } | string;
  const parsed = typeof markup === 'string' ? (JSON.parse(markup) as { inline_keyboard?: { text: string; callback_data?: string }[][] }) : markup;
  const all = (parsed.inline_keyboard ?? []).flat();
  const found = all.find((b) => (typeof label === 'string' ? b.text.includes(label) : label.test(b.text)));
  if (!found?.callback_data) throw new Error(`no button ${String(label)} among: ${all.map((b) => b.text).join(' | ')}`);
  return found.callback_data;
}

export const textOf = (call: SentCall): string => String(call.params.text ?? call.params.caption ?? '');

/** The number of a choice in a Zalo numbered list ("2. Duyệt"). */
export function numberOf(text: string, label: string): string {
  const line = text.split('\n').find((l) => /^\d+\. /.test(l) && l.includes(label));
  if (!line) throw new Error(`no choice "${label}" in:\n${text}`);
  return line.split('.')[0] as string;
}

/** The admin creates a cell on Telegram and becomes its secretary; returns a fresh multi-use invite code. */
export async function createCell(w: World, name = 'Chi bộ Phòng Tổ chức'): Promise<{ code: string }> {
  const { tg } = w;
  tg.sendText(admin, '/taochibo');
  await tg.waitForText(admin.id, 'Tên chi bộ');
  tg.sendText(admin, name);
  await tg.waitForText(admin.id, 'cấp ủy cấp trên');
  tg.sendText(admin, 'Đảng ủy phường Bến Nghé');
  await tg.waitForText(admin.id, 'Họ và tên');
  tg.sendText(admin, 'Trần Thị Bình');
  const confirm = await tg.waitForText(admin.id, 'Xin xác nhận');
  tg.clickButton(admin, confirm, button(confirm, 'Tạo chi bộ'));
  await tg.waitForText(admin.id, 'Đồng chí là Bí thư');
  return { code: await newInvite(w, admin, 'nhiều lần') };
}

/** A leader asks for an invite through /moi and the buttons; returns the bare code. */
export async function newInvite(w: World, leader: FakeUser, kind: 'nhiều lần' | 'dùng 1 lần'): Promise<string> {
  const { tg } = w;
  tg.sendText(leader, '/moi');
  let menu = await tg.waitForText(leader.id, /Mời đảng viên|chi bộ nào/);
  if (textOf(menu).includes('chi bộ nào')) {
    tg.clickButton(leader, menu, button(menu, /./));
    menu = await tg.waitForText(leader.id, 'Mời đảng viên');
  }
  tg.clickButton(leader, menu, button(menu, kind));
  const invite = await tg.waitForText(leader.id, 'Đã tạo mã mời');
  const code = /nhắn mã ([A-Z2-9-]{14})/.exec(textOf(invite))?.[1];
  if (!code) throw new Error(`no code in ${textOf(invite)}`);
  return code;
}

/** A Telegram user joins with a code and the secretary approves. */
export async function joinOnTelegram(w: World, user: FakeUser, code: string): Promise<void> {
  const { tg } = w;
  tg.sendText(user, `/start ${code.replace(/-/g, '')}`);
  const ask = await tg.waitForText(user.id, 'họ và tên');
  tg.clickButton(user, ask, button(ask, 'Dùng tên'));
  await tg.waitForText(user.id, 'Đã gửi yêu cầu');
  const card = await tg.waitForText(admin.id, `Yêu cầu tham gia`);
  tg.clickButton(admin, card, button(card, 'Duyệt'));
  await tg.waitForText(user.id, 'Chúc mừng');
}

/** A free TCP port on loopback, for a bot HTTP server the test talks to. */
export async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => done(port));
    });
  });
}
