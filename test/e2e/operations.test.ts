import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { admin, createCell, freePort, linkZalo, numberOf, startBot, startWorld, type World } from './harness.js';


describe('webhook mode: secrets checked, both channels on one HTTP server', () => {
  let w: World;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    w = await startWorld({
      WEBHOOK_URL: 'https://bot.example.vn',
      WEBHOOK_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      WEBHOOK_SECRET: 'telegram-secret-123',
      ZALO_WEBHOOK_SECRET: 'zalo-secret-123',
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('registers both webhooks with their secrets', () => {
    const tgHook = w.tg.calls.find((c) => c.method === 'setWebhook');
    expect(tgHook?.params.url).toBe('https://bot.example.vn/telegram/webhook');
    expect(tgHook?.params.secret_token).toBe('telegram-secret-123');
    const zaloHook = w.zalo.calls.find((c) => c.method === 'setWebhook');
    expect(zaloHook?.params.secret_token).toBe('zalo-secret-123');
  });

  it('accepts a Telegram update with the right secret and refuses a wrong one', async () => {
    const update = { update_id: 9001, message: { message_id: 1, date: 1, chat: { id: admin.id, type: 'private' }, from: { ...admin, is_bot: false }, text: '/start' } };
    const bad = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' }, body: JSON.stringify(update) });
    expect(bad.status).toBe(401);
    // The fake learns of the admin's private chat only from an update it queued itself.
    w.tg.pushUpdate({ update_id: 1 });
    const ok = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'telegram-secret-123' }, body: JSON.stringify(update) });
    expect(ok.status).toBe(200);
  });

  it('accepts Zalo updates flat and wrapped, and refuses a wrong secret', async () => {
    w.zalo.webhookTarget = `http://127.0.0.1:${port}`;
    const u = w.zalo.newUser('Webhook');
    const flat = w.zalo.sendText(u, '/trogiup');
    expect(await w.zalo.postWebhook(flat, { secret: 'nope' })).toBe(401);
    expect(await w.zalo.postWebhook(flat, { secret: 'zalo-secret-123' })).toBe(200);
    await w.zalo.waitForText(u.id, 'Trợ giúp');
    const wrapped = w.zalo.sendText(u, '/chibo');
    expect(await w.zalo.postWebhook(wrapped, { secret: 'zalo-secret-123', wrap: true })).toBe(200);
    await w.zalo.waitForText(u.id, 'mã mời');
    // The same update delivered twice is handled once.
    expect(await w.zalo.postWebhook(wrapped, { secret: 'zalo-secret-123', wrap: true })).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(w.zalo.textsTo(u.id).filter((t) => t.includes('mã mời')).length).toBe(1);
  });
});

describe('start-up, shutdown and long answers', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('stops cleanly on SIGTERM and starts again with the same data', async () => {
    await createCell(w);
    const code = await w.bot.stop('SIGTERM');
    expect(code).toBe(0);
    w.bot = await startBot(w.env);
    w.tg.sendText(admin, '/chibo');
    await w.tg.waitForText(admin.id, 'Chi bộ Phòng Tổ chức');
  });

  it('refuses to start with a wrong setting, in one line without a stack trace', async () => {
    await expect(startBot({ ...w.env, DEFAULT_TIMEZONE: 'Mars/Olympus' })).rejects.toThrow(/exited with 78:\n.*DEFAULT_TIMEZONE is invalid[^\n]*$/);
    await expect(startBot({ DATABASE_PATH: w.dbPath })).rejects.toThrow(/BOT_TOKEN is required/);
  });

  it('splits a long Zalo answer under 2,000 characters at line breaks', async () => {
    // Seed a large cell straight into the database, then link the secretary on Zalo.
    const store = openStore(w.dbPath);
    const cell = store.sqlite.prepare('SELECT id FROM cells LIMIT 1').get() as { id: number };
    const now = Date.now();
    for (let i = 0; i < 20; i++) {
      const person = store.sqlite.prepare('INSERT INTO persons (created_at) VALUES (?)').run(now);
      store.sqlite
        .prepare("INSERT INTO members (cell_id, person_id, full_name, role, status, created_at, updated_at) VALUES (?, ?, ?, 'member', 'active', ?, ?)")
        .run(cell.id, person.lastInsertRowid, `Nguyễn Thị Phương Thảo Hoàng Ngọc Bích Số ${String.fromCharCode(65 + i)}`, now, now);
    }
    store.close();
    const zaloSecretary = await linkZalo(w);
    w.zalo.sendText(zaloSecretary, '/thanhvien');
    await w.zalo.waitForText(zaloSecretary.id, 'Trả lời bằng số');
    const texts = w.zalo.textsTo(zaloSecretary.id).slice(-3);
    const parts = texts.slice(texts.findIndex((t) => t.includes('đảng viên (')));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(2000);
      expect(p.startsWith(' ')).toBe(false);
    }
    // Each part ends at a line break: no line is cut in two.
    const joined = parts.join('\n');
    expect(joined).toContain('Nguyễn Thị Phương Thảo Hoàng Ngọc Bích Số A');
    expect(numberOf(parts[parts.length - 1] as string, 'Số A')).toMatch(/^\d+$/);
  });

  it('keeps members of both channels in one roll (database check)', () => {
    const db = new Database(w.dbPath, { readonly: true });
    const accounts = db.prepare('SELECT channel, person_id FROM accounts').all() as { channel: string; person_id: number }[];
    db.close();
    const secretaryPerson = accounts.find((a) => a.channel === 'telegram')?.person_id;
    expect(accounts.filter((a) => a.person_id === secretaryPerson).map((a) => a.channel).sort()).toEqual(['telegram', 'zalo']);
  });
});
