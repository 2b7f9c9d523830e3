/**
 * A Telegram Bot API emulator: the end-to-end tests, the benchmarks and the local playground all
 * run the real bot against it.
 *
 * It keeps just enough state (chats, messages, uploaded files, callback queries, the update queue)
 * to answer the way api.telegram.org does, with the real error texts and status codes, so that the
 * bot's error handling (403 blocked, 429 flood control, 400 entity parsing…) is exercised for real.
 * It listens on 127.0.0.1 only and never reaches the network.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A private chat takes a short burst, then about one message a second (Telegram's guidance
 * is "avoid more than one message per second in a chat"; answers to a person's own taps
 * come in small bursts without trouble). Groups: 20 a minute; overall: 30 a second.
 */
const PRIVATE_BURST = 8;

export interface FakeTelegramOptions {
  token?: string;
  botUsername?: string;
  enforceLimits?: boolean;
  /** Time stamped on messages (`date`, `edit_date`), in ms; the playground passes its simulated clock. Flood limits always run on real time. */
  clock?: () => number;
  /**
   * The first message id of every chat (default 1). Telegram never reuses an id; an emulator that
   * starts again over an old database (the playground) starts above the ids it gave before.
   */
  firstMessageId?: number;
  /** The first update_id (default 100000); likewise above the ones given before, which the bot remembers as handled. */
  firstUpdateId?: number;
}

/** A file the bot uploaded (sendPhoto, sendDocument), kept so it can be shown or downloaded. */
export interface StoredFile { data: Buffer; filename: string; mime: string }

export interface SentCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
  ok: boolean;
  message_id?: number;
  /** Snapshot of the `result` the bot received (successful calls). */
  result?: unknown;
  /** The error body the bot received (failed calls). */
  error?: { error_code: number; description: string; parameters?: Record<string, unknown> };
}

export interface FakeUser { id: number; first_name: string; last_name?: string; username?: string; language_code?: string }
export interface FakeChat { id: number; type: 'private' | 'group' | 'supergroup'; title?: string }

export interface FakeTelegram {
  url: string;
  token: string;
  botId: number;
  calls: SentCall[];
  stats: { tooMany: number };
  sent(chatId?: number): SentCall[];
  sendText(user: FakeUser, text: string, chat?: FakeChat): object;
  sendDocument(user: FakeUser, file: StoredFile, caption?: string): object;
  clickButton(user: FakeUser, message: SentCall, callbackData: string, chat?: FakeChat): object;
  addBotToGroup(user: FakeUser, chat: FakeChat): object;
  pushUpdate(update: Record<string, unknown>): void;
  waitFor(pred: (c: SentCall) => boolean, timeoutMs?: number): Promise<SentCall>;
  waitForText(chatId: number, includes: string | RegExp, timeoutMs?: number): Promise<SentCall>;
  /** `notify` also enqueues the my_chat_member ("kicked") update the real API sends. */
  blockUser(userId: number, opts?: { notify?: boolean }): void;
  failNext(method: string, errorCode: number, description: string, parameters?: Record<string, unknown>): void;
  /** Status getChatMember reports for this user in this chat (default 'member'). */
  setChatMemberStatus(chatId: number, userId: number, status: string): void;
  /** A user who has already started the bot, so it may write to them; no update is sent. */
  registerUser(user: FakeUser): void;
  /** A group the bot is already a member of; no update is sent. */
  addGroup(chat: FakeChat): void;
  /** The chat's messages as Telegram holds them now (edits applied, deletions gone), oldest first. */
  messages(chatId: number): Record<string, unknown>[];
  /** Presses a callback button that is on a message of the chat; throws when there is no such button. */
  pressButton(user: FakeUser, chatId: number, messageId: number, callbackData: string): object;
  /** What the bot answered a callback query with (`undefined` while unanswered). */
  callbackAnswer(queryId: string): { text: string | null } | undefined;
  /** An uploaded photo or document by any of its file ids (getFile serves the same bytes). */
  file(fileId: string): StoredFile | undefined;
  /** Grows by one with every API call and every update: a cheap way to notice that something happened. */
  readonly revision: number;
  /** The highest message id given in any chat so far. */
  readonly lastMessageId: number;
  /** The highest update_id given so far. */
  readonly lastUpdateId: number;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
interface TgChat extends Json { id: number; type: string }
interface Parsed { text: string; entities: Json[] }
type Outcome = { result: unknown } | ApiError;
type Handler = (p: Json, res: ServerResponse) => unknown;

class ApiError extends Error {
  constructor(readonly code: number, readonly description: string, readonly parameters?: Json) {
    super(description);
  }
}
const bad = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);
const forbidden = (what: string): ApiError => new ApiError(403, `Forbidden: ${what}`);
const parseError = (what: string): ApiError => bad(`can't parse entities: ${what}`);
const notModified = (): ApiError => bad('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');

const SEND_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'editMessageText']);
const DEFAULT_EXCLUDED_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const IN_CHAT = new Set(['member', 'administrator', 'creator', 'restricted']);
const CHAT_ACTIONS = new Set(['typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note']);
const BUTTON_KINDS = ['callback_data', 'url', 'login_url', 'web_app', 'switch_inline_query', 'switch_inline_query_current_chat', 'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay'];
const MIME: Record<string, string> = { pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', csv: 'text/csv', txt: 'text/plain', json: 'application/json', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const flag = (p: Json, key: string): boolean => p[key] === true || p[key] === 'true';
const asChat = (v: unknown): TgChat | undefined => (isObj(v) && typeof v.id === 'number' && typeof v.type === 'string' ? (v as TgChat) : undefined);
const asUser = (v: unknown): FakeUser | undefined => (isObj(v) && typeof v.id === 'number' && typeof v.first_name === 'string' && v.is_bot !== true ? (v as unknown as FakeUser) : undefined);
const tgUser = (u: FakeUser): Json => ({ ...u, is_bot: false });
const chatOf = (c: SentCall): number => Number(c.params.chat_id);

// ---- parameters: urlencoded and multipart values arrive as strings, JSON bodies as typed values
function num(p: Json, key: string): number | undefined {
  const v = p[key];
  if (typeof v === 'number') return v;
  return typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
}
function str(p: Json, key: string): string | undefined {
  const v = p[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}
function json(p: Json, key: string): unknown {
  const v = p[key];
  if (typeof v !== 'string' || !/^\s*[[{]/.test(v)) return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw bad(`can't parse ${key} JSON object`);
  }
}

async function readParams(req: IncomingMessage): Promise<Json> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const params: Json = Object.fromEntries(url.searchParams);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  if (body.length === 0) return params;
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw bad("can't parse JSON object");
    }
    if (!isObj(parsed)) throw bad("can't parse JSON object");
    return Object.assign(params, parsed);
  }
  if (type.includes('multipart/form-data')) {
    const fields = parseMultipart(body, type);
    delete fields.method; // Telegraf repeats the method name as a form field
    return Object.assign(params, fields);
  }
  return Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
}

