/**
 * An emulator of the Zalo Bot Platform HTTP API (bot-api.zaloplatforms.com) for the e2e tests, the
 * benchmarks and the local playground; it listens on 127.0.0.1 only and never reaches the network.
 * Point the real bot at it with ZALO_API_ROOT=fake.url. It keeps the platform's sharp edges on purpose
 * so the bot is tested against them: errors come back with HTTP 200 (clients must read `ok`),
 * getUpdates yields ONE update object per call with no offset, there are no keyboards, a user must
 * write first before the bot may message them, and a monthly message quota applies.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeZaloOptions {
  token?: string; // default '1234567890:ZALOTESTSECRET' (<bot_id>:<secret>)
  botName?: string; // getMe display_name, default 'Chi bộ 4 Tốt'
  monthlyQuota?: number; // message sends per calendar month, default 3000
  /** Time stamped on messages and used for the quota month, in ms; the playground passes its simulated clock. */
  clock?: () => number;
  /**
   * Origins accepted for sendPhoto besides https ones: the playground's own file server on loopback,
   * standing in for the bot's public https address. Empty by default, so tests keep the platform's rule.
   */
  photoOrigins?: string[];
}
/** One message of a private chat as the person sees it: theirs or the bot's, oldest first. */
export interface ZaloMessage { id: string; from: 'user' | 'bot'; date: number; text?: string; photo?: string; caption?: string; sticker?: string }
/** One API request as the fake answered it; `at` is its arrival time (ms). */
export interface ZaloCall { method: string; params: Record<string, unknown>; at: number; ok: boolean; errorCode?: number; messageId?: string }
export interface ZaloUser { id: string; display_name: string }
export interface FakeZalo {
  url: string; // 'http://127.0.0.1:PORT', used as ZALO_API_ROOT
  token: string;
  calls: ZaloCall[];
  sent(chatId?: string): ZaloCall[]; // successful sendMessage/sendPhoto calls
  newUser(displayName: string, id?: string): ZaloUser; // a random 20-hex id unless given
  /** A user who has already written to the bot, so it may message them; no update is sent. */
  registerUser(user: ZaloUser): void;
  /** The private chat as the person sees it (what they sent and what the bot sent), oldest first. */
  messages(chatId: string): ZaloMessage[];
  /** Grows by one with every API call and every update: a cheap way to notice that something happened. */
  readonly revision: number;
  sendText(user: ZaloUser, text: string): Record<string, unknown>;
  sendImage(user: ZaloUser, photoUrl: string, caption?: string): Record<string, unknown>;
  sendSticker(user: ZaloUser): Record<string, unknown>;
  pushUpdate(update: Record<string, unknown>): void; // to one waiting poll, else queued
  postWebhook(update: Record<string, unknown>, opts?: { wrap?: boolean; secret?: string }): Promise<number>;
  webhookTarget: string | null; // bot's local http url that postWebhook delivers to
  waitFor(pred: (c: ZaloCall) => boolean, timeoutMs?: number): Promise<ZaloCall>;
  waitForText(chatId: string, includes: string | RegExp, timeoutMs?: number): Promise<ZaloCall>; // per-chat cursor
  textsTo(chatId: string): string[];
  setQuotaUsed(n: number): void;
  failNext(method: string, errorCode: number, description: string): void;
  stats: { quotaRejected: number; sentCount: number };
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
type Handler = (params: Json, res: ServerResponse) => unknown;
type Outcome = { ok: true; result: unknown } | { ok: false; error: ZaloError };

const DEFAULT_TOKEN = '1234567890:ZALOTESTSECRET';
// Generous: on a loaded two-core machine the bot can take several seconds to answer; a real failure still fails.
const DEFAULT_WAIT_MS = 20_000;
const DEFAULT_POLL_SECONDS = 30; // the platform's documented getUpdates default
const MAX_TEXT = 2000;
const NO_RESULT = Symbol('no result'); // sendChatAction answers a bare {ok:true}
const MESSAGE_SENDS = new Set(['sendMessage', 'sendPhoto']);

class ZaloError extends Error {
  constructor(readonly code: number, description: string) {
    super(description);
  }
}

interface Poll { res: ServerResponse; take(update: Json): void; timer: NodeJS.Timeout }
interface Watcher { pred: (c: ZaloCall) => boolean; found(index: number): void; fail(err: Error): void }

const hex20 = (): string => randomBytes(10).toString('hex');
const monthKey = (now: number): string => new Date(now).toISOString().slice(0, 7);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const hungUp = (res: ServerResponse): boolean => res.destroyed || res.socket?.destroyed !== false;

function removeItem<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

const isHttpsUrl = (v: unknown): v is string => typeof v === 'string' && URL.canParse(v) && new URL(v).protocol === 'https:';

/** Text of a message send: the text of sendMessage, the caption of sendPhoto. */
function callText(c: ZaloCall): string {
  const { text, caption } = c.params;
  return typeof text === 'string' ? text : typeof caption === 'string' ? caption : '';
}

const isMessageSend = (c: ZaloCall, chatId?: string): boolean =>
  c.ok && MESSAGE_SENDS.has(c.method) && (chatId === undefined || c.params.chat_id === chatId);

const matches = (text: string, pattern: string | RegExp): boolean =>
  typeof pattern === 'string' ? text.includes(pattern) : text.search(pattern) >= 0; // search() ignores lastIndex/g

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Query-string params (the platform also accepts GET) overlaid with the JSON body. */
function parseParams(url: string, raw: string): Json {
  const params: Json = Object.fromEntries(new URL(url, 'http://fake').searchParams);
  if (!raw.trim()) return params;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new ZaloError(400, 'Bad Request: body must be JSON'); // multipart uploads land here too
  }
  if (!isObject(body)) throw new ZaloError(400, 'Bad Request: body must be a JSON object');
  return { ...params, ...body };
}

