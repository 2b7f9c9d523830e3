import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser, type SentCall } from '../fakes/telegram.js';
import { startFakeZalo, type FakeZalo, type ZaloUser } from '../fakes/zalo.js';

const root = resolve(import.meta.dirname, '../..');

export interface BotProcess {
  proc: ChildProcess;
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Bots and CLI runs this test process started that have not exited yet. One whose world was never
 * closed (a set-up that timed out while the bot started, a test that timed out during `jobs:run`) would
 * go on polling or sending to the fakes' ports after the test file ends: it is killed when this process
 * ends, whether it exits or is sent SIGTERM (as vitest ends its workers).
 */
const running = new Set<ChildProcess>();
const killRunning = (): void => {
  for (const proc of running) proc.kill('SIGKILL');
};
process.once('exit', killRunning);
process.once('SIGTERM', () => {
  killRunning();
  process.kill(process.pid, 'SIGTERM');
});

/** What every child process of a test starts with, before its own variables. */
const baseEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test' });

/** Starts the real bot (`src/main.ts` under tsx) with the given environment; resolves once it says it started. */
export async function startBot(env: Record<string, string>): Promise<BotProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts')], {
    cwd: root,
    env: { ...baseEnv(), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  const logs: string[] = [];
  const collect = (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const exited = new Promise<number | null>((r) =>
    proc.once('exit', (code) => {
      running.delete(proc);
      r(code);
    }),
  );
  const started = new Promise<void>((resolveStart, reject) => {
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
  try {
    await started;
  } catch (err) {
    // Not started in time: it must not start later, unwatched, on a port another world may get.
    proc.kill('SIGKILL');
    await exited;
    throw err;
  }
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

/**
 * A secret of this world's own for each fake's token. The fakes listen on ports the system hands out
 * again once freed: with the emulators' fixed default tokens, any process still pointed at an old
 * world's port (a bot left over from a failed set-up, a `jobs:run` outliving its test) would be
 * accepted by whichever world's fake got the port next, take its updates and answer from another
 * database ("Mã mời không đúng" for a good invite code). With its own tokens a world answers only
 * its own processes; strangers get 401.
 */
const secret = (): string => randomBytes(9).toString('base64url');

/** Fake Telegram + fake Zalo + a temp database + the real bot on both channels. */
export async function startWorld(extraEnv: Record<string, string> = {}): Promise<World> {
  const tg = await startFakeTelegram({ token: `123456:TEST-${secret()}` });
  const zalo = await startFakeZalo({ token: `1234567890:ZALO-${secret()}` });
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
  let bot: BotProcess;
  try {
    bot = await startBot(env);
  } catch (err) {
    await tg.close();
    await zalo.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const world: World = {
    tg,
    zalo,
    dir,
    dbPath,
    env,
    bot,
    async restart() {
      await world.bot.stop();
      world.bot = await startBot(env);
    },
    async close() {
      // A `jobs:run` still going (its test timed out) would go on sending, and write a new database where this one was.
      await Promise.all([...(cliRuns.get(world) ?? [])].map((child) => new Promise((closed) => child.once('close', closed).kill('SIGKILL'))));
      await world.bot.stop();
      await tg.close();
      await zalo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI runs of each world still going, so that closing the world ends them. */
const cliRuns = new WeakMap<World, Set<ChildProcess>>();

/**
 * Runs the operator CLI (`src/cli/index.ts`, e.g. `jobs:run --at <ISO>`, `members:import`) as a second
 * process against the world's database and fake APIs, while the bot runs.
 */
export function cli(w: World, args: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), ...args], { cwd: root, env: { ...baseEnv(), ...w.env } });
  const runs = cliRuns.get(w) ?? new Set<ChildProcess>();
  cliRuns.set(w, runs.add(child));
  running.add(child);
  return new Promise((done, fail) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => {
      running.delete(child);
      runs.delete(child);
      done({ code, stdout, stderr });
    });
  });
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

/** The secretary (admin) links the cell's Telegram group: adds the bot, then /lienket in the group. */
export async function linkGroup(w: World, group: FakeChat): Promise<void> {
  w.tg.addBotToGroup(admin, group);
  await w.tg.waitForText(group.id, '/lienket');
  w.tg.sendText(admin, '/lienket', group);
  await w.tg.waitForText(group.id, 'Đã liên kết nhóm');
}

/** The secretary (admin) also uses Zalo: a link code from /lienketkenh on Telegram, typed on Zalo. */
export async function linkZalo(w: World, displayName = 'Bình'): Promise<ZaloUser> {
  w.tg.sendText(admin, '/lienketkenh');
  const msg = await w.tg.waitForText(admin.id, 'Mã liên kết');
  const code = /([A-Z2-9]{4}-[A-Z2-9]{4})/.exec(textOf(msg))?.[1];
  if (!code) throw new Error(`no link code in ${textOf(msg)}`);
  const z = w.zalo.newUser(displayName);
  w.zalo.sendText(z, code);
  await w.zalo.waitForText(z.id, 'Đã liên kết');
  return z;
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