function parseMultipart(body: Buffer, contentType: string): Json {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw bad('multipart boundary is not specified');
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // A leading CRLF lets the first boundary line match the same delimiter as the others.
  const data = Buffer.concat([Buffer.from('\r\n'), body]);
  const params: Json = {};
  let pos = data.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (data.subarray(start, start + 2).toString() === '--') break; // closing boundary
    const end = data.indexOf(delimiter, start + 2);
    if (end === -1) throw bad('multipart body is truncated');
    addPart(params, data.subarray(start + 2, end));
    pos = end;
  }
  return params;
}

function addPart(params: Json, part: Buffer): void {
  const split = part.indexOf('\r\n\r\n');
  if (split === -1) throw bad('multipart part has no headers');
  const head = part.subarray(0, split).toString('utf8');
  const content = part.subarray(split + 4);
  const name = /(?:^|[;\s])name="([^"]*)"/i.exec(head)?.[1];
  const filename = /filename="([^"]*)"/i.exec(head)?.[1];
  if (name === undefined) return;
  const declared = /^content-type:\s*(.+)$/im.exec(head)?.[1]?.trim();
  const ext = filename?.split('.').pop()?.toLowerCase() ?? '';
  if (filename === undefined) {
    params[name] = content.toString('utf8');
    return;
  }
  const file: Json = { filename, size: content.length, contentType: declared ?? MIME[ext] ?? 'application/octet-stream' };
  // The bytes travel beside the description, unseen by JSON and by the recorded call's snapshot.
  Object.defineProperty(file, 'data', { value: Buffer.from(content), enumerable: false });
  params[name] = file;
}

// ---- formatted text, validated the way Telegram's entity parser does
const HTML_TAGS: Record<string, string> = { b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline', s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', code: 'code', pre: 'pre', a: 'text_link', span: 'spoiler', 'tg-spoiler': 'spoiler', blockquote: 'blockquote', 'tg-emoji': 'custom_emoji' };
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const byteOffset = (src: string, i: number): string => `at byte offset ${Buffer.byteLength(src.slice(0, i))}`;

function decodeEntity(name: string): string | undefined {
  if (!name.startsWith('#')) return NAMED_ENTITIES[name.toLowerCase()];
  const code = /^#x/i.test(name) ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function parseAttrs(s: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of s.matchAll(/([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi)) {
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    attrs[(m[1] ?? '').toLowerCase()] = value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, n: string) => decodeEntity(n) ?? all);
  }
  return attrs;
}

