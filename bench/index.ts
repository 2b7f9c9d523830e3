/**
 * `npm run bench` (not a test): one meeting reminder to 2,000 members, computed by the meetings
 * job and delivered through the real OutboxSender and TelegramTransport (a real Telegraf client)
 * to the fake Bot API with its limits enforced (30 messages/s overall, ~1/s per chat, 20/min per
 * group). Reports messages per second, 429 answers, lost and duplicated messages.
 *
 * Target: at least 95 % of the allowed rate (28.5 msg/s), zero 429, zero lost, zero duplicates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Telegraf } from 'telegraf';
import { buildServices } from '../src/app.js';
import { TelegramTransport } from '../src/channels/telegram/transport.js';
import type { Clock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { ChoiceBook } from '../src/conversation/choices.js';
import { localIso } from '../src/domain/meetings-time.js';
import { OutboxSender } from '../src/outbox/sender.js';
import { AttendanceService } from '../src/services/meetings-attendance.js';
import { MeetingJobs } from '../src/services/meetings-jobs.js';
import { MeetingService } from '../src/services/meetings.js';
import { openStore } from '../src/store/db.js';
import { MeetingRepo } from '../src/store/repos/meetings.js';
import { startFakeTelegram } from '../test/fakes/telegram.js';
import { runRosterBench } from './roster.js';
import { runSummaryBench } from './summary.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 2000);
const ALLOWED_PER_SECOND = 30; // what the fake (like Telegram) allows overall
const TZ = 'Asia/Ho_Chi_Minh';
const DAY = 86_400_000;

/** The longest gap between timer ticks: how long a chat handler could have had to wait. */
function watchEventLoop(): { worst(): number; stop(): number } {
  let last = Date.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  return {
    worst: () => {
      const w = worst;
      worst = 0;
      return w;
    },
    stop: () => {
      clearInterval(timer);
      return worst;
    },
  };
}

