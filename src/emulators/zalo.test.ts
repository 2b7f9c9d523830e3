import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeZalo } from './zalo.js';
import type { FakeZalo } from './zalo.js';

interface ApiReply {
  ok: boolean;
  result?: Record<string, unknown>;
  error_code?: number;
  description?: string;
}

let fake: FakeZalo;

async function api(method: string, body: Record<string, unknown> = {}, token = fake.token): Promise<ApiReply> {
  const res = await fetch(`${fake.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200); // the platform reports errors in the body, never in the status
  return (await res.json()) as ApiReply;
}

describe('fake Zalo Bot API', () => {
  beforeEach(async () => {
    fake = await startFakeZalo();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('answers getMe and rejects a wrong token with 401 over HTTP 200', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const me = await api('getMe');
    expect(me).toEqual({
      ok: true,
      result: { id: '1234567890', account_name: 'bot.1234567890', account_type: 'BASIC', can_join_groups: false, display_name: 'Chi bộ 4 Tốt' },
    });
    expect(await api('getMe', {}, '1234567890:WRONG')).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
  });

  it('rejects unknown methods and reply_markup with 404', async () => {
    for (const method of ['editMessageText', 'deleteMessage', 'sendDocument', 'answerCallbackQuery', 'setMyCommands']) {
      expect((await api(method, { chat_id: 'x' })).error_code).toBe(404);
    }
    const user = fake.newUser('An');
    fake.sendText(user, 'hi');
    const withKeyboard = await api('sendMessage', { chat_id: user.id, text: 'pick', reply_markup: { inline_keyboard: [] } });
    expect(withKeyboard).toMatchObject({ ok: false, error_code: 404 });
    expect(fake.sent()).toHaveLength(0);
  });

  it('delivers a queued update once, as an object, and times out idle polls with 408', async () => {
    const user = fake.newUser('Bình');
    expect(user.id).toMatch(/^[0-9a-f]{20}$/);
    const update = fake.sendText(user, 'xin chào');
    const first = await api('getUpdates', { timeout: '1' });
    expect(first).toEqual({ ok: true, result: update });
    expect(first.result).toMatchObject({
      event_name: 'message.text.received',
      message: { from: { id: user.id, display_name: 'Bình', is_bot: false }, chat: { id: user.id, chat_type: 'PRIVATE' }, text: 'xin chào' },
    });
    expect(await api('getUpdates', { timeout: 0 })).toEqual({ ok: false, error_code: 408, description: 'Request timeout' });
  });

  it('hands each update to exactly one of two outstanding long polls', async () => {
    const polls = [api('getUpdates', { timeout: 5 }), api('getUpdates', { timeout: 5 })];
    await fake.waitFor(() => false, 100).catch(() => undefined); // let both polls arrive
    const user = fake.newUser('Chi');
    fake.sendText(user, 'one');
    fake.sendImage(user, 'https://img.example/a.jpg', 'cap');
    const results = await Promise.all(polls);
    const events = results.map((r) => r.result?.event_name).sort();
    expect(events).toEqual(['message.image.received', 'message.text.received']);
    expect(await api('getUpdates', { timeout: 0 })).toMatchObject({ error_code: 408 });
  });

  it('keeps an update for the next poll when the polling client hung up', async () => {
    const aborter = new AbortController();
    const abandoned = fetch(`${fake.url}/bot${fake.token}/getUpdates`, {
      method: 'POST',
      body: JSON.stringify({ timeout: 5 }),
      signal: aborter.signal,
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    aborter.abort();
    await abandoned;
    await new Promise((r) => setTimeout(r, 100));
    const update = fake.sendSticker(fake.newUser('Dũng'));
    expect(await api('getUpdates', { timeout: 1 })).toEqual({ ok: true, result: update });
  });

  it('enforces sendMessage rules: interaction first, 1-2000 chars', async () => {
    const user = fake.newUser('Giang');
    expect(await api('sendMessage', { chat_id: user.id, text: 'hello' })).toEqual({
      ok: false,
      error_code: 403,
      description: 'User has not interacted with the bot',
    });
    fake.sendText(user, '/start');
    const ok = await api('sendMessage', { chat_id: user.id, text: 'hello' });
    expect(ok.ok).toBe(true);
    expect(ok.result?.message_id).toMatch(/^[0-9a-f]{20}$/);
    expect(typeof ok.result?.date).toBe('number');
    expect(await api('sendMessage', { chat_id: user.id, text: '' })).toMatchObject({ ok: false, error_code: 400 });
    expect(await api('sendMessage', { chat_id: user.id, text: 'x'.repeat(2001) })).toMatchObject({ ok: false, error_code: 400 });
    expect((await api('sendMessage', { chat_id: user.id, text: 'x'.repeat(2000) })).ok).toBe(true);
    expect(fake.sent(user.id).map((c) => c.messageId)).toEqual([ok.result?.message_id, expect.any(String)]);
    expect(fake.calls.at(-1)).toMatchObject({ method: 'sendMessage', ok: true });
  });

  it('accepts only https photos, and stickers and chat actions', async () => {
    const user = fake.newUser('Hà');
    fake.sendText(user, 'hi');
    expect(await api('sendPhoto', { chat_id: user.id, photo: 'http://img.example/a.png' })).toMatchObject({ error_code: 400 });
    expect(await api('sendPhoto', { chat_id: user.id, photo: 'iVBORw0KGgo=' })).toMatchObject({ error_code: 400 });
    expect(await api('sendPhoto', { chat_id: user.id, photo: 'https://img.example/a.png', caption: 'c'.repeat(2001) })).toMatchObject({ error_code: 400 });
    expect((await api('sendPhoto', { chat_id: user.id, photo: 'https://img.example/a.png', caption: 'QR' })).ok).toBe(true);
    expect((await api('sendSticker', { chat_id: user.id, sticker: 'abc' })).ok).toBe(true);
    expect(await api('sendChatAction', { chat_id: user.id, action: 'typing' })).toEqual({ ok: true });
    expect(fake.textsTo(user.id)).toEqual(['QR']); // stickers are not message sends
    expect(fake.stats.sentCount).toBe(2);
  });

  it('rejects sends past the monthly quota with 429', async () => {
    await fake.close();
    fake = await startFakeZalo({ monthlyQuota: 2, token: '42:other', botName: 'Bot' });
    const user = fake.newUser('Khoa');
    fake.sendText(user, 'hi');
    expect((await api('sendMessage', { chat_id: user.id, text: 'a' })).ok).toBe(true);
    expect((await api('sendMessage', { chat_id: user.id, text: 'b' })).ok).toBe(true);
    expect(await api('sendMessage', { chat_id: user.id, text: 'c' })).toEqual({ ok: false, error_code: 429, description: 'Quota exceeded' });
    fake.setQuotaUsed(0);
    expect((await api('sendMessage', { chat_id: user.id, text: 'd' })).ok).toBe(true);
    fake.setQuotaUsed(2);
    expect((await api('sendPhoto', { chat_id: user.id, photo: 'https://x.example/p.png' })).error_code).toBe(429);
    expect(fake.stats).toEqual({ quotaRejected: 2, sentCount: 3 });
    expect(fake.textsTo(user.id)).toEqual(['a', 'b', 'd']);
  });

  it('fails the next call of a method on demand, once', async () => {
    fake.failNext('getMe', 500, 'Internal error');
    expect(await api('getMe')).toEqual({ ok: false, error_code: 500, description: 'Internal error' });
    expect((await api('getMe')).ok).toBe(true);
    expect(fake.calls.map((c) => [c.method, c.ok, c.errorCode])).toEqual([
      ['getMe', false, 500],
      ['getMe', true, undefined],
    ]);
  });

  it('waitForText resolves sends in order with a per-chat cursor', async () => {
    const a = fake.newUser('A');
    const b = fake.newUser('B');
    fake.sendText(a, 'hi');
    fake.sendText(b, 'hi');
    const step1 = fake.waitForText(a.id, 'step');
    const step2Later = fake.waitForText(b.id, /done/);
    await api('sendMessage', { chat_id: b.id, text: 'done already' });
    await api('sendMessage', { chat_id: a.id, text: 'step one' });
    await api('sendMessage', { chat_id: a.id, text: 'step two' });
    expect((await step1).params.text).toBe('step one');
    expect((await fake.waitForText(a.id, 'step')).params.text).toBe('step two');
    expect((await step2Later).params.text).toBe('done already');
    await expect(fake.waitForText(a.id, 'step', 50)).rejects.toThrow(/timed out.*step one/);
    expect(fake.textsTo(a.id)).toEqual(['step one', 'step two']);
  });

  it('manages webhooks and posts updates to the local target', async () => {
    expect(await api('setWebhook', { url: 'http://bot.example/hook', secret_token: 'longenough' })).toMatchObject({ error_code: 400 });
    expect(await api('setWebhook', { url: 'https://bot.example/hook', secret_token: 'short' })).toMatchObject({ error_code: 400 });
    const set = await api('setWebhook', { url: 'https://bot.example/zalo/hook', secret_token: 's3cret-token' });
    expect(set.result).toMatchObject({ url: 'https://bot.example/zalo/hook' });
    expect((await api('getWebhookInfo')).result).toMatchObject({ url: 'https://bot.example/zalo/hook' });
    expect((await api('getUpdates', { timeout: 0 })).ok).toBe(false);

    const received: { path: string; headers: IncomingHttpHeaders; body: unknown }[] = [];
    const bot = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) });
        res.writeHead(req.headers['x-bot-api-secret-token'] === 's3cret-token' ? 200 : 403).end();
      });
    });
    await new Promise<void>((r) => bot.listen(0, '127.0.0.1', r));
    fake.webhookTarget = `http://127.0.0.1:${(bot.address() as AddressInfo).port}`;
    try {
      const user = fake.newUser('Lan');
      const update = fake.sendText(user, 'via webhook');
      expect(await fake.postWebhook(update)).toBe(200);
      expect(await fake.postWebhook(update, { wrap: true, secret: 'wrong-secret' })).toBe(403);
      expect(received[0]).toMatchObject({ path: '/zalo/hook', body: update });
      expect(received[1]?.body).toEqual({ ok: true, result: update });
      expect((await api('sendMessage', { chat_id: user.id, text: 'reply' })).ok).toBe(true);
    } finally {
      await new Promise((r) => bot.close(r));
    }
    expect((await api('deleteWebhook')).result).toMatchObject({ url: '' });
    // the webhook-delivered update was not also left in the poll queue
    expect(await api('getUpdates', { timeout: 0 })).toMatchObject({ error_code: 408 });
  });

  it('ends outstanding long polls promptly on close', async () => {
    const poll = fetch(`${fake.url}/bot${fake.token}/getUpdates`, { method: 'POST', body: '{"timeout":30}' }).then(
      () => 'answered',
      () => 'closed',
    );
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await fake.close();
    expect(await poll).toBe('closed');
    expect(Date.now() - started).toBeLessThan(1000);
    fake = await startFakeZalo(); // afterEach closes again
  });
});