function parseHtml(src: string): Parsed {
  let text = '';
  const entities: Json[] = [];
  const open: { tag: string; offset: number; extra: Json }[] = [];
  const openTag = (raw: string, i: number): void => {
    const m = /^([a-z][a-z0-9-]*)(.*?)\/?$/is.exec(raw);
    const tag = m?.[1]?.toLowerCase() ?? '';
    const attrs = parseAttrs(m?.[2] ?? '');
    if (!HTML_TAGS[tag] || (tag === 'span' && attrs.class !== 'tg-spoiler')) throw parseError(`Unsupported start tag "${tag}" ${byteOffset(src, i)}`);
    const extra = tag === 'a' ? { url: attrs.href } : tag === 'tg-emoji' ? { custom_emoji_id: attrs['emoji-id'] } : {};
    open.push({ tag, offset: text.length, extra });
  };
  const closeTag = (tag: string, i: number): void => {
    const top = open.pop();
    if (!top) throw parseError(`Unexpected end tag ${byteOffset(src, i)}`);
    if (top.tag !== tag) throw parseError(`Unmatched end tag ${byteOffset(src, i)}, expected "</${top.tag}>", found "</${tag}>"`);
    const length = text.length - top.offset;
    if (length > 0 && !(top.tag === 'a' && top.extra.url === undefined)) entities.push({ type: HTML_TAGS[top.tag], offset: top.offset, length, ...top.extra });
  };
  for (let i = 0; i < src.length;) {
    const ch = src.charAt(i);
    if (ch === '&') {
      const m = /^&(#x[0-9a-f]+|#\d+|[a-z]+);/i.exec(src.slice(i, i + 16));
      const decoded = m?.[1] === undefined ? undefined : decodeEntity(m[1]);
      if (!m || decoded === undefined) throw parseError(`Can't find end of the entity starting ${byteOffset(src, i)}`);
      text += decoded;
      i += m[0].length;
    } else if (ch === '<') {
      const end = src.indexOf('>', i);
      const raw = end === -1 ? '' : src.slice(i + 1, end);
      if (end === -1 || !/^\/?[a-z]/i.test(raw)) throw parseError(`Unsupported start tag "" ${byteOffset(src, i)}`);
      if (raw.startsWith('/')) closeTag(raw.slice(1).trim().toLowerCase(), i);
      else openTag(raw, i);
      i = end + 1;
    } else {
      text += ch;
      i++;
    }
  }
  const unclosed = open.pop();
  if (unclosed) throw parseError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  return { text, entities: entities.sort((a, b) => Number(a.offset) - Number(b.offset)) };
}

const MD_RESERVED = '_*[]()~`>#+-=|{}.!\\';
const MD_MARKERS: [string, string][] = [['||', 'spoiler'], ['__', 'underline'], ['*', 'bold'], ['_', 'italic'], ['~', 'strikethrough']];

/** MarkdownV2 subset: escapes, bold/italic/underline/strike/spoiler, code, pre, links, quotes. */
function parseMarkdownV2(src: string): Parsed {
  let text = '';
  const entities: Json[] = [];
  const open = new Map<string, { offset: number; at: number; type: string }>();
  const close = (key: string, extra: Json = {}): void => {
    const start = open.get(key);
    open.delete(key);
    if (start && text.length > start.offset) entities.push({ type: start.type, offset: start.offset, length: text.length - start.offset, ...extra });
  };
  for (let i = 0; i < src.length;) {
    const ch = src.charAt(i);
    const marker = MD_MARKERS.find(([m]) => src.startsWith(m, i));
    if (ch === '\\' && i + 1 < src.length) {
      text += src.charAt(i + 1);
      i += 2;
    } else if (ch === '`') {
      const fence = src.startsWith('```', i) ? '```' : '`';
      const end = src.indexOf(fence, i + fence.length);
      if (end === -1) throw parseError(`Can't find end of ${fence === '`' ? 'Code' : 'Pre'} entity ${byteOffset(src, i)}`);
      let body = src.slice(i + fence.length, end).replace(/\\([`\\])/g, '$1');
      if (fence === '```') body = body.replace(/^[\w+-]*\n/, '');
      entities.push({ type: fence === '`' ? 'code' : 'pre', offset: text.length, length: body.length });
      text += body;
      i = end + fence.length;
    } else if (marker) {
      if (open.has(marker[0])) close(marker[0]);
      else open.set(marker[0], { offset: text.length, at: i, type: marker[1] });
      i += marker[0].length;
    } else if (ch === '[') {
      open.set('[', { offset: text.length, at: i, type: 'text_link' });
      i++;
    } else if (ch === ']' && open.has('[') && src.charAt(i + 1) === '(') {
      const end = src.indexOf(')', i);
      if (end === -1) throw parseError(`Can't find end of a URL ${byteOffset(src, i)}`);
      close('[', { url: src.slice(i + 2, end).replace(/\\([)\\])/g, '$1') });
      i = end + 1;
    } else if (ch === '>' && (i === 0 || src.charAt(i - 1) === '\n')) {
      i++; // block quotation marker
    } else if (MD_RESERVED.includes(ch)) {
      throw parseError(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
    } else {
      text += ch;
      i++;
    }
  }
  for (const start of open.values()) throw parseError(`Can't find end of ${start.type} entity ${byteOffset(src, start.at)}`);
  return { text, entities: entities.sort((a, b) => Number(a.offset) - Number(b.offset)) };
}

function parseBody(raw: unknown, mode: unknown, explicit: unknown): Parsed {
  const src = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '';
  const parseMode = typeof mode === 'string' ? mode.toLowerCase() : '';
  if (parseMode === '') return { text: src, entities: Array.isArray(explicit) ? explicit.filter(isObj) : [] };
  if (parseMode === 'html') return parseHtml(src);
  if (parseMode === 'markdownv2') return parseMarkdownV2(src);
  if (parseMode === 'markdown') return { text: src.replace(/[*_`]/g, ''), entities: [] }; // legacy, not validated
  throw bad('unsupported parse_mode');
}

/** Text as the user sees it (tags stripped), for matching in waitForText. */
function plainText(c: SentCall): string {
  const raw = c.params.text ?? c.params.caption;
  try {
    return parseBody(raw, c.params.parse_mode, undefined).text;
  } catch {
    return typeof raw === 'string' ? raw : '';
  }
}

function checkInlineKeyboard(rows: unknown): void {
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) throw bad('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  const buttons: unknown[] = rows.flat();
  if (buttons.length > 100) throw bad('reply markup is too long');
  for (const b of buttons) {
    if (!isObj(b) || typeof b.text !== 'string') throw bad('can\'t parse inline keyboard button: Field "text" must be of type String');
    const kinds = BUTTON_KINDS.filter((k) => b[k] !== undefined);
    if (kinds.length === 0) throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    if (kinds.length > 1) throw bad(`can't parse inline keyboard button: exactly one of ${kinds.join(', ')} must be specified`);
    if (b.callback_data !== undefined) {
      const bytes = typeof b.callback_data === 'string' ? Buffer.byteLength(b.callback_data) : 0;
      if (bytes < 1 || bytes > 64) throw bad('BUTTON_DATA_INVALID');
    }
    if (b.url !== undefined) {
      const host = typeof b.url === 'string' ? /^https?:\/\/([^/:?#]+)/i.exec(b.url)?.[1] : undefined;
      const tgLink = typeof b.url === 'string' && /^tg:\/\/\S+$/.test(b.url);
      if (!tgLink && (!host || !host.includes('.'))) throw bad(`inline keyboard button URL '${String(b.url)}' is invalid: Wrong HTTP URL`);
    }
  }
}

/** Validates reply_markup; returns what Telegram echoes in Message.reply_markup (inline keyboards only). */
function checkMarkup(p: Json): Json | undefined {
  let markup: unknown;
  try {
    markup = json(p, 'reply_markup');
  } catch {
    throw bad("can't parse reply keyboard markup JSON object");
  }
  if (markup === undefined || markup === '') return undefined;
  if (!isObj(markup)) throw bad("can't parse reply keyboard markup JSON object");
  if ('inline_keyboard' in markup) {
    checkInlineKeyboard(markup.inline_keyboard);
    return markup;
  }
  if ('keyboard' in markup && !(Array.isArray(markup.keyboard) && markup.keyboard.every(Array.isArray))) throw bad('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays');
  if (!('keyboard' in markup || 'remove_keyboard' in markup || 'force_reply' in markup)) throw bad("can't parse reply keyboard markup JSON object");
  return undefined;
}

function checkText(body: Parsed): void {
  if (body.text.trim() === '') throw bad('message text is empty');
  if (body.text.length > 4096) throw bad('message is too long');
}

function setOpt(target: Json, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

function respond(res: ServerResponse, outcome: Outcome): void {
  if (res.destroyed || res.writableEnded) return;
  const failed = outcome instanceof ApiError;
  res.writeHead(failed ? outcome.code : 200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(failed ? errorBody(outcome) : { ok: true, result: outcome.result }));
}
function errorBody(e: ApiError): { ok: false; error_code: number; description: string; parameters?: Json } {
  return { ok: false, error_code: e.code, description: e.description, ...(e.parameters ? { parameters: e.parameters } : {}) };
}

interface ChatState {
  chat: TgChat;
  /** Private: the user has started the bot. Groups: the bot is a member. */
  active: boolean;
  nextMessageId: number;
  messages: Map<number, Json>;
  tokens: number; // private-chat token bucket
  refilledAt: number;
  recentSends: number[]; // group sends in the last minute
}
interface Poll { limit: number; finish(result: Json[] | ApiError): void }
interface Waiter { test(c: SentCall, i: number): boolean; take(i: number): void; fail(e: Error): void }

class FakeTelegramServer implements FakeTelegram {
  url = '';
  readonly token: string;
  readonly botId: number;
  readonly calls: SentCall[] = [];
  readonly stats = { tooMany: 0 };
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly enforce: boolean;
  private readonly bot: Json;
  private queue: Json[] = [];
  private nextUpdateId: number;
  private allowedUpdates: Set<string> | null = null;
  private poll: Poll | null = null;
  private flushPending = false;
  private webhookUrl = '';
  private readonly users = new Map<number, FakeUser>();
  private readonly chats = new Map<number, ChatState>();
  private readonly blocked = new Set<number>();
  private readonly queries = new Map<string, { answered: boolean; text: string | null }>();
  private readonly files = new Map<string, StoredFile>();
  private readonly clock: () => number;
  private readonly firstMessageId: number;
  revision = 0;
  lastMessageId: number;

  get lastUpdateId(): number {
    return this.nextUpdateId - 1;
  }
  private nextQueryId = 1;
  private nextFileId = 1;
  private readonly commands = new Map<string, Json[]>();
  private readonly memberStatus = new Map<string, string>();
  private readonly failures = new Map<string, ApiError[]>();
  private readonly waiters = new Set<Waiter>();
  private readonly returned = new Set<number>(); // call indexes already handed out by waitFor/waitForText
  private readonly cursors = new Map<number, number>(); // per chat: search waitForText from this call index
  private readonly globalSends: number[] = [];

  private readonly handlers: Record<string, Handler> = {
    getMe: () => ({ ...this.bot, can_join_groups: true, can_read_all_group_messages: true, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false }),
    getUpdates: (p, res) => this.getUpdates(p, res),
    setWebhook: (p) => this.setWebhook(p),
    deleteWebhook: (p) => this.setWebhook({ drop_pending_updates: p.drop_pending_updates }),
    getWebhookInfo: () => ({ url: this.webhookUrl, has_custom_certificate: false, pending_update_count: this.queue.length }),
    logOut: () => true,
    close: () => true,
    setMyCommands: (p) => this.setMyCommands(p),
    getMyCommands: (p) => this.commands.get(scopeKey(p)) ?? [],
    deleteMyCommands: (p) => this.commands.delete(scopeKey(p)) || true,
    sendMessage: (p) => this.sendMessage(p),
    sendPhoto: (p) => this.sendMedia(p, 'photo'),
    sendDocument: (p) => this.sendMedia(p, 'document'),
    editMessageText: (p) => this.editMessageText(p),
    editMessageReplyMarkup: (p) => this.editMessageReplyMarkup(p),
    deleteMessage: (p) => this.deleteMessage(p),
    answerCallbackQuery: (p) => this.answerCallbackQuery(p),
    sendChatAction: (p) => this.sendChatAction(p),
    getChat: (p) => ({ ...this.chatFor(p, 'read').chat }),
    getChatMember: (p) => this.getChatMember(p),
    getFile: (p) => this.getFile(p),
    leaveChat: (p) => this.leaveChat(p),
  };
  // Bot API method names are case-insensitive.
  private readonly methodNames = new Map(Object.keys(this.handlers).map((m) => [m.toLowerCase(), m]));

  constructor(opts: FakeTelegramOptions) {
    this.token = opts.token ?? '123456:TEST';
    this.botId = Number(this.token.split(':')[0]);
    this.enforce = opts.enforceLimits ?? true;
    this.clock = opts.clock ?? (() => Date.now());
    this.firstMessageId = Math.max(1, Math.floor(opts.firstMessageId ?? 1));
    this.lastMessageId = this.firstMessageId - 1;
    this.nextUpdateId = Math.max(1, Math.floor(opts.firstUpdateId ?? 100_000));
    this.bot = { id: this.botId, is_bot: true, first_name: 'Chibo Test', username: opts.botUsername ?? 'chibo_test_bot' };
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.poll?.finish([]);
    for (const w of [...this.waiters]) w.fail(new Error('fake Telegram server closed'));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- HTTP
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const download = /^\/file\/bot([^/]*)\/(.+)$/.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (download) return this.download(decodeURIComponent(download[1] ?? ''), decodeURIComponent(download[2] ?? ''), res);
    const route = /^\/bot([^/]*)\/(?:test\/)?([^/]*)$/.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    let method = route?.[2] ?? req.url ?? '';
    let params: Json = {};
    let outcome: Outcome;
    try {
      params = await readParams(req);
      if (!route) throw new ApiError(404, 'Not Found');
      if (decodeURIComponent(route[1] ?? '') !== this.token) throw new ApiError(401, 'Unauthorized');
      method = this.methodNames.get(method.toLowerCase()) ?? method;
      const handler = this.handlers[method];
      if (!handler) throw new ApiError(404, 'Not Found');
      const injected = this.failures.get(method)?.shift();
      if (injected) throw injected;
      outcome = { result: await handler(params, res) };
    } catch (e) {
      if (!(e instanceof ApiError)) console.error('fake Telegram: internal error', e);
      outcome = e instanceof ApiError ? e : new ApiError(500, 'Internal Server Error');
    }
    this.record(method, params, at, outcome);
    respond(res, outcome);
  }

  /** `GET /file/bot<token>/<file_path>`, as getFile's answer says, with the uploaded bytes. */
  private download(token: string, path: string, res: ServerResponse): void {
    const file = token === this.token ? this.files.get(path.split('/').pop()?.replace(/\.[^.]*$/, '') ?? '') : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      return;
    }
    res.writeHead(200, { 'content-type': file.mime, 'content-length': file.data.length });
    res.end(file.data);
  }

  private nowSec(): number {
    return Math.floor(this.clock() / 1000);
  }

  private record(method: string, params: Json, at: number, outcome: Outcome): void {
    this.revision++;
    const call: SentCall = { method, params, at, ok: !(outcome instanceof ApiError) };
    let messageId: unknown = num(params, 'message_id');
    if (outcome instanceof ApiError) {
      call.error = errorBody(outcome);
      if (outcome.code === 429) this.stats.tooMany++;
    } else {
      call.result = structuredClone(outcome.result); // edits mutate stored messages later
      if (isObj(outcome.result) && typeof outcome.result.message_id === 'number') messageId = outcome.result.message_id;
    }
    if (typeof messageId === 'number') call.message_id = messageId;
    const index = this.calls.push(call) - 1;
    for (const w of [...this.waiters]) if (w.test(call, index)) w.take(index);
  }

  // ---- updates and long polling
  private getUpdates(p: Json, res: ServerResponse): Json[] | Promise<Json[]> {
    if (this.webhookUrl) throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    this.poll?.finish(new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    const offset = num(p, 'offset') ?? 0;
    if (offset > 0) this.queue = this.queue.filter((u) => Number(u.update_id) >= offset);
    if (offset < 0) this.queue = this.queue.slice(offset);
    const allowed = json(p, 'allowed_updates');
    if (Array.isArray(allowed)) this.allowedUpdates = allowed.length ? new Set(allowed.map(String)) : null;
    const limit = Math.min(100, Math.max(1, num(p, 'limit') ?? 100));
    const timeout = Math.max(0, num(p, 'timeout') ?? 0);
    if (this.queue.length > 0 || timeout === 0) return this.queue.slice(0, limit);
    return new Promise((resolve, reject) => {
      const poll: Poll = {
        limit,
        finish: (result) => {
          if (this.poll !== poll) return;
          this.poll = null;
          clearTimeout(timer);
          if (result instanceof ApiError) reject(result);
          else resolve(result);
        },
      };
      const timer = setTimeout(() => poll.finish([]), timeout * 1000);
      res.on('close', () => poll.finish([])); // client gave up (e.g. bot.stop aborts the request)
      this.poll = poll;
    });
  }

  private enqueue(update: Json): Json {
    this.revision++;
    const full: Json = { update_id: this.nextUpdateId, ...update };
    this.nextUpdateId = Math.max(this.nextUpdateId, Number(full.update_id)) + 1;
    this.observe(full);
    const type = Object.keys(full).find((k) => k !== 'update_id') ?? '';
    // Like the real API, updates the bot did not subscribe to are never delivered.
    if (this.allowedUpdates ? !this.allowedUpdates.has(type) : DEFAULT_EXCLUDED_UPDATES.has(type)) return full;
    this.queue.push(full);
    if (this.poll && !this.flushPending) {
      this.flushPending = true;
      setImmediate(() => {
        // Deferred so that updates pushed in one tick arrive in one batch.
        this.flushPending = false;
        if (this.poll && this.queue.length > 0) this.poll.finish(this.queue.slice(0, this.poll.limit));
      });
    }
    return full;
  }

  /** Learns users and chats from an update, as Telegram's own bookkeeping would. */
  private observe(update: Json): void {
    const msg = [update.message, update.edited_message].find(isObj);
    const query = isObj(update.callback_query) ? update.callback_query : undefined;
    const member = isObj(update.my_chat_member) ? update.my_chat_member : undefined;
    for (const from of [msg?.from, query?.from, member?.from]) {
      const user = asUser(from);
      if (user) this.privateChat(user);
    }
    const msgChat = asChat(msg?.chat);
    if (msg && msgChat) {
      const st = this.chatState(msgChat);
      st.active = true; // a private message starts the bot; a group message proves the bot is there
      if (msgChat.type === 'private') this.blocked.delete(msgChat.id);
      if (typeof msg.message_id === 'number') {
        st.messages.set(msg.message_id, msg);
        st.nextMessageId = Math.max(st.nextMessageId, msg.message_id + 1);
        this.lastMessageId = Math.max(this.lastMessageId, msg.message_id);
      }
    }
    const memberChat = asChat(member?.chat);
    const status = isObj(member?.new_chat_member) ? member.new_chat_member.status : undefined;
    if (!memberChat || typeof status !== 'string') return;
    const st = this.chatState(memberChat);
    if (memberChat.type !== 'private') st.active = IN_CHAT.has(status);
    else if (IN_CHAT.has(status)) this.blocked.delete(memberChat.id);
    else this.blocked.add(memberChat.id);
  }

  private chatState(chat: TgChat): ChatState {
    let st = this.chats.get(chat.id);
    if (!st) {
      st = { chat, active: false, nextMessageId: this.firstMessageId, messages: new Map(), tokens: PRIVATE_BURST, refilledAt: Date.now(), recentSends: [] };
      this.chats.set(chat.id, st);
    }
    return st;
  }

  private privateChat(user: FakeUser): ChatState {
    this.users.set(user.id, user);
    const { id, first_name, last_name, username } = user;
    return this.chatState({ id, first_name, ...(last_name ? { last_name } : {}), ...(username ? { username } : {}), type: 'private' });
  }

  private groupChat(chat: FakeChat): ChatState {
    return this.chatState({ id: chat.id, title: chat.title ?? `Group ${chat.id}`, type: chat.type });
  }

  private newMessage(st: ChatState, from: Json, fields: Json): Json {
    const message: Json = { message_id: st.nextMessageId++, from, chat: st.chat, date: this.nowSec(), ...fields };
    this.lastMessageId = Math.max(this.lastMessageId, Number(message.message_id));
    st.messages.set(message.message_id as number, message);
    return message;
  }

  // ---- simulated users
  sendText(user: FakeUser, text: string, chat?: FakeChat): object {
    const st = !chat || chat.type === 'private' ? this.privateChat(user) : this.groupChat(chat);
    if (st.chat.type !== 'private' && !st.active) throw new Error(`sendText: the bot is not in chat ${st.chat.id}; call addBotToGroup first`);
    this.privateChat(user);
    const command = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/.exec(text)?.[0];
    const entities = command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {};
    return this.enqueue({ message: this.newMessage(st, tgUser(user), { text, ...entities }) });
  }

  /** The user sends a file (a spreadsheet, say) to the bot in their private chat. */
  sendDocument(user: FakeUser, file: StoredFile, caption?: string): object {
    const st = this.privateChat(user);
    const id = `document-${this.nextFileId++}`;
    this.files.set(id, file);
    const document = { file_id: id, file_unique_id: `u-${id}`, file_name: file.filename, mime_type: file.mime, file_size: file.data.length };
    return this.enqueue({ message: this.newMessage(st, tgUser(user), { document, ...(caption ? { caption } : {}) }) });
  }

  clickButton(user: FakeUser, message: SentCall, callbackData: string, chat?: FakeChat): object {
    const chatId = chat?.id ?? chatOf(message);
    const stored = message.message_id === undefined ? undefined : this.chats.get(chatId)?.messages.get(message.message_id);
    if (!stored) throw new Error(`clickButton: message ${String(message.message_id)} not found in chat ${chatId} (deleted or never sent?)`);
    return this.query(user, chatId, stored, callbackData);
  }

  pressButton(user: FakeUser, chatId: number, messageId: number, callbackData: string): object {
    const stored = this.chats.get(chatId)?.messages.get(messageId);
    const markup = isObj(stored?.reply_markup) ? stored.reply_markup : {};
    const buttons: unknown[] = Array.isArray(markup.inline_keyboard) ? markup.inline_keyboard.flat() : [];
    // A Telegram client can only press what is on the screen: a button that is not on the message is refused.
    if (!stored || !buttons.some((b) => isObj(b) && b.callback_data === callbackData)) throw new Error(`pressButton: no such button on message ${messageId} in chat ${chatId}`);
    return this.query(user, chatId, stored, callbackData);
  }

  private query(user: FakeUser, chatId: number, stored: Json, callbackData: string): object {
    this.privateChat(user);
    const id = `${this.botId}${String(this.nextQueryId++).padStart(6, '0')}`;
    this.queries.set(id, { answered: false, text: null });
    return this.enqueue({ callback_query: { id, from: tgUser(user), message: stored, chat_instance: String(chatId * 31 + 7), data: callbackData } });
  }

  callbackAnswer(queryId: string): { text: string | null } | undefined {
    const q = this.queries.get(queryId);
    return q?.answered ? { text: q.text } : undefined;
  }

  registerUser(user: FakeUser): void {
    this.revision++;
    const st = this.privateChat(user);
    st.active = true;
    this.blocked.delete(user.id);
  }

  addGroup(chat: FakeChat): void {
    if (chat.type === 'private') throw new Error('addGroup: chat must be a group or supergroup');
    this.revision++;
    this.groupChat(chat).active = true;
  }

  messages(chatId: number): Record<string, unknown>[] {
    return structuredClone([...(this.chats.get(chatId)?.messages.values() ?? [])]);
  }

  file(fileId: string): StoredFile | undefined {
    // A photo's smaller size ("…-s") is the same upload.
    return this.files.get(fileId) ?? this.files.get(fileId.replace(/-s$/, ''));
  }

  private getFile(p: Json): Json {
    const id = str(p, 'file_id') ?? '';
    const file = this.file(id);
    if (!file) throw bad('wrong file_id or the file is temporarily unavailable');
    // Bots may download files of up to 20 MB (Bot API, getFile).
    if (file.data.length > 20 * 1024 * 1024) throw bad('file is too big');
    const ext = file.filename.includes('.') ? file.filename.slice(file.filename.lastIndexOf('.')) : '';
    return { file_id: id, file_unique_id: `u-${id}`, file_size: file.data.length, file_path: `${id.startsWith('photo') ? 'photos' : 'documents'}/${id}${ext}` };
  }

  addBotToGroup(user: FakeUser, chat: FakeChat): object {
    if (chat.type === 'private') throw new Error('addBotToGroup: chat must be a group or supergroup');
    const st = this.groupChat(chat);
    const from = tgUser(user);
    this.privateChat(user);
    const update = this.enqueue({
      my_chat_member: { chat: st.chat, from, date: this.nowSec(), old_chat_member: { user: this.bot, status: 'left' }, new_chat_member: { user: this.bot, status: 'member' } },
    });
    const bots = [this.bot];
    this.enqueue({ message: this.newMessage(st, from, { new_chat_participant: this.bot, new_chat_member: this.bot, new_chat_members: bots }) });
    return update;
  }

  pushUpdate(update: Record<string, unknown>): void {
    this.enqueue(update);
  }

  blockUser(userId: number, opts: { notify?: boolean } = {}): void {
    this.blocked.add(userId);
    const st = this.chats.get(userId);
    const user = this.users.get(userId);
    if (!opts.notify || !st || !user) return;
    this.enqueue({ my_chat_member: { chat: st.chat, from: tgUser(user), date: this.nowSec(), old_chat_member: { user: this.bot, status: 'member' }, new_chat_member: { user: this.bot, status: 'kicked', until_date: 0 } } });
  }

  failNext(method: string, errorCode: number, description: string, parameters?: Record<string, unknown>): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(new ApiError(errorCode, description, parameters));
    this.failures.set(method, queue);
  }

  setChatMemberStatus(chatId: number, userId: number, status: string): void {
    this.memberStatus.set(`${chatId}:${userId}`, status);
  }

  // ---- observing the bot
  sent(chatId?: number): SentCall[] {
    return this.calls.filter((c) => c.ok && SEND_METHODS.has(c.method) && (chatId === undefined || chatOf(c) === chatId));
  }

  waitFor(pred: (c: SentCall) => boolean, timeoutMs = 20_000): Promise<SentCall> {
    return this.awaitCall((c) => pred(c), timeoutMs, (i) => {
      const chatId = chatOf(this.calls[i] as SentCall);
      if (Number.isFinite(chatId)) this.cursors.set(chatId, Math.max(this.cursors.get(chatId) ?? 0, i + 1));
    }, () => `waitFor(${pred.toString().slice(0, 100)})`);
  }

  waitForText(chatId: number, includes: string | RegExp, timeoutMs = 20_000): Promise<SentCall> {
    const from = this.cursors.get(chatId) ?? 0;
    const matches = (s: string): boolean => (typeof includes === 'string' ? s.includes(includes) : includes.test(s));
    const test = (c: SentCall, i: number): boolean => {
      if (i < from || !c.ok || !SEND_METHODS.has(c.method) || chatOf(c) !== chatId) return false;
      const raw = c.params.text ?? c.params.caption;
      return (typeof raw === 'string' && matches(raw)) || matches(plainText(c));
    };
    const describe = (): string => {
      const seen = this.calls.slice(from).filter((c) => chatOf(c) === chatId).slice(-10);
      const lines = seen.map((c) => `  ${c.method} ${c.ok ? 'ok' : `failed (${c.error?.description ?? ''})`}: ${JSON.stringify(plainText(c)).slice(0, 200)}`);
      return `waitForText(${chatId}, ${String(includes)}); calls to this chat since the cursor:\n${lines.join('\n') || '  (none)'}`;
    };
    return this.awaitCall(test, timeoutMs, (i) => this.cursors.set(chatId, i + 1), describe);
  }

  private awaitCall(test: (c: SentCall, i: number) => boolean, timeoutMs: number, onTake: (i: number) => void, describe: () => string): Promise<SentCall> {
    const fresh = (c: SentCall, i: number): boolean => !this.returned.has(i) && test(c, i);
    return new Promise((resolve, reject) => {
      // Runs synchronously on match, so two waiters never receive the same call.
      const take = (i: number): void => {
        this.returned.add(i);
        onTake(i);
        resolve(this.calls[i] as SentCall);
      };
      const found = this.calls.findIndex(fresh);
      if (found !== -1) return take(found);
      const waiter: Waiter = {
        test: fresh,
        take: (i) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          take(i);
        },
        fail: (e) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          reject(e);
        },
      };
      const timer = setTimeout(() => waiter.fail(new Error(`timed out after ${timeoutMs} ms: ${describe()}`)), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  // ---- chat access and flood control
  private chatFor(p: Json, use: 'read' | 'send'): ChatState {
    if (p.chat_id === undefined || p.chat_id === '') throw bad('chat_id is empty');
    const st = this.chats.get(Number(p.chat_id));
    if (!st) throw bad('chat not found');
    if (st.chat.type !== 'private') {
      if (!st.active) throw forbidden(`bot is not a member of the ${st.chat.type === 'group' ? 'group' : 'supergroup'} chat`);
    } else if (use === 'send') {
      if (this.blocked.has(st.chat.id)) throw forbidden('bot was blocked by the user');
      if (!st.active) throw forbidden("bot can't initiate conversation with a user");
    }
    return st;
  }

  /** 30 msg/s overall, ~1 msg/s per private chat (burst 3), 20 msg/min per group. */
  private takeSendSlot(st: ChatState): void {
    if (!this.enforce) return;
    const now = Date.now();
    while ((this.globalSends[0] ?? now) <= now - 1000) this.globalSends.shift();
    while ((st.recentSends[0] ?? now) <= now - 60_000) st.recentSends.shift();
    st.tokens = Math.min(PRIVATE_BURST, st.tokens + (now - st.refilledAt) / 1000);
    st.refilledAt = now;
    let waitMs = this.globalSends.length >= 30 ? (this.globalSends[0] ?? now) + 1000 - now : 0;
    if (st.chat.type === 'private' && st.tokens < 1) waitMs = Math.max(waitMs, (1 - st.tokens) * 1000);
    if (st.chat.type !== 'private' && st.recentSends.length >= 20) waitMs = Math.max(waitMs, (st.recentSends[0] ?? now) + 60_000 - now);
    if (waitMs > 0) {
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    }
    this.globalSends.push(now);
    if (st.chat.type === 'private') st.tokens -= 1;
    else st.recentSends.push(now);
  }

  // ---- sending
  private replyTo(st: ChatState, p: Json): Json {
    const reply = json(p, 'reply_parameters');
    const id = num(p, 'reply_to_message_id') ?? (isObj(reply) ? num(reply, 'message_id') : undefined);
    if (id === undefined) return {};
    const target = st.messages.get(id);
    if (target) return { reply_to_message: target };
    if (flag(p, 'allow_sending_without_reply') || (isObj(reply) && reply.allow_sending_without_reply === true)) return {};
    throw bad('message to be replied not found');
  }

  private sendMessage(p: Json): Json {
    const st = this.chatFor(p, 'send');
    const body = parseBody(p.text, p.parse_mode, json(p, 'entities'));
    checkText(body);
    const markup = checkMarkup(p);
    const reply = this.replyTo(st, p);
    this.takeSendSlot(st);
    return this.newMessage(st, this.bot, {
      ...reply,
      text: body.text,
      ...(body.entities.length ? { entities: body.entities } : {}),
      ...(markup ? { reply_markup: markup } : {}),
    });
  }

  private inputFile(p: Json, kind: 'photo' | 'document'): { file_id: string; file_unique_id: string; file_size: number; name?: string; mime?: string } {
    const v = p[kind];
    const fresh = (): string => `${kind}-${this.nextFileId++}`;
    if (typeof v === 'string' && v !== '') {
      const id = /^https?:\/\//.test(v) ? fresh() : v; // a URL is downloaded and stored anew
      return { file_id: id, file_unique_id: `u-${id}`, file_size: 1024 };
    }
    if (isObj(v) && typeof v.filename === 'string') {
      if (v.size === 0) throw bad('file must be non-empty');
      const id = fresh();
      const data: unknown = (v as { data?: unknown }).data;
      if (Buffer.isBuffer(data)) this.files.set(id, { data, filename: v.filename, mime: String(v.contentType) });
      return { file_id: id, file_unique_id: `u-${id}`, file_size: Number(v.size), name: v.filename, mime: String(v.contentType) };
    }
    throw bad(`there is no ${kind} in the request`);
  }

  private sendMedia(p: Json, kind: 'photo' | 'document'): Json {
    const st = this.chatFor(p, 'send');
    const { name, mime, ...file } = this.inputFile(p, kind);
    const caption = parseBody(p.caption, p.parse_mode, json(p, 'caption_entities'));
    if (caption.text.length > 1024) throw bad('message caption is too long');
    const markup = checkMarkup(p);
    const reply = this.replyTo(st, p);
    this.takeSendSlot(st);
    const media = kind === 'photo'
      ? { photo: [{ ...file, file_id: `${file.file_id}-s`, width: 90, height: 90 }, { ...file, width: 800, height: 800 }] }
      : { document: { ...(name ? { file_name: name } : {}), ...(mime ? { mime_type: mime } : {}), ...file } };
    return this.newMessage(st, this.bot, {
      ...reply,
      ...media,
      ...(caption.text ? { caption: caption.text } : {}),
      ...(caption.entities.length ? { caption_entities: caption.entities } : {}),
      ...(markup ? { reply_markup: markup } : {}),
    });
  }

  /** A message the bot itself sent, addressed by chat_id + message_id. */
  private ownMessage(p: Json, missing: string): Json {
    if (p.inline_message_id !== undefined) throw bad('MESSAGE_ID_INVALID');
    const st = this.chatFor(p, 'send');
    const id = num(p, 'message_id');
    if (id === undefined) throw bad('message identifier is not specified');
    const msg = st.messages.get(id);
    if (!msg) throw bad(missing);
    if (!isObj(msg.from) || msg.from.id !== this.botId) throw bad("message can't be edited");
    return msg;
  }

  private editMessageText(p: Json): Json {
    const msg = this.ownMessage(p, 'message to edit not found');
    if (typeof msg.text !== 'string') throw bad('there is no text in the message to edit');
    const body = parseBody(p.text, p.parse_mode, json(p, 'entities'));
    checkText(body);
    const markup = checkMarkup(p); // omitting reply_markup removes the keyboard, as on Telegram
    if (body.text === msg.text && same(body.entities, msg.entities ?? []) && same(markup, msg.reply_markup)) throw notModified();
    msg.text = body.text;
    setOpt(msg, 'entities', body.entities.length ? body.entities : undefined);
    setOpt(msg, 'reply_markup', markup);
    msg.edit_date = this.nowSec();
    return msg;
  }

  private editMessageReplyMarkup(p: Json): Json {
    const msg = this.ownMessage(p, 'message to edit not found');
    const markup = checkMarkup(p);
    if (same(markup, msg.reply_markup)) throw notModified();
    setOpt(msg, 'reply_markup', markup);
    msg.edit_date = this.nowSec();
    return msg;
  }

  private deleteMessage(p: Json): boolean {
    const st = this.chatFor(p, 'send');
    const id = num(p, 'message_id');
    if (id === undefined) throw bad('message identifier is not specified');
    if (!st.messages.delete(id)) throw bad('message to delete not found');
    return true;
  }

  private answerCallbackQuery(p: Json): boolean {
    const query = this.queries.get(str(p, 'callback_query_id') ?? '');
    if (!query || query.answered) throw bad('query is too old and response timeout expired or query ID is invalid');
    if ((str(p, 'text') ?? '').length > 200) throw bad('MESSAGE_TOO_LONG');
    query.answered = true;
    query.text = str(p, 'text') ?? null;
    return true;
  }

  private sendChatAction(p: Json): boolean {
    this.chatFor(p, 'send');
    if (!CHAT_ACTIONS.has(str(p, 'action') ?? '')) throw bad('wrong parameter action in request');
    return true;
  }

  // ---- chats, members, bot settings
  private getChatMember(p: Json): Json {
    const st = this.chatFor(p, 'read');
    const userId = num(p, 'user_id');
    if (userId === this.botId) return { user: this.bot, status: st.active ? 'member' : 'left' };
    const user = userId === undefined ? undefined : this.users.get(userId);
    if (!user) throw bad('user not found');
    const status = this.memberStatus.get(`${st.chat.id}:${user.id}`) ?? 'member';
    const admin = status === 'creator' || status === 'administrator' ? { is_anonymous: false } : {};
    return { user: tgUser(user), status, ...admin };
  }

  private leaveChat(p: Json): boolean {
    const st = this.chatFor(p, 'read');
    if (st.chat.type === 'private') throw bad("chat member status can't be changed in private chats");
    this.enqueue({ my_chat_member: { chat: st.chat, from: this.bot, date: this.nowSec(), old_chat_member: { user: this.bot, status: 'member' }, new_chat_member: { user: this.bot, status: 'left' } } });
    return true;
  }

  private setWebhook(p: Json): boolean {
    const url = str(p, 'url') ?? '';
    if (url && !url.startsWith('https://')) throw bad('bad webhook: An HTTPS URL must be provided for webhook');
    if (url) this.poll?.finish(new ApiError(409, 'Conflict: terminated by setWebhook request'));
    if (flag(p, 'drop_pending_updates')) this.queue = [];
    this.webhookUrl = url;
    return true;
  }

  private setMyCommands(p: Json): boolean {
    const commands = json(p, 'commands');
    if (!Array.isArray(commands)) throw bad('field "commands" must be an Array');
    if (commands.length > 100) throw bad('BOT_COMMANDS_TOO_MUCH');
    const clean = commands.map((c: unknown) => {
      if (!isObj(c) || typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw bad('BOT_COMMAND_INVALID');
      if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
      return { command: c.command, description: c.description };
    });
    if (clean.length) this.commands.set(scopeKey(p), clean);
    else this.commands.delete(scopeKey(p));
    return true;
  }
}

/** Commands are stored per (scope, language_code), as Telegram does. */
function scopeKey(p: Json): string {
  const scope = json(p, 'scope');
  const s = isObj(scope) ? scope : {};
  return [s.type ?? 'default', s.chat_id ?? '', s.user_id ?? '', str(p, 'language_code') ?? ''].map(String).join('|');
}

export async function startFakeTelegram(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const fake = new FakeTelegramServer(opts);
  await fake.listen();
  return fake;
}
