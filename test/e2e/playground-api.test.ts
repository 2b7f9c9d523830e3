import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAST, SAMPLE_GROUP } from '../../src/playground/cast.js';
import { startPlayground } from '../../src/playground/index.js';
import { Playground } from '../../src/playground/server.js';
import { sameTimeNextMonth, workingHour } from '../../src/playground/sandbox.js';
import { serviceDepsOf } from '../../src/playground/seed.js';
import type { PageState, ViewMessage } from '../../src/playground/view.js';
import { DuesService } from '../../src/services/dues.js';

/**
 * The playground's server and JSON API, in this process: the sample cell seeded through the
 * services, typing and pressing through the emulators, the clock moving by the same jobs as
 * `jobs:run --at`, file links, its own database, restart and reset; and the start-up switch of
 * `npm start` / `npm run playground` as child processes.
 */
const root = resolve(import.meta.dirname, '../..');
const HOUR = 3_600_000;
const silent = pino({ level: 'silent' });

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

async function post(base: string, path: string, body: unknown): Promise<Reply> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function state(base: string): Promise<PageState> {
  return (await (await fetch(`${base}/api/state`)).json()) as PageState;
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const chat = (s: PageState, id: string) => s.chats.find((c) => c.id === id)?.messages ?? [];
const texts = (s: PageState, id: string): string[] => chat(s, id).map((m) => m.text);

/** A raw request with any Host and Origin (fetch would set them itself). */
function raw(port: number, path: string, headers: Record<string, string>, method = 'GET', body = ''): Promise<number> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end(body);
  });
}

