import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { FileLinks } from './files.js';

export type JsonHandler = (body: unknown) => Promise<void>;

interface Route {
  path: string;
  secretHeader: string;
  secret: string;
  handle: JsonHandler;
}

const MAX_BODY = 1_000_000;

/**
 * The bot's one HTTP server: Telegram and Zalo webhooks (secret header checked), signed file
 * links, and a health check. A webhook is acknowledged only after its update was handled.
 */
export class HttpServer {
  private readonly routes: Route[] = [];
  private server: Server | null = null;

  constructor(
    private readonly files: FileLinks,
    private readonly log: Logger,
  ) {}

  addWebhook(path: string, secretHeader: string, secret: string, handle: JsonHandler): void {
    this.routes.push({ path, secretHeader: secretHeader.toLowerCase(), secret, handle });
  }

  listen(port: number, host: string): Promise<number> {
    this.server = createServer((req, res) => void this.serve(req, res));
    return new Promise((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => {
        const addr = this.server?.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeIdleConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, 'ok');
      if (req.method === 'GET' && url.pathname.startsWith('/files/')) return this.serveFile(url.pathname.slice(7), res);
      const route = this.routes.find((r) => r.path === url.pathname);
      if (!route || req.method !== 'POST') return send(res, 404, 'not found');
      if (!sameSecret(String(req.headers[route.secretHeader] ?? ''), route.secret)) return send(res, 401, 'unauthorized');
      const body = await readJson(req);
      if (body === undefined) return send(res, 400, 'bad request');
      await route.handle(body);
      send(res, 200, 'ok');
    } catch (err) {
      this.log.error({ err }, 'http request failed');
      // 500 makes the platform redeliver: the update is not lost.
      if (!res.headersSent) send(res, 500, 'error');
    }
  }

  private serveFile(segment: string, res: ServerResponse): void {
    const file = this.files.open(segment);
    if (!file) return send(res, 404, 'not found or expired');
    res.writeHead(200, {
      'content-type': file.mime,
      'content-length': file.data.length,
      'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
      'cache-control': 'private, max-age=3600',
    });
    res.end(file.data);
  }
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