async function main(): Promise<void> {
  const fake = await startFakeTelegram({ enforceLimits: true });
  const dir = mkdtempSync(join(tmpdir(), 'chibo-bench-'));
  const log = pino({ level: 'silent' });
  let offset = 0;
  const clock: Clock = { now: () => Date.now() + offset };
  try {
    const config = loadConfig({ NODE_ENV: 'test', BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, DATABASE_PATH: join(dir, 'bench.db'), DEFAULT_TIMEZONE: TZ });
    const store = openStore(config.DATABASE_PATH);
    const { repos, translator, services, deps } = buildServices(store, config, clock, { telegram: { groups: true } });

    // A cell whose secretary and members have all started the bot (so the fake lets the bot write to them).
    const secretaryId = 100_000;
    const cell = services.cells.createFromCli({ name: 'Chi bộ Đo Tải', superiorName: 'Đảng ủy Phường Thử', secretaryName: 'Nguyễn Văn Thư', channel: 'telegram', externalId: String(secretaryId) });
    const users = Array.from({ length: MEMBERS - 1 }, (_, i) => ({ id: secretaryId + 1 + i, first_name: 'Đảng', last_name: `Viên ${i + 1}` }));
    for (const u of [{ id: secretaryId, first_name: 'Nguyễn', last_name: 'Văn Thư' }, ...users]) fake.sendText(u, '/start');
    const now = clock.now();
    store.db.transaction(() => {
      for (const u of users) {
        const account = repos.people.touchAccount('telegram', String(u.id), `${u.first_name} ${u.last_name}`, now);
        repos.members.insert({ cellId: cell.id, personId: account.personId, fullName: `Trần Văn Viên ${u.id}`, role: 'member', status: 'active', createdAt: now, updatedAt: now });
      }
    });
    const secretary = repos.people.account('telegram', String(secretaryId));
    if (!secretary) throw new Error('secretary account missing');
    const caller = { personId: secretary.personId, channel: 'telegram' as const, externalId: String(secretaryId), isAdmin: false };

    // The meeting, planned five days ahead; its invitations count as delivered days ago.
    const m = { deps, access: services.access, notifier: services.notifier, settings: services.settings, repo: new MeetingRepo(store.db) };
    const meetings = new MeetingService(m);
    const attendance = new AttendanceService(m);
    const startsAt = Math.floor((now + 5 * DAY) / 60_000) * 60_000;
    const iso = localIso(startsAt, TZ);
    services.settings.set(caller, cell.id, 'meetings', 'quietFrom', '00:00');
    services.settings.set(caller, cell.id, 'meetings', 'quietTo', '00:00');
    const when = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(startsAt);
    const { meeting } = await meetings.create(caller, cell.id, { kind: 'regular', withThematic: false, date: iso, time: when, durationMinutes: 120, place: 'Hội trường', onlineLink: null, agenda: null });
    store.sqlite.prepare("UPDATE outbox SET status = 'sent', sent_at = ?").run(now);

    // Three days before the start: the job computes the reminder for everyone who has not answered.
    offset = meeting.startsAt - 3 * DAY + 60_000 - Date.now();
    const jobs = new MeetingJobs(m, meetings, attendance, log);
    const queuedAt = Date.now();
    const loop = watchEventLoop();
    await jobs.run(clock.now(), false);
    const queueBlockMs = loop.worst();
    const queued = store.sqlite.prepare("SELECT count(*) FROM outbox WHERE status = 'pending' AND idempotency_key LIKE ?").pluck().get(`mtg:${meeting.id}:rem:%`) as number;
    const queueMs = Date.now() - queuedAt;

    const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.url } });
    const transport = new TelegramTransport(bot.telegram, translator, { fileLink: () => null });
    const sender = new OutboxSender(transport, repos.outbox, repos.people, new ChoiceBook(repos.conversations, clock), translator, clock, log, null);
    const callsBefore = fake.calls.length;
    const t0 = Date.now();
    let handled = 0;
    while (repos.outbox.nextDueAt('telegram') !== null) {
      handled += await sender.drain();
      const next = repos.outbox.nextDueAt('telegram');
      if (next !== null) await new Promise((r) => setTimeout(r, Math.max(20, next - clock.now())));
    }
    await sender.stop();
    const elapsed = (Date.now() - t0) / 1000;
    const sendBlockMs = loop.stop();

    const calls = fake.calls.slice(callsBefore).filter((c) => c.method === 'sendMessage');
    const delivered = calls.filter((c) => c.ok && String(c.params.text ?? '').startsWith('Nhắc lịch'));
    const perChat = new Map<number, number>();
    for (const c of delivered) perChat.set(Number(c.params.chat_id), (perChat.get(Number(c.params.chat_id)) ?? 0) + 1);
    const recipients = [secretaryId, ...users.map((u) => u.id)];
    const lost = recipients.filter((id) => !perChat.has(id)).length;
    const duplicates = [...perChat.values()].reduce((n, k) => n + Math.max(0, k - 1), 0);
    const tooMany = calls.filter((c) => c.error?.error_code === 429).length;
    // Wall time of the whole drain, from the first call to the sender returning: the conservative figure.
    const rate = delivered.length / elapsed;
    const first = delivered[0]?.at ?? t0;
    const last = delivered[delivered.length - 1]?.at ?? t0;
    const share = rate / ALLOWED_PER_SECOND;

    const result = {
      members: MEMBERS,
      queued,
      queueMs,
      longestEventLoopPauseWhileQueueingMs: queueBlockMs,
      longestEventLoopPauseWhileSendingMs: sendBlockMs,
      handled,
      delivered: delivered.length,
      seconds: Number(elapsed.toFixed(1)),
      firstToLastSeconds: Number(((last - first) / 1000).toFixed(1)),
      messagesPerSecond: Number(rate.toFixed(2)),
      shareOfAllowed: `${(share * 100).toFixed(1)} %`,
      http429: tooMany,
      lost,
      duplicates,
    };
    const ok = share >= 0.95 && tooMany === 0 && lost === 0 && duplicates === 0;
    process.stdout.write(
      [
        `One reminder to ${MEMBERS} members through OutboxSender + TelegramTransport (Telegraf) → fake Bot API (limits on, ${ALLOWED_PER_SECOND} msg/s)`,
        `  queued by the meetings job: ${queued} rows in ${queueMs} ms (longest event-loop pause ${queueBlockMs} ms: handlers keep answering)`,
        `  longest event-loop pause while sending: ${sendBlockMs} ms`,
        `  delivered: ${delivered.length} in ${elapsed.toFixed(1)} s → ${rate.toFixed(2)} msg/s (${(share * 100).toFixed(1)} % of ${ALLOWED_PER_SECOND}/s)`,
        `  429 answers: ${tooMany}; lost: ${lost}; duplicates: ${duplicates}`,
        `  target (≥ 95 %, 0 × 429, 0 lost, 0 duplicates): ${ok ? 'met' : 'NOT met'}`,
        JSON.stringify(result),
        '',
      ].join('\n'),
    );
    store.close();
    process.exitCode = ok ? 0 : 1;
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// BENCH=meetings, BENCH=summary or BENCH=roster runs one of them; by default all, one after the other.
const only = process.env.BENCH;
if (only === 'roster') {
  runRosterBench().then(
    (ok) => {
      if (!ok) process.exitCode = 1;
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else (only === 'summary' ? Promise.resolve() : main())
  .then(async () => {
    if (only === 'meetings') return;
    const ok = await runSummaryBench();
    if (!ok) process.exitCode = 1;
    if (only === 'summary') return;
    if (!(await runRosterBench())) process.exitCode = 1;
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
