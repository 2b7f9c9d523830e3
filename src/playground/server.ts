import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLocale, loadLocaleFile, type Locale } from '../conversation/i18n.js';
import type { Logger } from '../logger.js';
import { castMember, SAMPLE_GROUP, telegramUser } from './cast.js';
import { moveKinds, PlaygroundRefusal, Sandbox, wipe, type MoveKind } from './sandbox.js';
import { pageState, versionOf } from './view.js';

export interface PlaygroundOptions {
  /** The playground's own folder (database, backups, clock); never the real bot's data. */
  dir: string;
  /** 0 picks a free port. */
  port: number;
  env: Record<string, string | undefined>;
  log: Logger;
}

/** What the page may ask, and the words it gets back when it cannot be done. */
type ApiError = 'badRequest' | 'notFound' | 'busy' | 'noMeeting' | 'resetting' | 'tooLong' | 'empty' | 'noGroup' | 'noButton' | 'forbidden';

const MAX_BODY = 64_000;
/** The longest text a person may type: Telegram's limit; Zalo's is lower. */
const MAX_TEXT = { telegram: 4096, zalo: 2000 } as const;
const LONG_POLL_MS = 15_000;
const TOAST_WAIT_MS = 3_000;

const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/playground.css': 'playground.css',
  '/playground.js': 'playground.js',
  '/favicon.svg': 'favicon.svg',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', svg: 'image/svg+xml' };

