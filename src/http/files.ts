import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../store/db.js';
import { ArtifactRepo } from '../store/repos/artifacts.js';

const TTL_MS = 24 * 3_600_000;

/**
 * Files for channels that cannot receive them: stored for 24 hours and served at a signed,
 * expiring address on the bot's own HTTP server. Without PUBLIC_BASE_URL there is no address.
 */
export class FileLinks {
  private readonly repo: ArtifactRepo;

  constructor(
    db: Db,
    private readonly secret: string,
    private readonly baseUrl: string | null,
    private readonly clock: Clock,
  ) {
    this.repo = new ArtifactRepo(db);
  }

  fileLink(cellId: number | null, filename: string, mime: string, data: Buffer): string | null {
    if (!this.baseUrl) return null;
    const id = randomBytes(12).toString('hex');
    const expiresAt = this.clock.now() + TTL_MS;
    this.repo.insert({ id, cellId, filename, mime, data: data.toString('base64'), expiresAt, createdAt: this.clock.now() });
    const ext = filename.includes('.') ? filename.slice(filename.lastIndexOf('.')) : '';
    return `${this.baseUrl.replace(/\/$/, '')}/files/${id}.${expiresAt}.${this.sign(id, expiresAt)}${ext}`;
  }

  /** Resolves a path segment from a link; null when forged, expired or gone. */
  open(segment: string): { filename: string; mime: string; data: Buffer } | null {
    const m = segment.match(/^([0-9a-f]{24})\.(\d+)\.([0-9a-f]{64})(\.\w+)?$/);
    if (!m) return null;
    const [, id, exp, sig] = m as unknown as [string, string, string, string];
    const expected = Buffer.from(this.sign(id, Number(exp)), 'hex');
    const given = Buffer.from(sig, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (Number(exp) <= this.clock.now()) return null;
    const row = this.repo.get(id);
    if (!row || row.expiresAt <= this.clock.now()) return null;
    return { filename: row.filename, mime: row.mime, data: Buffer.from(row.data, 'base64') };
  }

  prune(): number {
    return this.repo.deleteExpired(this.clock.now());
  }

  private sign(id: string, expiresAt: number): string {
    return createHmac('sha256', this.secret).update(`${id}.${expiresAt}`).digest('hex');
  }
}