function run(script: string, env: Record<string, string>, until?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string; port?: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, script)], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    let checked = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      const port = until ? /127\.0\.0\.1:(\d+)/.exec(stdout)?.[1] : undefined;
      if (port && until?.test(stdout) && !checked) {
        checked = true;
        // Started: check it answers, then stop it the way Ctrl-C does.
        void fetch(`http://127.0.0.1:${port}/health`)
          .then((r) => r.text())
          .then((t) => {
            stdout += `\nhealth:${t}`;
            child.kill('SIGINT');
          });
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('playground server and API', { timeout: 60_000 }, () => {
  let dir: string;
  let p: Playground;
  let base: string;
  const realDb = () => join(dir, 'real', 'chibo.db');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chibo-playground-api-'));
    p = await Playground.start({ dir: join(dir, 'pg'), port: 0, env: { DATABASE_PATH: realDb(), BOT_TOKEN: '999:real-token-never-used' }, log: silent });
    base = p.url;
  });
  afterAll(async () => {
    await p?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only, like its emulators and the bot file server, and serves the page without outside resources', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const s = p.current;
    expect(s.tg.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.zalo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.config.HTTP_HOST).toBe('127.0.0.1');
    expect(s.config.TELEGRAM_API_ROOT).toBe(s.tg.url);
    expect(s.config.ZALO_API_ROOT).toBe(s.zalo.url);
    expect(s.config.PUBLIC_BASE_URL).toBe(base);
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('Sân thử Chi bộ 4 Tốt');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const asset of ['/playground.js', '/playground.css', '/favicon.svg']) expect((await fetch(`${base}${asset}`)).status).toBe(200);
    const words = (await (await fetch(`${base}/api/texts`)).json()) as { vi: { page: { title: string } }; en: { page: { title: string } } };
    expect(words.vi.page.title).toBe('Sân thử Chi bộ 4 Tốt');
    expect(words.en.page.title).toBe('Chi bộ 4 Tốt playground');
  });

  it('answers only this machine by its own address, and takes actions only as JSON from its own page', async () => {
    expect(await raw(p.port, '/api/state', { host: 'evil.example:80' })).toBe(403);
    expect(await raw(p.port, '/api/state', { host: `localhost:${p.port}` })).toBe(200);
    const json = { host: `127.0.0.1:${p.port}`, 'content-type': 'application/json' };
    expect(await raw(p.port, '/api/send', { ...json, origin: 'https://evil.example' }, 'POST', '{"person":"hung","text":"/start"}')).toBe(403);
    expect(await raw(p.port, '/api/send', { host: `127.0.0.1:${p.port}`, 'content-type': 'text/plain' }, 'POST', '{"person":"hung","text":"/start"}')).toBe(415);
    expect(await raw(p.port, '/api/send', json, 'POST', 'not json')).toBe(400);
    expect(await raw(p.port, '/api/nothing', json)).toBe(404);
  });

  it('seeds the sample cell through the services: every kind of member, the collector, dues, the group, one on Zalo', async () => {
    const s = p.current;
    const { repos } = s.app;
    const members = repos.members.list(s.cellId);
    expect(members).toHaveLength(CAST.length);
    const byName = new Map(members.map((m) => [m.fullName, m]));
    expect(byName.get('Nguyễn Văn Hùng')?.role).toBe('secretary');
    expect(byName.get('Trần Thị Mai')?.role).toBe('deputy');
    expect(byName.get('Lê Văn Nam')).toMatchObject({ role: 'committee', collectsDues: true });
    expect(members.filter((m) => m.membership === 'probationary').map((m) => m.fullName).sort()).toEqual(['Bùi Thị Thu', 'Đặng Văn Tùng']);
    expect(repos.members.exemptionsInCell(s.cellId).map((e) => e.kind).sort()).toEqual(['permanent', 'temporary']);
    expect(repos.cells.get(s.cellId)?.telegramGroupId).toBe(String(SAMPLE_GROUP.id));
    // Joined the way people join: an invite, a request, an approval, all in the audit log.
    expect(s.app.store.sqlite.prepare("SELECT count(*) FROM audit_log WHERE action = 'join.approve'").pluck().get()).toBe(CAST.length - 1);
    const long = repos.people.account('zalo', '5a1c0e7b9d2f4c6a8e01');
    expect(repos.people.accountsOf(long?.personId ?? 0).map((a) => a.channel)).toEqual(['zalo']);
    const dues = new DuesService(serviceDepsOf(s.app, s.config), s.app.core.services.access, s.app.core.services.settings);
    const hung = repos.people.account('telegram', '710001');
    const caller = { personId: hung?.personId ?? 0, channel: 'telegram' as const, externalId: '710001', isAdmin: false };
    expect(dues.mine(caller, s.cellId).basis).toMatchObject({ category: 'insured', incomeBase: 12_000_000 });
    const st = await state(base);
    expect(st.people.map((x) => x.key)).toEqual(CAST.map((m) => m.key));
    expect(st.people.find((x) => x.key === 'binh')?.exemption).toBe('permanent');
    expect(st.people.find((x) => x.key === 'long')?.channel).toBe('zalo');
    expect(st.restored).toBe(false);
    // The real bot's database is never touched.
    expect(existsSync(realDb())).toBe(false);
  });

  it('sends what a person types and presses what a person presses, through the emulators, on both channels and in the group', async () => {
    expect((await post(base, '/api/send', { person: 'hung', text: '/start' })).status).toBe(200);
    const menu = await until('the menu', () => state(base), (st) => chat(st, 'p:hung').some((m) => m.from === 'bot' && m.buttons.length > 0));
    const card = chat(menu, 'p:hung').find((m) => m.from === 'bot' && m.buttons.length > 0);
    const data = card?.buttons.flat().find((b) => b.data)?.data ?? '';
    const pressed = await post(base, '/api/press', { person: 'hung', chat: 'private', messageId: Number(card?.id), data });
    expect(pressed.status).toBe(200);
    expect(pressed.body).toHaveProperty('toast');
    expect((await post(base, '/api/press', { person: 'hung', chat: 'private', messageId: Number(card?.id), data: 'forged:1' })).body).toEqual({ error: 'noButton' });
    expect((await post(base, '/api/press', { person: 'long', chat: 'private', messageId: 1, data })).body).toEqual({ error: 'noButton' });
    expect((await post(base, '/api/send', { person: 'long', chat: 'group', text: 'chào' })).body).toEqual({ error: 'noGroup' });
    expect((await post(base, '/api/send', { person: 'hung', text: '   ' })).body).toEqual({ error: 'empty' });
    expect((await post(base, '/api/send', { person: 'long', text: 'x'.repeat(2001) })).body).toEqual({ error: 'tooLong' });
    expect((await post(base, '/api/send', { person: 'nobody', text: 'x' })).status).toBe(400);

    await post(base, '/api/send', { person: 'long', text: 'trogiup' });
    const zalo = await until('the Zalo help', () => state(base), (st) => texts(st, 'p:long').some((t) => t.includes('Trợ giúp')));
    expect(chat(zalo, 'p:long').every((m) => m.buttons.length === 0)).toBe(true);

    await post(base, '/api/send', { person: 'hung', chat: 'group', text: '/lienket' });
    const group = await until('the group answer', () => state(base), (st) => texts(st, 'group').some((t) => t.includes('Đã liên kết nhóm này')));
    expect(chat(group, 'group').find((m) => m.text === '/lienket')?.from).toBe('hung');
  });

  it('serves the bot signed file links on its own address; Zalo gets photos from there', async () => {
    const s = p.current;
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const link = s.app.core.links.fileLink(s.cellId, 'ma-moi.png', 'image/png', png);
    expect(link?.startsWith(`${base}/files/`)).toBe(true);
    const res = await fetch(link ?? '');
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(png);
    expect((await fetch(`${base}/files/000000000000000000000000.1.${'0'.repeat(64)}.png`)).status).toBe(404);
    const long = s.app.repos.people.account('zalo', '5a1c0e7b9d2f4c6a8e01');
    s.app.core.services.notifier.toPerson(long?.personId ?? 0, s.cellId, 'playground-test:photo', () => ({ text: 'Mã QR', attachments: [{ kind: 'photo', filename: 'qr.png', mime: 'image/png', data: png, caption: 'QR' }] }));
    const st = await until('the photo on Zalo', () => state(base), (x) => chat(x, 'p:long').some((m) => m.photo?.startsWith(`${base}/files/`) === true));
    const photo = chat(st, 'p:long').find((m) => m.photo)?.photo ?? '';
    expect((await fetch(photo)).status).toBe(200);
  });

  it('moves the clock by the scheduled jobs, refuses a second move meanwhile, and every part of the bot follows it', async () => {
    const before = await state(base);
    expect((await post(base, '/api/clock', { move: 'meeting' })).body).toEqual({ error: 'noMeeting' });
    expect((await post(base, '/api/clock', { move: 'week' })).status).toBe(400);
    const moved = await post(base, '/api/clock', { move: 'hour' });
    expect(moved.status).toBe(202);
    expect(Number(moved.body.to) - Number(moved.body.from)).toBe(HOUR);
    expect([(await post(base, '/api/clock', { move: 'day' })).body.error, (await post(base, '/api/send', { person: 'hung', text: '/start' })).body.error]).toEqual(['busy', 'busy']);
    const after = await until('the move to end', () => state(base), (st) => st.moving === null);
    expect(after.now - before.now).toBeGreaterThanOrEqual(HOUR);
    expect(after.now - before.now).toBeLessThan(HOUR + 60_000);

    // One clock: what a person does now is stamped with the simulated time, in the database and on the message.
    // Mai's chat may already hold reminders the jobs sent on the way, stamped with the hour they ran at
    // (the dues reminder, the residence season…, depending on the date): look at her own message and its answer.
    await post(base, '/api/send', { person: 'mai', text: '/trogiup' });
    const answered = (m: ViewMessage[]) => {
      const typed = m.findIndex((x) => x.from === 'mai' && x.text === '/trogiup');
      return typed >= 0 ? { typed: m[typed] as ViewMessage, answer: m.slice(typed + 1).find((x) => x.from === 'bot') } : null;
    };
    const st = await until('the help', () => state(base), (x) => answered(chat(x, 'p:mai'))?.answer !== undefined);
    const s = p.current;
    const seen = s.app.repos.people.account('telegram', '710002')?.lastSeenAt ?? 0;
    expect(Math.abs(seen - s.clock.now())).toBeLessThan(60_000);
    expect(Math.abs(seen - Date.now())).toBeGreaterThan(HOUR - 60_000);
    const { typed, answer } = answered(chat(st, 'p:mai')) ?? {};
    expect(Math.abs((typed?.at ?? 0) - s.clock.now())).toBeLessThan(60_000);
    expect(Math.abs((answer?.at ?? 0) - s.clock.now())).toBeLessThan(60_000);
  });

  it('moves to the same day next month, sending a month of reminders on the way and writing its own backups', async () => {
    const s = p.current;
    const from = s.clock.now();
    const nudgesBefore = texts(await state(base), 'p:lan').length;
    const moved = await post(base, '/api/clock', { move: 'month' });
    expect(Number(moved.body.to)).toBe(sameTimeNextMonth(Number(moved.body.from), 'Asia/Ho_Chi_Minh'));
    const st = await until('a month to pass', () => state(base), (x) => x.moving === null, 50_000);
    expect(st.now - from).toBeGreaterThanOrEqual(28 * 24 * HOUR);
    // The dues reminder of the new month (on the cell's day) reached every paying member, Zalo too.
    expect(texts(st, 'p:lan').length).toBeGreaterThan(nudgesBefore);
    expect(texts(st, 'p:long').some((t) => t.includes('Đảng phí tháng'))).toBe(true);
    expect(readdirSync(join(dir, 'pg', 'backups')).filter((f) => f.endsWith('.db')).length).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'real'))).toBe(false);
  }, 60_000);

  it('goes on where it was after a restart, and starts over from the sample cell on reset', async () => {
    const movedTo = p.current.clock.now();
    const cellId = p.current.cellId;
    const lastId = p.current.tg.lastMessageId;
    expect(lastId).toBeGreaterThan(1);
    await p.close();
    p = await Playground.start({ dir: join(dir, 'pg'), port: 0, env: {}, log: silent });
    base = p.url;
    const again = await state(base);
    expect(again.restored).toBe(true);
    expect(again.now).toBeGreaterThanOrEqual(movedTo);
    expect(p.current.cellId).toBe(cellId);
    expect(chat(again, 'p:hung')).toEqual([]);
    // Message ids go on above the old ones: the bot's stored references (a group card) never hit a new message.
    await post(base, '/api/send', { person: 'hung', chat: 'group', text: '/lienket' });
    const linked = await until('the group answer', () => state(base), (st) => chat(st, 'group').some((m) => m.from === 'bot'));
    expect(Math.min(...chat(linked, 'group').map((m) => Number(m.id)))).toBeGreaterThan(lastId);

    const reset = await post(base, '/api/reset', {});
    expect(reset.body).toEqual({ generation: 2 });
    const fresh = await state(base);
    expect(fresh.generation).toBe(2);
    expect(fresh.restored).toBe(false);
    expect(Math.abs(fresh.now - workingHour(Date.now(), 'Asia/Ho_Chi_Minh'))).toBeLessThan(60_000);
    expect(p.current.app.repos.members.list(p.current.cellId)).toHaveLength(CAST.length);
    expect(p.current.app.store.sqlite.prepare("SELECT count(*) FROM audit_log WHERE action = 'cell.linkGroup'").pluck().get()).toBe(1);
  });
});