function chatIdOf(p: Json): string {
  if (!nonEmptyString(p.chat_id)) throw new ZaloError(400, 'Bad Request: chat_id is required');
  return p.chat_id;
}

// Lengths are counted in UTF-16 units: never laxer than a code-point count, so a bot that passes here passes there.
function checkText(p: Json): void {
  const { text } = p;
  if (typeof text !== 'string' || text.length < 1 || text.length > MAX_TEXT) {
    const got = typeof text === 'string' ? `${text.length} characters` : typeof text;
    throw new ZaloError(400, `Bad Request: text must be 1-${MAX_TEXT} characters (got ${got})`);
  }
}

function checkPhoto(p: Json, origins: readonly string[]): void {
  const allowed = isHttpsUrl(p.photo) || (typeof p.photo === 'string' && URL.canParse(p.photo) && origins.includes(new URL(p.photo).origin));
  if (!allowed) throw new ZaloError(400, 'Bad Request: photo must be an https URL');
  const { caption } = p;
  if (caption !== undefined && (typeof caption !== 'string' || caption.length > MAX_TEXT)) {
    throw new ZaloError(400, `Bad Request: caption must be at most ${MAX_TEXT} characters`);
  }
}

function checkSticker(p: Json): void {
  if (!nonEmptyString(p.sticker)) throw new ZaloError(400, 'Bad Request: sticker is required');
}

/** A bare origin as webhookTarget keeps the registered path; a URL with a path is used as-is. */
function webhookDestination(registered: string, target: string): string {
  const t = new URL(target);
  if (t.pathname !== '/' || t.search) return t.href;
  const r = new URL(registered);
  return new URL(r.pathname + r.search, t.origin).href;
}

class ZaloFakeServer implements FakeZalo {
  url = '';
  readonly token: string;
  readonly calls: ZaloCall[] = [];
  readonly stats = { quotaRejected: 0, sentCount: 0 };
  webhookTarget: string | null = null;

  private readonly server: Server;
  private readonly botName: string;
  private readonly monthlyQuota: number;
  private readonly queue: Json[] = []; // updates nobody has polled yet
  private readonly polls: Poll[] = []; // outstanding long polls, oldest first
  private readonly watchers = new Set<Watcher>();
  private readonly interacted = new Set<string>(); // only users who wrote first may be messaged
  private readonly failures = new Map<string, ZaloError[]>();
  private readonly cursors = new Map<string, number>(); // waitForText: per-chat index into calls
  private webhook: { url: string; secret: string; updatedAt: number } | null = null;
  private quotaUsed = 0;
  private quotaMonth: string;
  private readonly clock: () => number;
  private readonly photoOrigins: string[];
  private readonly transcripts = new Map<string, ZaloMessage[]>();
  revision = 0;