/** Nothing the page loads comes from elsewhere, and nothing it sends goes elsewhere. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** The page's files: beside this module in the sources, or there from a build in dist/. */
function publicDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'public'), resolve(here, '../../src/playground/public')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? (candidates[0] as string);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiError,
  ) {
    super(code);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The playground's own HTTP server on loopback: the page (plain HTML, CSS and JavaScript), a
 * small JSON API over the emulators and the clock, the uploaded files, and the bot's signed file
 * links (proxied to the bot's HTTP server). It holds one Sandbox at a time; reset builds a new one.
 */
export class Playground {
  private sandbox: Sandbox | null = null;
  private generation = 1;
  private resetting: Promise<void> | null = null;
  private readonly files = new Map<string, Buffer>();
  private readonly server: Server;
  url = '';
  port = 0;

  private constructor(private readonly opts: PlaygroundOptions) {
    const dir = publicDir();
    for (const name of new Set(Object.values(STATIC))) this.files.set(name, readFileSync(join(dir, name)));
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  /** Listens on 127.0.0.1 (only), then builds the sandbox. */
  static async start(opts: PlaygroundOptions): Promise<Playground> {
    const p = new Playground(opts);
    await new Promise<void>((done, fail) => {
      p.server.once('error', fail);
      p.server.listen(opts.port, '127.0.0.1', () => done());
    });
    const addr = p.server.address();
    p.port = typeof addr === 'object' && addr ? addr.port : opts.port;
    p.url = `http://127.0.0.1:${p.port}`;
    try {
      p.sandbox = await Sandbox.open({ dir: opts.dir, publicBase: p.url, env: opts.env, log: opts.log });
    } catch (err) {
      await p.closeServer();
      throw err;
    }
    return p;
  }

  /** The sandbox now (tests read the emulators and the database through it). */
  get current(): Sandbox {
    if (!this.sandbox) throw new HttpError(503, 'resetting');
    return this.sandbox;
  }

  async close(): Promise<void> {
    await this.resetting;
    await this.sandbox?.close();
    this.sandbox = null;
    await this.closeServer();
  }

  private async closeServer(): Promise<void> {
    await new Promise<void>((done) => {
      this.server.close(() => done());
      this.server.closeAllConnections();
    });
  }

  /** Wipes the playground's database and starts again with the sample cell, at real time. */
  async reset(): Promise<void> {
    if (this.resetting) return this.resetting;
    this.resetting = (async () => {
      const old = this.sandbox;
      this.sandbox = null;
      await old?.close();
      wipe(this.opts.dir);
      this.generation++;
      this.sandbox = await Sandbox.open({ dir: this.opts.dir, publicBase: this.url, env: this.opts.env, log: this.opts.log });
    })().finally(() => {
      this.resetting = null;
    });
    return this.resetting;
  }

  // ---- HTTP

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      // Only this machine's browser, by this address: a page elsewhere cannot reach in (DNS rebinding).
      const host = req.headers.host ?? '';
      if (![`127.0.0.1:${this.port}`, `localhost:${this.port}`].includes(host)) throw new HttpError(403, 'forbidden');
      const url = new URL(req.url ?? '/', this.url);
      const file = STATIC[url.pathname];
      if (req.method === 'GET' && file) return this.sendStatic(res, file);
      if (req.method === 'GET' && url.pathname === '/health') return this.send(res, 200, 'text/plain; charset=utf-8', Buffer.from('ok'));
      if (req.method === 'GET' && url.pathname.startsWith('/files/')) return await this.proxyFile(url.pathname, res);
      if (req.method === 'GET' && url.pathname.startsWith('/api/telegram-file/')) return this.telegramFile(decodeURIComponent(url.pathname.slice(19)), url.searchParams.has('download'), res);
      if (req.method === 'GET' && url.pathname === '/api/texts') return this.json(res, 200, { vi: texts('vi'), en: texts('en') });
      if (req.method === 'GET' && url.pathname === '/api/state') return await this.state(url, res);
      if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
        const origin = req.headers.origin;
        if (origin !== undefined && origin !== this.url && origin !== `http://localhost:${this.port}`) throw new HttpError(403, 'forbidden');
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpError(415, 'badRequest');
        const body = await readJson(req);
        return await this.post(url.pathname.slice(5), body, res);
      }
      throw new HttpError(404, 'notFound');
    } catch (err) {
      if (err instanceof HttpError) return this.json(res, err.status, { error: err.code });
      if (err instanceof PlaygroundRefusal) return this.json(res, err.code === 'busy' ? 409 : 422, { error: err.code });
      this.opts.log.error({ err }, 'playground request failed');
      if (!res.headersSent) this.json(res, 500, { error: 'badRequest' });
    }
  }

  private async post(action: string, body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    if (this.resetting && action !== 'reset') throw new HttpError(503, 'resetting');
    if (action === 'reset') {
      await this.reset();
      return this.json(res, 200, { generation: this.generation });
    }
    const s = this.current;
    if (action === 'clock') {
      const kind = body.move;
      if (typeof kind !== 'string' || !(moveKinds as readonly string[]).includes(kind)) throw new HttpError(400, 'badRequest');
      return this.json(res, 202, s.startMove(kind as MoveKind));
    }
    if (s.moving) throw new PlaygroundRefusal('busy');
    const person = castMember(String(body.person ?? ''));
    if (!person) throw new HttpError(400, 'badRequest');
    const inGroup = body.chat === 'group';
    if (inGroup && person.channel !== 'telegram') throw new HttpError(400, 'noGroup');
    if (action === 'send') {
      const text = typeof body.text === 'string' ? body.text.trim() : '';
      if (text === '') throw new HttpError(400, 'empty');
      if (text.length > MAX_TEXT[person.channel]) throw new HttpError(400, 'tooLong');
      if (person.channel === 'zalo') s.zalo.sendText(s.zalo.newUser(person.fullName, person.externalId), text);
      else s.tg.sendText(telegramUser(person), text, inGroup ? SAMPLE_GROUP : undefined);
      return this.json(res, 200, { ok: true });
    }
    if (action === 'press') {
      if (person.channel !== 'telegram') throw new HttpError(400, 'noButton');
      const messageId = Number(body.messageId);
      const data = typeof body.data === 'string' ? body.data : '';
      const chatId = inGroup ? SAMPLE_GROUP.id : Number(person.externalId);
      let update: object;
      try {
        update = s.tg.pressButton(telegramUser(person), chatId, messageId, data);
      } catch {
        throw new HttpError(400, 'noButton');
      }
      const queryId = String((update as { callback_query?: { id?: unknown } }).callback_query?.id ?? '');
      // The bot answers every button press; its answer is the small notice Telegram shows.
      const deadline = Date.now() + TOAST_WAIT_MS;
      let answer = s.tg.callbackAnswer(queryId);
      while (!answer && Date.now() < deadline && this.sandbox === s) {
        await sleep(50);
        answer = s.tg.callbackAnswer(queryId);
      }
      return this.json(res, 200, { toast: answer?.text ?? null });
    }
    throw new HttpError(404, 'notFound');
  }

  /** The page's state; with `v` the answer waits (up to 15 s) until something changes. */
  private async state(url: URL, res: ServerResponse): Promise<void> {
    const lang = url.searchParams.get('lang');
    const locale: Locale = isLocale(lang) ? lang : 'vi';
    const known = url.searchParams.get('v');
    const deadline = Date.now() + LONG_POLL_MS;
    while (known !== null && Date.now() < deadline && !res.destroyed) {
      const s = this.sandbox;
      if (s && !this.resetting && versionOf(s, this.generation) !== known) break;
      await sleep(100);
    }
    if (res.destroyed) return;
    const s = this.current;
    return this.json(res, 200, pageState(s, this.generation, locale));
  }

  private telegramFile(fileId: string, download: boolean, res: ServerResponse): void {
    const file = this.current.tg.file(fileId);
    if (!file) throw new HttpError(404, 'notFound');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': file.mime,
      'content-length': file.data.length,
      'content-disposition': `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    });
    res.end(file.data);
  }

  /** The bot's signed file links (what Zalo users get) live on the bot's own HTTP server, on loopback. */
  private async proxyFile(path: string, res: ServerResponse): Promise<void> {
    const upstream = await fetch(`http://127.0.0.1:${this.current.config.WEBHOOK_PORT}${path}`);
    const data = Buffer.from(await upstream.arrayBuffer());
    const headers: Record<string, string | number> = { ...SECURITY_HEADERS, 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream', 'content-length': data.length };
    const disposition = upstream.headers.get('content-disposition');
    if (disposition) headers['content-disposition'] = disposition;
    res.writeHead(upstream.status, headers);
    res.end(data);
  }

  private sendStatic(res: ServerResponse, name: string): void {
    const data = this.files.get(name);
    if (!data) throw new HttpError(404, 'notFound');
    this.send(res, 200, TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream', data);
  }

  private send(res: ServerResponse, status: number, type: string, data: Buffer): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': data.length });
    res.end(data);
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    this.send(res, status, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(value)));
  }
}

/** The page's words, from the locale files (namespace `playground`). */
function texts(locale: Locale): unknown {
  return loadLocaleFile(locale).playground ?? {};
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'tooLong');
    chunks.push(chunk as Buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'badRequest');
}

