// Lives under test/ because it drives the emulator with the real Telegraf client, which only the Telegram adapter may import in src/.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The emulator is checked against the real client library the bot uses.
import { Telegraf, Telegram } from 'telegraf';
import { startFakeTelegram } from '../../src/emulators/telegram.js';
import type { FakeTelegram, FakeUser, SentCall } from '../../src/emulators/telegram.js';

interface ApiReply { ok: boolean; result?: unknown; error_code?: number; description?: string; parameters?: Record<string, unknown> }

let tg: FakeTelegram;
const alice: FakeUser = { id: 1001, first_name: 'Alice', username: 'alice' };
const bob: FakeUser = { id: 1002, first_name: 'Bob' };
const group = { id: -100500, type: 'supergroup' as const, title: 'Chi bộ' };

async function call(method: string, params: Record<string, unknown> = {}, token = tg.token): Promise<ApiReply & { status: number }> {
  const res = await fetch(`${tg.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: res.status, ...((await res.json()) as ApiReply) };
}
const result = <T = Record<string, unknown>>(r: ApiReply): T => r.result as T;

beforeEach(async () => {
  tg = await startFakeTelegram();
});
afterEach(async () => {
  await tg.close();
});

describe('routing', () => {
  it('answers getMe and rejects a wrong token or unknown method like Telegram', async () => {
    const me = await call('getMe');
    expect(me.ok).toBe(true);
    expect(result(me)).toMatchObject({ id: 123456, is_bot: true, username: 'chibo_test_bot', can_join_groups: true });
    expect(await call('getMe', {}, '1:wrong')).toMatchObject({ status: 401, ok: false, error_code: 401, description: 'Unauthorized' });
    expect(await call('sendPigeon')).toMatchObject({ status: 404, error_code: 404, description: 'Not Found' });
    expect(tg.calls.map((c) => [c.method, c.ok])).toEqual([['getMe', true], ['getMe', false], ['sendPigeon', false]]);
  });

  it('accepts GET query strings and urlencoded bodies, JSON-parsing reply_markup', async () => {
    tg.sendText(alice, 'hi');
    const get = await fetch(`${tg.url}/bot${tg.token}/getChat?chat_id=${alice.id}`);
    expect(((await get.json()) as ApiReply).result).toMatchObject({ id: alice.id, type: 'private', first_name: 'Alice' });
    const markup = JSON.stringify({ inline_keyboard: [[{ text: 'x', callback_data: 'y'.repeat(65) }]] });
    const res = await fetch(`${tg.url}/bot${tg.token}/sendMessage`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: String(alice.id), text: 'hello', reply_markup: markup }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ description: 'Bad Request: BUTTON_DATA_INVALID' });
  });
});

describe('getUpdates', () => {
  it('long-polls until a user writes, with a bot_command entity, and confirms by offset', async () => {
    const pending = call('getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 50));
    const update = tg.sendText(alice, '/start@chibo_test_bot hello') as { update_id: number };
    const first = result<Record<string, unknown>[]>(await pending);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      message: { text: '/start@chibo_test_bot hello', chat: { id: alice.id, type: 'private' }, from: { id: alice.id, is_bot: false }, entities: [{ type: 'bot_command', offset: 0, length: 21 }] },
    });
    expect(result<unknown[]>(await call('getUpdates', { offset: update.update_id }))).toHaveLength(1);
    expect(result<unknown[]>(await call('getUpdates', { offset: update.update_id + 1 }))).toHaveLength(0);
  });

  it('returns an empty list when the timeout expires', async () => {
    const started = Date.now();
    expect(result(await call('getUpdates', { timeout: 1 }))).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('answers an overlapped long poll with 409 Conflict', async () => {
    const older = call('getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 50));
    const newer = call('getUpdates', { timeout: 1 });
    expect(await older).toMatchObject({ status: 409, error_code: 409, description: expect.stringContaining('Conflict: terminated by other getUpdates request') });
    expect((await newer).ok).toBe(true);
  });

  it('honours allowed_updates and limit', async () => {
    await call('getUpdates', { allowed_updates: ['callback_query'] });
    tg.sendText(alice, 'dropped');
    expect(result(await call('getUpdates'))).toEqual([]);
    await call('getUpdates', { allowed_updates: [] });
    tg.sendText(alice, 'one');
    tg.sendText(alice, 'two');
    expect(result<unknown[]>(await call('getUpdates', { limit: 1 }))).toHaveLength(1);
  });

  it('close() ends a pending long poll promptly', async () => {
    const pending = fetch(`${tg.url}/bot${tg.token}/getUpdates?timeout=30`).then((r) => r.status, () => 'closed');
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await tg.close();
    expect(await pending).toBeDefined();
    expect(Date.now() - started).toBeLessThan(1000);
    tg = await startFakeTelegram(); // for afterEach
  });
});

describe('sending', () => {
  it('knows only chats it has seen, and refuses to start a conversation', async () => {
    expect(await call('sendMessage', { chat_id: 42, text: 'x' })).toMatchObject({ status: 400, description: 'Bad Request: chat not found' });
    tg.addBotToGroup(bob, group);
    expect(await call('sendMessage', { chat_id: bob.id, text: 'x' })).toMatchObject({ status: 403, description: "Forbidden: bot can't initiate conversation with a user" });
    expect((await call('sendMessage', { chat_id: group.id, text: 'hello group' })).ok).toBe(true);
  });

  it('returns Message objects with per-chat increasing ids', async () => {
    tg.sendText(alice, 'hi'); // message_id 1 in alice's chat
    const a = result(await call('sendMessage', { chat_id: alice.id, text: 'one', reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] } }));
    const b = result(await call('sendMessage', { chat_id: alice.id, text: 'two', reply_markup: { remove_keyboard: true } }));
    expect(a).toMatchObject({ message_id: 2, from: { id: tg.botId, is_bot: true }, chat: { id: alice.id }, text: 'one', reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] } });
    expect(b.message_id).toBe(3);
    expect(b.reply_markup).toBeUndefined();
    expect(typeof a.date).toBe('number');
    expect(tg.sent(alice.id).map((c) => c.message_id)).toEqual([2, 3]);
  });

  it('validates text length and HTML entities', async () => {
    tg.sendText(alice, 'hi');
    const send = (text: string, parse_mode?: string): ReturnType<typeof call> => call('sendMessage', { chat_id: alice.id, text, parse_mode });
    expect((await send('')).description).toBe('Bad Request: message text is empty');
    expect((await send('<b> </b>', 'HTML')).description).toBe('Bad Request: message text is empty');
    expect((await send('x'.repeat(4097))).description).toBe('Bad Request: message is too long');
    const long = await send(`<b>${'x'.repeat(4000)}</b><i>${'y'.repeat(96)}</i>`, 'HTML');
    expect(long.ok).toBe(true);
    expect(result(long).entities).toEqual([{ type: 'bold', offset: 0, length: 4000 }, { type: 'italic', offset: 4000, length: 96 }]);
    await new Promise((r) => setTimeout(r, 1100)); // stay under the per-chat flood limit
    const link = await send('Tom &amp; <a href="https://example.org/?a=1&amp;b=2">Jerry</a> &lt;3', 'HTML');
    expect(result(link)).toMatchObject({ text: 'Tom & Jerry <3', entities: [{ type: 'text_link', offset: 6, length: 5, url: 'https://example.org/?a=1&b=2' }] });
    for (const bad of ['<b>open', 'a </b>', '<b><i>x</b></i>', '1 < 2', 'Tom & Jerry', '<div>x</div>']) {
      const r = await send(bad, 'HTML');
      expect(r.status, bad).toBe(400);
      expect(r.description, bad).toMatch(/^Bad Request: can't parse entities: /);
    }
  });

  it('validates MarkdownV2 escaping', async () => {
    tg.sendText(alice, 'hi');
    expect((await call('sendMessage', { chat_id: alice.id, text: 'Done.', parse_mode: 'MarkdownV2' })).description).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    const ok = await call('sendMessage', { chat_id: alice.id, text: '*Done*\\. [link](https://x.org)', parse_mode: 'MarkdownV2' });
    expect(result(ok)).toMatchObject({ text: 'Done. link', entities: [{ type: 'bold', offset: 0, length: 4 }, { type: 'text_link', offset: 6, length: 4 }] });
  });

  it('validates inline keyboards', async () => {
    tg.sendText(alice, 'hi');
    const send = (button: Record<string, unknown>): ReturnType<typeof call> => call('sendMessage', { chat_id: alice.id, text: 'x', reply_markup: { inline_keyboard: [[button]] } });
    expect((await send({ text: 'a', callback_data: 'đ'.repeat(33) })).description).toBe('Bad Request: BUTTON_DATA_INVALID');
    expect((await send({ text: 'a', callback_data: '' })).description).toBe('Bad Request: BUTTON_DATA_INVALID');
    expect((await send({ text: 'a' })).status).toBe(400);
    expect((await send({ text: 'a', url: 'http://localhost:3000' })).status).toBe(400);
    const many = Array.from({ length: 101 }, (_, i) => [{ text: String(i), callback_data: String(i) }]);
    expect((await call('sendMessage', { chat_id: alice.id, text: 'x', reply_markup: { inline_keyboard: many } })).status).toBe(400);
    expect((await send({ text: 'a', callback_data: 'đ'.repeat(32) })).ok).toBe(true);
  });

  it('fails sends to a user who blocked the bot, until they write again', async () => {
    tg.sendText(alice, 'hi');
    tg.blockUser(alice.id);
    expect(await call('sendMessage', { chat_id: alice.id, text: 'x' })).toMatchObject({ status: 403, description: 'Forbidden: bot was blocked by the user' });
    tg.sendText(alice, '/start');
    expect((await call('sendMessage', { chat_id: alice.id, text: 'x' })).ok).toBe(true);
  });

  it('accepts multipart uploads from Telegraf (sendPhoto, sendDocument)', async () => {
    tg.sendText(alice, 'hi');
    const telegram = new Telegram(tg.token, { apiRoot: tg.url });
    const photo = await telegram.sendPhoto(alice.id, { source: Buffer.from('png-bytes'), filename: 'qr.png' }, {
      caption: '<b>QR</b>',
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Done', callback_data: 'done' }]] },
    });
    expect(photo.photo).toHaveLength(2);
    expect(photo.caption).toBe('QR');
    const call0 = tg.calls.at(-1) as SentCall;
    expect(call0.params).toMatchObject({ chat_id: String(alice.id), photo: { filename: 'qr.png', size: 9, contentType: 'image/png' }, parse_mode: 'HTML' });
    expect(JSON.parse(String(call0.params.reply_markup))).toEqual({ inline_keyboard: [[{ text: 'Done', callback_data: 'done' }]] });
    const doc = await telegram.sendDocument(alice.id, { source: Buffer.from('a,b\n1,2\n'), filename: 'report.csv' });
    expect(doc.document).toMatchObject({ file_name: 'report.csv', mime_type: 'text/csv', file_size: 8 });
    await expect(telegram.sendPhoto(alice.id, { source: Buffer.from('x') }, { caption: 'c'.repeat(1025) })).rejects.toMatchObject({
      response: { error_code: 400, description: 'Bad Request: message caption is too long' },
    });
  });
});

describe('editing and callbacks', () => {
  it('edits messages and reports unknown or unmodified ones', async () => {
    tg.sendText(alice, 'hi');
    const keyboard = { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] };
    const sent = result(await call('sendMessage', { chat_id: alice.id, text: 'v1', reply_markup: keyboard }));
    const edit = (params: Record<string, unknown>): ReturnType<typeof call> => call('editMessageText', { chat_id: alice.id, message_id: sent.message_id, ...params });
    expect((await edit({ text: 'v1', reply_markup: keyboard })).description).toMatch(/^Bad Request: message is not modified: /);
    expect(result(await edit({ text: 'v2', reply_markup: keyboard }))).toMatchObject({ text: 'v2', edit_date: expect.any(Number) });
    expect(result(await edit({ text: 'v2' })).reply_markup).toBeUndefined(); // omitting the markup removes the keyboard
    expect((await call('editMessageText', { chat_id: alice.id, message_id: 999, text: 'x' })).description).toBe('Bad Request: message to edit not found');
    expect((await call('editMessageText', { chat_id: alice.id, message_id: 1, text: 'x' })).description).toBe("Bad Request: message can't be edited");
    expect((await call('editMessageReplyMarkup', { chat_id: alice.id, message_id: sent.message_id, reply_markup: keyboard })).ok).toBe(true);
    expect((await call('deleteMessage', { chat_id: alice.id, message_id: sent.message_id })).ok).toBe(true);
    expect((await call('deleteMessage', { chat_id: alice.id, message_id: sent.message_id })).description).toBe('Bad Request: message to delete not found');
  });

  it('creates callback queries for sent messages and answers each once', async () => {
    tg.sendText(alice, 'hi');
    await call('sendMessage', { chat_id: alice.id, text: 'Pick', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } });
    const message = tg.sent(alice.id)[0] as SentCall;
    const update = tg.clickButton(alice, message, 'forged') as { callback_query: { id: string; data: string; message: { message_id: number; text: string } } };
    expect(update.callback_query).toMatchObject({ data: 'forged', message: { message_id: message.message_id, text: 'Pick' }, from: { id: alice.id } });
    const answer = (text?: string): ReturnType<typeof call> => call('answerCallbackQuery', { callback_query_id: update.callback_query.id, text });
    expect((await answer('x'.repeat(201))).status).toBe(400);
    expect((await answer('ok')).ok).toBe(true);
    expect((await answer()).description).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');
    expect((await call('answerCallbackQuery', { callback_query_id: 'nope' })).status).toBe(400);
  });
});

describe('limits and injected failures', () => {
  it('enforces per-chat flood control with retry_after and counts 429s', async () => {
    tg.sendText(alice, 'hi');
    const replies = [];
    // A burst of 8, then about one a second.
    for (let i = 0; i < 9; i++) replies.push(await call('sendMessage', { chat_id: alice.id, text: `m${i}` }));
    expect(replies.slice(0, 8).every((r) => r.ok)).toBe(true);
    expect(replies[8]).toMatchObject({ status: 429, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    expect(tg.stats.tooMany).toBe(1);
  });

  it('limits a group to 20 messages per minute', async () => {
    tg.addBotToGroup(alice, group);
    for (let i = 0; i < 20; i++) expect((await call('sendMessage', { chat_id: group.id, text: `m${i}` })).ok).toBe(true);
    const r = await call('sendMessage', { chat_id: group.id, text: 'over' });
    expect(r.error_code).toBe(429);
    expect(Number(r.parameters?.retry_after)).toBeGreaterThan(50);
  });

  it('does not limit when enforceLimits is false', async () => {
    const free = await startFakeTelegram({ enforceLimits: false, token: '777:FREE' });
    try {
      free.sendText(alice, 'hi');
      const telegram = new Telegram(free.token, { apiRoot: free.url });
      await Promise.all(Array.from({ length: 40 }, (_, i) => telegram.sendMessage(alice.id, `m${i}`)));
      expect(free.sent(alice.id)).toHaveLength(40);
      expect(free.stats.tooMany).toBe(0);
    } finally {
      await free.close();
    }
  });

  it('failNext injects one error with its parameters', async () => {
    tg.sendText(alice, 'hi');
    tg.failNext('sendMessage', 429, 'Too Many Requests: retry after 3', { retry_after: 3 });
    expect(await call('sendMessage', { chat_id: alice.id, text: 'x' })).toMatchObject({ status: 429, parameters: { retry_after: 3 } });
    expect((await call('sendMessage', { chat_id: alice.id, text: 'x' })).ok).toBe(true);
    tg.failNext('getMe', 500, 'Internal Server Error');
    expect((await call('getMe')).status).toBe(500);
  });
});

describe('bot settings and chats', () => {
  it('validates and stores commands per scope and language', async () => {
    expect((await call('setMyCommands', { commands: [{ command: 'Start', description: 'x' }] })).status).toBe(400);
    expect((await call('setMyCommands', { commands: [{ command: 'start', description: '' }] })).status).toBe(400);
    expect((await call('setMyCommands', { commands: Array.from({ length: 101 }, (_, i) => ({ command: `c${i}`, description: 'd' })) })).status).toBe(400);
    const commands = [{ command: 'start', description: 'Bắt đầu' }];
    const scope = { type: 'all_private_chats' };
    expect((await call('setMyCommands', { commands, scope, language_code: 'vi' })).ok).toBe(true);
    expect(result(await call('getMyCommands', { scope, language_code: 'vi' }))).toEqual(commands);
    expect(result(await call('getMyCommands'))).toEqual([]);
    await call('deleteMyCommands', { scope, language_code: 'vi' });
    expect(result(await call('getMyCommands', { scope, language_code: 'vi' }))).toEqual([]);
  });

  it('reports chat members and leaves groups', async () => {
    tg.addBotToGroup(alice, group);
    tg.setChatMemberStatus(group.id, alice.id, 'administrator');
    expect(result(await call('getChatMember', { chat_id: group.id, user_id: alice.id })).status).toBe('administrator');
    tg.sendText(bob, 'hello all', group);
    expect(result(await call('getChatMember', { chat_id: group.id, user_id: bob.id })).status).toBe('member');
    expect((await call('sendChatAction', { chat_id: group.id, action: 'typing' })).ok).toBe(true);
    expect((await call('leaveChat', { chat_id: group.id })).ok).toBe(true);
    expect(await call('sendMessage', { chat_id: group.id, text: 'x' })).toMatchObject({ status: 403, description: 'Forbidden: bot is not a member of the supergroup chat' });
    expect(() => tg.sendText(bob, 'anyone?', group)).toThrow(/addBotToGroup/);
  });
});

describe('waiting for the bot', () => {
  it('waitForText walks a per-chat cursor so dialogue steps are awaited in order', async () => {
    tg.sendText(alice, 'hi');
    tg.sendText(bob, 'hi');
    const later = tg.waitForText(alice.id, /step 2/);
    await call('sendMessage', { chat_id: alice.id, text: '<b>step</b> 1', parse_mode: 'HTML' });
    await call('sendMessage', { chat_id: bob.id, text: 'step 2 for bob' });
    await call('sendMessage', { chat_id: alice.id, text: 'step 2' });
    expect((await later).params.text).toBe('step 2');
    await expect(tg.waitForText(alice.id, 'step 1', 200)).rejects.toThrow(/timed out/); // cursor is past it
    const any = await tg.waitFor((c) => c.method === 'sendMessage');
    expect(any.params.text).toBe('<b>step</b> 1');
    expect((await tg.waitFor((c) => c.method === 'sendMessage')).params.text).toBe('step 2 for bob');
  });

  it('drives a real Telegraf bot over long polling', async () => {
    const bot = new Telegraf(tg.token, { telegram: { apiRoot: tg.url } });
    bot.start((ctx) => ctx.reply(`Xin chào ${ctx.from.first_name}`, { reply_markup: { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] } }));
    bot.action('ok', (ctx) => ctx.answerCbQuery('done'));
    const running = bot.launch();
    tg.sendText(alice, '/start');
    const greeting = await tg.waitForText(alice.id, 'Xin chào Alice');
    tg.clickButton(alice, greeting, 'ok');
    const answer = await tg.waitFor((c) => c.method === 'answerCallbackQuery');
    expect(answer.ok).toBe(true);
    bot.stop('test');
    await running;
    expect(tg.calls.filter((c) => c.method === 'getUpdates' && !c.ok)).toEqual([]);
  });
});

describe('what the playground reads and does', () => {
  it('knows users who started the bot and groups it is in without sending any update', async () => {
    tg.registerUser(bob);
    tg.addGroup(group);
    expect((await call('sendMessage', { chat_id: bob.id, text: 'Xin chào' })).ok).toBe(true);
    expect((await call('sendMessage', { chat_id: group.id, text: 'Chào nhóm' })).ok).toBe(true);
    expect((await call('getUpdates', { timeout: 0 })).result).toEqual([]);
    expect(() => tg.addGroup({ id: bob.id, type: 'private' })).toThrow(/group/);
  });

  it('shows each chat as it is now: both sides, formatting, edits applied, deletions gone, stamped by its clock', async () => {
    let now = Date.UTC(2026, 10, 26, 7, 0);
    const clocked = await startFakeTelegram({ token: '555:CLOCK', clock: () => now });
    try {
      const send = async (method: string, params: Record<string, unknown>) => {
        const res = await fetch(`${clocked.url}/bot555:CLOCK/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
        return ((await res.json()) as ApiReply).result as Record<string, unknown>;
      };
      clocked.sendText(alice, '/start');
      const first = await send('sendMessage', { chat_id: alice.id, text: '<b>Chào</b> đồng chí', parse_mode: 'HTML', reply_markup: { inline_keyboard: [[{ text: 'Tham dự', callback_data: 'mtg:r:1:a' }]] } });
      const second = await send('sendMessage', { chat_id: alice.id, text: 'tạm' });
      now += 3_600_000;
      await send('editMessageText', { chat_id: alice.id, message_id: first.message_id, text: 'Đã ghi nhận' });
      await send('deleteMessage', { chat_id: alice.id, message_id: second.message_id });
      const shown = clocked.messages(alice.id);
      expect(shown.map((m) => m.text)).toEqual(['/start', 'Đã ghi nhận']);
      expect(shown[0]).toMatchObject({ from: { id: alice.id }, date: Date.UTC(2026, 10, 26, 7, 0) / 1000 });
      expect(shown[1]).toMatchObject({ from: { id: 555 }, edit_date: Date.UTC(2026, 10, 26, 8, 0) / 1000 });
      expect(shown[1]?.reply_markup).toBeUndefined();
      // A copy: the page can never change what the emulator holds.
      (shown[1] as Record<string, unknown>).text = 'changed';
      expect(clocked.messages(alice.id)[1]?.text).toBe('Đã ghi nhận');
      const bold = await send('sendMessage', { chat_id: alice.id, text: '<b>Chào</b> đồng chí', parse_mode: 'HTML' });
      expect(clocked.messages(alice.id).at(-1)).toMatchObject({ message_id: bold.message_id, text: 'Chào đồng chí', entities: [{ type: 'bold', offset: 0, length: 4 }] });
      expect(clocked.messages(424242)).toEqual([]);
    } finally {
      await clocked.close();
    }
  });

  it('starts message and update ids where it is told, so an emulator started again never reuses one', async () => {
    const again = await startFakeTelegram({ token: '556:AGAIN', firstMessageId: 5000, firstUpdateId: 777 });
    try {
      expect(again.lastMessageId).toBe(4999);
      expect(again.lastUpdateId).toBe(776);
      again.registerUser(alice);
      expect(again.sendText(alice, 'hi')).toMatchObject({ update_id: 777 });
      expect(again.lastUpdateId).toBe(777);
      const res = await fetch(`${again.url}/bot556:AGAIN/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: alice.id, text: 'x' }) });
      expect(((await res.json()) as { result: { message_id: number } }).result.message_id).toBe(5001);
      expect(again.lastMessageId).toBe(5001);
    } finally {
      await again.close();
    }
  });

  it('presses only a button that is on the message, and reports the answer the bot gave', async () => {
    tg.sendText(alice, 'hi');
    const sent = result<{ message_id: number }>(await call('sendMessage', { chat_id: alice.id, text: 'Chọn', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }, { text: 'Web', url: 'https://example.vn' }]] } }));
    expect(() => tg.pressButton(alice, alice.id, sent.message_id, 'forged')).toThrow(/no such button/);
    expect(() => tg.pressButton(alice, alice.id, 999, 'a')).toThrow(/no such button/);
    const revision = tg.revision;
    const update = tg.pressButton(alice, alice.id, sent.message_id, 'a') as { callback_query: { id: string; data: string } };
    expect(tg.revision).toBeGreaterThan(revision);
    expect(update.callback_query.data).toBe('a');
    expect(tg.callbackAnswer(update.callback_query.id)).toBeUndefined();
    await call('answerCallbackQuery', { callback_query_id: update.callback_query.id, text: 'Đã ghi nhận' });
    expect(tg.callbackAnswer(update.callback_query.id)).toEqual({ text: 'Đã ghi nhận' });
  });

  it('keeps uploaded files: by file id, through getFile and its download address', async () => {
    tg.sendText(alice, 'hi');
    const telegram = new Telegram(tg.token, { apiRoot: tg.url });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const photo = await telegram.sendPhoto(alice.id, { source: png, filename: 'qr.png' });
    const big = photo.photo.at(-1)?.file_id ?? '';
    const small = photo.photo[0]?.file_id ?? '';
    expect(tg.file(big)).toEqual({ data: png, filename: 'qr.png', mime: 'image/png' });
    expect(tg.file(small)?.data).toEqual(png);
    const doc = await telegram.sendDocument(alice.id, { source: Buffer.from('PK-bytes'), filename: 'so-thu.xlsx' });
    const info = result<{ file_path: string; file_size: number }>(await call('getFile', { file_id: doc.document.file_id }));
    expect(info).toMatchObject({ file_path: `documents/${doc.document.file_id}.xlsx`, file_size: 8 });
    const download = await fetch(`${tg.url}/file/bot${tg.token}/${info.file_path}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('PK-bytes');
    expect((await fetch(`${tg.url}/file/bot1:wrong/${info.file_path}`)).status).toBe(404);
    expect((await call('getFile', { file_id: 'nope' })).description).toBe('Bad Request: wrong file_id or the file is temporarily unavailable');
    // The bytes are not part of the recorded call.
    expect(JSON.stringify(tg.calls.find((c) => c.method === 'sendDocument')?.params)).not.toContain('PK-bytes');
  });
});