  private readonly methods = new Map<string, Handler>([
    ['getMe', () => this.getMe()],
    ['getUpdates', (p, res) => this.getUpdates(p, res)],
    ['setWebhook', (p) => this.setWebhook(p)],
    ['deleteWebhook', () => this.deleteWebhook()],
    ['getWebhookInfo', () => ({ url: this.webhook?.url ?? '', updated_at: this.webhook?.updatedAt ?? 0 })],
    ['sendMessage', (p) => this.deliver(p, checkText)],
    ['sendPhoto', (p) => this.deliver(p, (q) => checkPhoto(q, this.photoOrigins))],
    ['sendSticker', (p) => this.deliver(p, checkSticker)],
    ['sendChatAction', (p) => this.chatAction(p)],
  ]);

  constructor(opts: FakeZaloOptions) {
    this.token = opts.token ?? DEFAULT_TOKEN;
    this.botName = opts.botName ?? 'Chi bộ 4 Tốt';
    this.monthlyQuota = opts.monthlyQuota ?? 3000;
    this.clock = opts.clock ?? (() => Date.now());
    this.photoOrigins = (opts.photoOrigins ?? []).map((o) => new URL(o).origin);
    this.quotaMonth = monthKey(this.clock());
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  // ---- HTTP plumbing -------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const raw = await readBody(req);
    const route = /^\/bot([^/]+)\/([^/?]+)/.exec(req.url ?? '');
    const method = route?.[2] ?? '';
    let params: Json = {};
    let outcome: Outcome;
    try {
      if (!route) throw new ZaloError(404, 'Not Found');
      if (decodeURIComponent(route[1] ?? '') !== this.token) throw new ZaloError(401, 'Unauthorized');
      params = parseParams(req.url ?? '', raw);
      outcome = { ok: true, result: await this.dispatch(method, params, res) };
    } catch (err) {
      outcome = { ok: false, error: err instanceof ZaloError ? err : new ZaloError(500, String(err)) };
    }
    this.answer(res, outcome);
    this.record(method, params, at, outcome);
  }

  private async dispatch(method: string, params: Json, res: ServerResponse): Promise<unknown> {
    const handler = this.methods.get(method);
    if (!handler) throw new ZaloError(404, `Not Found: method ${method} not found`);
    const forced = this.failures.get(method)?.shift();
    if (forced) throw forced;
    // Zalo has no buttons or keyboards; a bot that sends them has a bug worth surfacing.
    if ('reply_markup' in params) throw new ZaloError(404, 'Not Found: reply_markup is not supported');
    return handler(params, res);
  }