describe('npm start and npm run playground', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chibo-playground-start-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const base = () => ({ DOTENV_CONFIG_PATH: join(dir, 'none.env'), PLAYGROUND_DIR: join(dir, 'pg'), DATABASE_PATH: join(dir, 'real.db') });

  it('in production a missing token still stops start-up with the one clear line', async () => {
    const r = await run('src/main.ts', { ...base(), NODE_ENV: 'production' });
    expect(r.code).toBe(78);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['Cấu hình chưa đúng / configuration error: BOT_TOKEN is required: set BOT_TOKEN (Telegram) or ZALO_BOT_TOKEN (Zalo)']);
    expect(existsSync(join(dir, 'pg'))).toBe(false);
  });

  it('npm run playground starts it on purpose even with tokens set, never using them or the real database', async () => {
    const r = await run('src/playground/main.ts', { ...base(), PLAYGROUND_PORT: '0', BOT_TOKEN: '123456:real-token', NODE_ENV: 'production' }, /\n/);
    expect(r.code).toBe(0);
    const [line, health] = r.stdout.split('\n').filter(Boolean);
    expect(line).toMatch(/^Sân thử Chi bộ 4 Tốt: http:\/\/127\.0\.0\.1:\d+ /);
    expect(health).toBe('health:ok');
    expect(existsSync(join(dir, 'pg', 'playground.db'))).toBe(true);
    expect(existsSync(join(dir, 'real.db'))).toBe(false);
  });

  it('names a wrong or taken port in one line', async () => {
    await expect(startPlayground({ ...base(), PLAYGROUND_PORT: 'abc' }, silent)).rejects.toThrow(/^PLAYGROUND_PORT is invalid: expected a port number/);
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(startPlayground({ ...base(), PLAYGROUND_PORT: String(port) }, silent)).rejects.toThrow(`port ${port} is in use: set PLAYGROUND_PORT to a free port`);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});
