import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createApp, type App } from '../app.js';
import { AdjustableClock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { addMonths } from '../domain/dues.js';
import { daysInMonth } from '../domain/dates.js';
import { addDays, DAY_MS, HOUR_MS, localParts, MINUTE_MS, minutesToTime, zonedInstant } from '../domain/meetings-time.js';
import { startFakeTelegram, type FakeTelegram } from '../emulators/telegram.js';
import { startFakeZalo, type FakeZalo } from '../emulators/zalo.js';
import type { Logger } from '../logger.js';
import { MeetingRepo } from '../store/repos/meetings.js';
import { CAST, SAMPLE_GROUP, telegramUser } from './cast.js';
import { seedSampleCell } from './seed.js';

/** Fixed tokens: the bot talks only to the emulators, which accept exactly these. */
export const PLAYGROUND_TELEGRAM_TOKEN = '7100000000:PLAYGROUND-telegram-emulator';
export const PLAYGROUND_ZALO_TOKEN = '7100000001:PLAYGROUND-zalo-emulator';
export const PLAYGROUND_BOT_USERNAME = 'chibo4tot_santhu_bot';

export const moveKinds = ['hour', 'day', 'meeting', 'month'] as const;
export type MoveKind = (typeof moveKinds)[number];

/** A refusal the page explains in words: the clock is already moving, there is no meeting ahead. */
export class PlaygroundRefusal extends Error {
  constructor(readonly code: 'busy' | 'noMeeting') {
    super(code);
  }
}

export interface SandboxOptions {
  /** Where the playground keeps its own database, backups and clock (never the real bot's). */
  dir: string;
  /** The playground page's address: file links the bot makes for Zalo point here. */
  publicBase: string;
  /** The environment: only the time zone, language and a few limits are taken from it. */
  env: Record<string, string | undefined>;
  log: Logger;
}

/** Variables the playground takes from the environment; everything else is its own. */
const PASSED_THROUGH = ['DEFAULT_TIMEZONE', 'DEFAULT_LOCALE', 'INVITE_TTL_DAYS', 'ZALO_MONTHLY_QUOTA', 'SELF_REVIEW_KEYS'] as const;

const CLOCK_FILE = 'clock.json';

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => done(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/**
 * The bot and its world, in one process: the Telegram and Zalo emulators on loopback, the real
 * bot (createApp) pointed at them with fixed tokens, a database of its own seeded with the sample
 * cell, and one adjustable clock injected everywhere. Moving the clock runs the same
 * `app.runJobs(at)` as `jobs:run --at` at the steps on the way (see nextStep), so every reminder
 * on the way is sent, stamped with its own time.
 */
export class Sandbox {
  /** While the clock moves: where it started, where it goes and where it is. */
  moving: { from: number; to: number; at: number } | null = null;
  /** The last move that failed, in words for the log (the page shows a generic sentence). */
  failure: string | null = null;
  private closed = false;
  private running: Promise<void> | null = null;
  private savedState = '';
  private readonly saver: NodeJS.Timeout;
  readonly meetings: MeetingRepo;

  private constructor(
    readonly dir: string,
    readonly config: Config,
    readonly app: App,
    readonly tg: FakeTelegram,
    readonly zalo: FakeZalo,
    readonly clock: AdjustableClock,
    readonly cellId: number,
    private readonly log: Logger,
    /** Opened on an earlier database: the cell is there, the chats' history is not (the emulators keep it in memory). */
    readonly restored: boolean,
  ) {
    this.meetings = new MeetingRepo(app.store.db);
    this.saver = setInterval(() => this.saveClock(), 5_000);
    this.saver.unref();
    this.saveClock();
  }

  static async open(opts: SandboxOptions): Promise<Sandbox> {
    const dir = resolve(opts.dir);
    mkdirSync(dir, { recursive: true });
    const saved = readSaved(dir);
    const clock = new AdjustableClock(saved ? Date.now() + saved.offsetMs : workingHour(Date.now(), opts.env.DEFAULT_TIMEZONE?.trim() || 'Asia/Ho_Chi_Minh'));
    const now = () => clock.now();
    // Above every message id and update id given before: the database still refers to them (a group card to
    // edit, updates remembered as handled), and Telegram never reuses one.
    const tg = await startFakeTelegram({ token: PLAYGROUND_TELEGRAM_TOKEN, botUsername: PLAYGROUND_BOT_USERNAME, clock: now, firstMessageId: (saved?.lastMessageId ?? 0) + 1, firstUpdateId: (saved?.lastUpdateId ?? 99_999) + 1 });
    const zalo = await startFakeZalo({ token: PLAYGROUND_ZALO_TOKEN, botName: 'Chi bộ 4 Tốt (sân thử)', clock: now, photoOrigins: [opts.publicBase] });
    let app: App | null = null;
    let fresh = false;
    try {
      const secretary = CAST.find((m) => m.role === 'secretary' && m.channel === 'telegram');
      const passed = Object.fromEntries(PASSED_THROUGH.flatMap((k) => (opts.env[k] === undefined ? [] : [[k, opts.env[k]]])));
      const config = loadConfig({
        ...passed,
        NODE_ENV: 'development',
        LOG_LEVEL: opts.env.LOG_LEVEL?.trim() || 'warn',
        BOT_TOKEN: PLAYGROUND_TELEGRAM_TOKEN,
        TELEGRAM_API_ROOT: tg.url,
        ZALO_BOT_TOKEN: PLAYGROUND_ZALO_TOKEN,
        ZALO_API_ROOT: zalo.url,
        DATABASE_PATH: join(dir, 'playground.db'),
        BOT_ADMIN_IDS: secretary?.externalId ?? '',
        // The bot's own HTTP server serves the signed file links for Zalo; the page proxies them.
        PUBLIC_BASE_URL: opts.publicBase,
        WEBHOOK_PORT: String(await freePort()),
        HTTP_HOST: '127.0.0.1',
        BACKUP_KEEP: '2',
      });
      fresh = !existsSync(config.DATABASE_PATH);
      app = await createApp(config, opts.log, clock);
      const cellId = (fresh ? undefined : app.repos.cells.list()[0]?.id) ?? seedSampleCell(app, config);
      for (const m of CAST) {
        if (m.channel === 'telegram') tg.registerUser(telegramUser(m));
        else zalo.registerUser(zalo.newUser(m.fullName, m.externalId));
      }
      tg.addGroup(SAMPLE_GROUP);
      await app.start();
      return new Sandbox(dir, config, app, tg, zalo, clock, cellId, opts.log, !fresh);
    } catch (err) {
      await app?.stop().catch(() => undefined);
      await tg.close();
      await zalo.close();
      // A sample cell seeded half way is no start: the next open seeds it again from nothing.
      if (fresh) wipe(dir);
      throw err;
    }
  }

  get timezone(): string {
    return this.app.repos.cells.get(this.cellId)?.timezone ?? this.config.DEFAULT_TIMEZONE;
  }

  /** The next meeting that has not started yet, if any. */
  nextMeetingAt(): number | null {
    return this.meetings.scheduledInCell(this.cellId, this.clock.now() + 1)[0]?.startsAt ?? null;
  }

  /** Where a move of this kind ends, from `now`. */
  target(kind: MoveKind, now: number): number {
    if (kind === 'hour') return now + HOUR_MS;
    if (kind === 'day') return now + 24 * HOUR_MS;
    if (kind === 'meeting') {
      // When its check-in opens (members who check in then are on time), or its start once that has passed.
      const next = this.meetings.scheduledInCell(this.cellId, now + 1)[0];
      if (!next) throw new PlaygroundRefusal('noMeeting');
      const opens = next.startsAt - this.app.core.services.settings.of(next.cellId).meetings.checkInBeforeMinutes * MINUTE_MS;
      return opens > now ? opens : next.startsAt;
    }
    return sameTimeNextMonth(now, this.timezone);
  }

  /**
   * The instant after `at` at which the jobs run next on the way to `to`: every hour (every three
   * hours on moves longer than two days), and exactly at each meeting's reminder, check-in and
   * closing times, as if the bot had been down for a while between its per-minute ticks.
   */
  nextStep(at: number, to: number, from: number): number {
    const stride = to - from > 2 * DAY_MS ? 3 * HOUR_MS : HOUR_MS;
    let next = Math.min(to, (Math.floor(at / stride) + 1) * stride);
    for (const m of this.meetings.scheduledInCell(this.cellId, at - DAY_MS)) {
      const s = this.app.core.services.settings.of(m.cellId).meetings;
      const times = [...s.reminderOffsets.map((o) => m.startsAt - o * MINUTE_MS), m.startsAt - s.checkInBeforeMinutes * MINUTE_MS, m.startsAt, m.startsAt + s.checkInAfterMinutes * MINUTE_MS];
      for (const t of times) if (t > at && t < next) next = t;
    }
    return next;
  }

  /**
   * Moves the clock forward and runs the scheduled jobs on the way (see nextStep) and at the end,
   * with the same `app.runJobs(at)` as `jobs:run --at`; resolves when the move is done.
   */
  move(kind: MoveKind): Promise<void> {
    return this.begin(kind).done;
  }

  /** Starts a move and returns at once (the page follows it through the state). */
  startMove(kind: MoveKind): { from: number; to: number } {
    const { from, to } = this.begin(kind);
    return { from, to };
  }

  private begin(kind: MoveKind): { from: number; to: number; done: Promise<void> } {
    if (this.moving) throw new PlaygroundRefusal('busy');
    const from = this.clock.now();
    const to = this.target(kind, from);
    this.moving = { from, to, at: from };
    this.failure = null;
    this.running = this.run(from, to);
    return { from, to, done: this.running };
  }

  private async run(from: number, to: number): Promise<void> {
    try {
      for (let at = this.nextStep(from, to, from); !this.closed; at = this.nextStep(at, to, from)) {
        this.clock.moveTo(at);
        if (this.moving) this.moving.at = at;
        await this.app.runJobs(at);
        if (at >= to) break;
      }
    } catch (err) {
      this.failure = err instanceof Error ? err.message : String(err);
      this.log.error({ err }, 'playground: moving the clock failed');
    } finally {
      this.moving = null;
      this.saveClock();
    }
  }

  /** Keeps the simulated time and the last message id for the next start (after each move, every few seconds, at close). */
  private saveClock(): void {
    if (this.closed) return;
    const state = `${JSON.stringify({ offsetMs: this.clock.lead, lastMessageId: this.tg.lastMessageId, lastUpdateId: this.tg.lastUpdateId })}\n`;
    if (state === this.savedState) return;
    writeFileSync(join(this.dir, CLOCK_FILE), state);
    this.savedState = state;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.saver);
    this.saveClock();
    this.closed = true;
    // A move in progress stops after its current step, before the bot is stopped under it.
    await this.running;
    await this.app.stop().catch((err: unknown) => this.log.warn({ err: String(err) }, 'playground: bot stop failed'));
    await this.tg.close();
    await this.zalo.close();
  }
}

/** The same day and time next month in `tz` (the 31st becomes the next month's last day). */
export function sameTimeNextMonth(now: number, tz: string): number {
  const p = localParts(now, tz);
  const month = addMonths(`${p.year}-${String(p.month).padStart(2, '0')}`, 1);
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const day = Math.min(p.day, daysInMonth(year, m));
  return zonedInstant({ year, month: m, day }, minutesToTime(p.minutes), tz) + (now % 60_000);
}

/** How far ahead of real time the simulated clock was left, and the last Telegram ids given; null on a fresh playground. */
function readSaved(dir: string): { offsetMs: number; lastMessageId: number; lastUpdateId: number } | null {
  try {
    const saved = JSON.parse(readFileSync(join(dir, CLOCK_FILE), 'utf8')) as { offsetMs?: unknown; lastMessageId?: unknown; lastUpdateId?: unknown };
    if (typeof saved.offsetMs !== 'number' || !Number.isFinite(saved.offsetMs)) return null;
    const int = (v: unknown, d: number): number => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : d);
    return { offsetMs: Math.max(0, saved.offsetMs), lastMessageId: int(saved.lastMessageId, 0), lastUpdateId: int(saved.lastUpdateId, 99_999) };
  } catch {
    return null;
  }
}

/**
 * A fresh playground starts at the real time, unless that falls outside office hours in the
 * cell's zone: then at the next 08:00, so the first meeting's invitations are not held back by
 * the quiet hours (21:00–07:00) and go out while one watches.
 */
export function workingHour(now: number, tz: string): number {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    return now; // the configuration check names the wrong zone
  }
  const p = localParts(now, tz);
  if (p.minutes >= 8 * 60 && p.minutes < 18 * 60) return now;
  const today = zonedInstant(p, '08:00', tz);
  return p.minutes < 8 * 60 ? today : zonedInstant(addDays(p, 1), '08:00', tz);
}

/** Removes the playground's database, its backups and its clock, so the next open starts afresh. */
export function wipe(dir: string): void {
  for (const name of ['playground.db', 'playground.db-wal', 'playground.db-shm', CLOCK_FILE, 'backups']) rmSync(join(resolve(dir), name), { recursive: true, force: true });
}