  /** Errors travel with HTTP 200 too, exactly like the real platform. */
  private answer(res: ServerResponse, outcome: Outcome): void {
    if (res.writableEnded || res.destroyed) return;
    const body = outcome.ok
      ? { ok: true, ...(outcome.result === NO_RESULT ? {} : { result: outcome.result }) }
      : { ok: false, error_code: outcome.error.code, description: outcome.error.message };
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  private record(method: string, params: Json, at: number, outcome: Outcome): void {
    this.revision++;
    const call: ZaloCall = { method, params, at, ok: outcome.ok };
    if (!outcome.ok) call.errorCode = outcome.error.code;
    else if (isObject(outcome.result) && typeof outcome.result.message_id === 'string') {
      call.messageId = outcome.result.message_id;
    }
    const index = this.calls.push(call) - 1;
    for (const w of this.watchers) if (w.pred(call)) w.found(index);
  }

  // ---- API methods ---------------------------------------------------------------------------

  private getMe(): Json {
    const id = this.token.split(':')[0] ?? '';
    return { id, account_name: `bot.${id}`, account_type: 'BASIC', can_join_groups: false, display_name: this.botName };
  }

  private getUpdates(p: Json, res: ServerResponse): unknown {
    if (this.webhook) throw new ZaloError(409, 'Conflict: webhook is active, call deleteWebhook before getUpdates');
    const seconds = Number(p.timeout ?? DEFAULT_POLL_SECONDS);
    if (!Number.isFinite(seconds) || seconds < 0) throw new ZaloError(400, 'Bad Request: timeout must be seconds');
    const queued = this.queue.shift();
    if (queued) return queued;
    return new Promise((resolve, reject) => {
      const poll: Poll = {
        res,
        take: (update) => {
          clearTimeout(poll.timer);
          resolve(update);
        },
        timer: setTimeout(() => {
          removeItem(this.polls, poll);
          reject(new ZaloError(408, 'Request timeout'));
        }, seconds * 1000),
      };
      this.polls.push(poll);
      // A client that hung up must not be handed an update: it would be lost.
      res.on('close', () => {
        clearTimeout(poll.timer);
        removeItem(this.polls, poll);
      });
    });
  }

  private setWebhook(p: Json): Json {
    if (!isHttpsUrl(p.url)) throw new ZaloError(400, 'Bad Request: url must be an https URL');
    const secret = p.secret_token;
    const secretOk = typeof secret === 'string' && secret.length >= 8 && secret.length <= 256;
    if (!secretOk) throw new ZaloError(400, 'Bad Request: secret_token must be 8-256 characters');
    this.webhook = { url: p.url, secret, updatedAt: Date.now() };
    return { url: this.webhook.url, updated_at: this.webhook.updatedAt };
  }

  private deleteWebhook(): Json {
    this.webhook = null;
    return { url: '', updated_at: Date.now() };
  }

  /** Common path of sendMessage/sendPhoto/sendSticker: validate, check reachability, then spend quota. */
  private deliver(p: Json, validate: (p: Json) => void): Json {
    const chatId = chatIdOf(p);
    validate(p);
    this.requireInteracted(chatId);
    this.spendQuota();
    this.stats.sentCount++;
    const sent = { message_id: hex20(), date: this.clock() };
    const shown: ZaloMessage = { id: sent.message_id, from: 'bot', date: sent.date };
    for (const key of ['text', 'photo', 'caption', 'sticker'] as const) if (typeof p[key] === 'string') shown[key] = p[key];
    this.transcript(chatId).push(shown);
    return sent;
  }

  private chatAction(p: Json): typeof NO_RESULT {
    const chatId = chatIdOf(p);
    if (p.action !== 'typing') throw new ZaloError(400, 'Bad Request: action must be typing');
    this.requireInteracted(chatId);
    return NO_RESULT;
  }

  private requireInteracted(chatId: string): void {
    if (!this.interacted.has(chatId)) throw new ZaloError(403, 'User has not interacted with the bot');
  }

  private spendQuota(): void {
    this.rollMonth();
    if (this.quotaUsed >= this.monthlyQuota) {
      this.stats.quotaRejected++;
      throw new ZaloError(429, 'Quota exceeded');
    }
    this.quotaUsed++;
  }

  private rollMonth(): void {
    const month = monthKey(this.clock());
    if (month === this.quotaMonth) return;
    this.quotaMonth = month;
    this.quotaUsed = 0;
  }

  // ---- test controls -------------------------------------------------------------------------

  newUser(displayName: string, id: string = hex20()): ZaloUser {
    return { id, display_name: displayName };
  }

  registerUser(user: ZaloUser): void {
    this.revision++;
    this.interacted.add(user.id);
  }

  messages(chatId: string): ZaloMessage[] {
    return (this.transcripts.get(chatId) ?? []).map((m) => ({ ...m }));
  }

  private transcript(chatId: string): ZaloMessage[] {
    let list = this.transcripts.get(chatId);
    if (!list) {
      list = [];
      this.transcripts.set(chatId, list);
    }
    return list;
  }

  sendText(user: ZaloUser, text: string): Json {
    return this.incoming(user, 'text', { text });
  }

  sendImage(user: ZaloUser, photoUrl: string, caption?: string): Json {
    return this.incoming(user, 'image', caption === undefined ? { photo_url: photoUrl } : { photo_url: photoUrl, caption });
  }

  sendSticker(user: ZaloUser): Json {
    return this.incoming(user, 'sticker', { sticker: hex20() });
  }

  private incoming(user: ZaloUser, kind: string, fields: Json): Json {
    const from = { id: user.id, display_name: user.display_name, is_bot: false };
    const chat = { id: user.id, chat_type: 'PRIVATE' }; // private chats share the user's id
    const message = { message_id: hex20(), date: this.clock(), from, chat, ...fields };
    const shown: ZaloMessage = { id: message.message_id, from: 'user', date: message.date };
    if (typeof fields.text === 'string') shown.text = fields.text;
    if (typeof fields.photo_url === 'string') shown.photo = fields.photo_url;
    if (typeof fields.caption === 'string') shown.caption = fields.caption;
    if (typeof fields.sticker === 'string') shown.sticker = fields.sticker;
    this.transcript(user.id).push(shown);
    const update: Json = { event_name: `message.${kind}.received`, message };
    this.pushUpdate(update);
    return update;
  }

  /** Hands the update to the oldest live poll, else queues it; its sender counts as having interacted. */
  pushUpdate(update: Json): void {
    this.revision++;
    this.markInteracted(update);
    for (let poll = this.polls.shift(); poll; poll = this.polls.shift()) {
      if (hungUp(poll.res)) continue;
      poll.take(update);
      return;
    }
    this.queue.push(update);
  }

  private markInteracted(update: Json): void {
    const message = update.message;
    const from = isObject(message) && isObject(message.from) ? message.from.id : undefined;
    if (typeof from === 'string') this.interacted.add(from);
  }

  async postWebhook(update: Json, opts: { wrap?: boolean; secret?: string } = {}): Promise<number> {
    if (!this.webhook) throw new Error('postWebhook: no webhook registered via setWebhook');
    if (!this.webhookTarget) throw new Error("postWebhook: set webhookTarget to the bot's local http url");
    // With a webhook the platform pushes instead of queueing: don't leave a copy for a later getUpdates.
    removeItem(this.queue, update);
    this.markInteracted(update);
    const res = await fetch(webhookDestination(this.webhook.url, this.webhookTarget), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': opts.secret ?? this.webhook.secret },
      body: JSON.stringify(opts.wrap ? { ok: true, result: update } : update),
    });
    await res.arrayBuffer(); // drain so the connection is released
    return res.status;
  }