describe('what the playground reads and does', () => {
  afterEach(async () => {
    await fake.close();
  });

  it('knows a user by a fixed id who wrote before, without an update', async () => {
    fake = await startFakeZalo();
    const long = fake.newUser('Phan Văn Long', '5a1c0e7b9d2f4c6a8e01');
    expect(long).toEqual({ id: '5a1c0e7b9d2f4c6a8e01', display_name: 'Phan Văn Long' });
    expect((await api('sendMessage', { chat_id: long.id, text: 'x' })).error_code).toBe(403);
    fake.registerUser(long);
    expect((await api('sendMessage', { chat_id: long.id, text: 'Kính gửi đồng chí' })).ok).toBe(true);
    expect(await api('getUpdates', { timeout: 0 })).toMatchObject({ error_code: 408 });
  });

  it('keeps each private chat as the person sees it, stamped by its clock', async () => {
    let now = Date.UTC(2026, 10, 26, 7, 0);
    fake = await startFakeZalo({ clock: () => now });
    const lan = fake.newUser('Lan');
    const revision = fake.revision;
    fake.sendText(lan, '/trogiup');
    expect(fake.revision).toBeGreaterThan(revision);
    now += 60_000;
    await api('sendMessage', { chat_id: lan.id, text: '1. Tham dự\n2. Vắng' });
    fake.sendSticker(lan);
    const shown = fake.messages(lan.id);
    expect(shown.map((m) => [m.from, m.text ?? (m.sticker ? 'sticker' : '')])).toEqual([
      ['user', '/trogiup'],
      ['bot', '1. Tham dự\n2. Vắng'],
      ['user', 'sticker'],
    ]);
    expect(shown[0]?.date).toBe(Date.UTC(2026, 10, 26, 7, 0));
    expect(shown[1]?.date).toBe(Date.UTC(2026, 10, 26, 7, 1));
    expect(fake.messages('nobody')).toEqual([]);
  });

  it('takes photos from the named loopback origin besides https, and counts the quota by its clock month', async () => {
    let now = Date.UTC(2026, 10, 30, 12, 0);
    fake = await startFakeZalo({ clock: () => now, monthlyQuota: 1, photoOrigins: ['http://127.0.0.1:3000'] });
    const lan = fake.newUser('Lan');
    fake.registerUser(lan);
    expect((await api('sendPhoto', { chat_id: lan.id, photo: 'http://127.0.0.1:3000/files/abc.png' })).ok).toBe(true);
    expect(fake.messages(lan.id)[0]).toMatchObject({ from: 'bot', photo: 'http://127.0.0.1:3000/files/abc.png' });
    expect((await api('sendMessage', { chat_id: lan.id, text: 'over' })).error_code).toBe(429);
    now = Date.UTC(2026, 11, 1, 0, 1); // the simulated month turns
    expect((await api('sendPhoto', { chat_id: lan.id, photo: 'http://127.0.0.1:4000/files/abc.png' })).error_code).toBe(400);
    expect((await api('sendMessage', { chat_id: lan.id, text: 'new month' })).ok).toBe(true);
  });
});