  sent(chatId?: string): ZaloCall[] {
    return this.calls.filter((c) => isMessageSend(c, chatId));
  }

  textsTo(chatId: string): string[] {
    return this.sent(chatId).map(callText);
  }

  async waitFor(pred: (c: ZaloCall) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<ZaloCall> {
    const index = await this.awaitCall(0, pred, timeoutMs, () => `waitFor timed out after ${timeoutMs}ms`);
    return this.calls[index] as ZaloCall;
  }

  async waitForText(chatId: string, includes: string | RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<ZaloCall> {
    const pred = (c: ZaloCall): boolean => isMessageSend(c, chatId) && matches(callText(c), includes);
    const describe = (): string =>
      `waitForText(${chatId}, ${String(includes)}) timed out after ${timeoutMs}ms; texts so far: ` +
      JSON.stringify(this.textsTo(chatId));
    const index = await this.awaitCall(this.cursors.get(chatId) ?? 0, pred, timeoutMs, describe);
    this.cursors.set(chatId, index + 1);
    return this.calls[index] as ZaloCall;
  }

  /** Index of the first call at or after `from` matching `pred`, waiting for new calls if needed. */
  private awaitCall(from: number, pred: (c: ZaloCall) => boolean, timeoutMs: number, describe: () => string): Promise<number> {
    const existing = this.calls.findIndex((c, i) => i >= from && pred(c));
    if (existing >= 0) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.watchers.delete(watcher);
      };
      const watcher: Watcher = {
        pred,
        found: (index) => { settle(); resolve(index); },
        fail: (err) => { settle(); reject(err); },
      };
      const timer = setTimeout(() => watcher.fail(new Error(describe())), timeoutMs);
      this.watchers.add(watcher);
    });
  }

  setQuotaUsed(n: number): void {
    this.rollMonth();
    this.quotaUsed = n;
  }

  failNext(method: string, errorCode: number, description: string): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), new ZaloError(errorCode, description)]);
  }

  async close(): Promise<void> {
    for (const poll of this.polls.splice(0)) clearTimeout(poll.timer);
    for (const w of [...this.watchers]) w.fail(new Error('fake Zalo closed'));
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections(); // ends outstanding long polls now rather than at their timeout
    await closed;
  }
}

export async function startFakeZalo(opts: FakeZaloOptions = {}): Promise<FakeZalo> {
  const fake = new ZaloFakeServer(opts);
  await fake.listen();
  return fake;
}
