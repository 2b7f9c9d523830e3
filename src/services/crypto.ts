import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import { encodeCode } from '../domain/invites.js';

/**
 * The secrets behind anonymous feedback and private self-criticism. Everything here keeps a
 * secret outside the database: a copy of the database file alone cannot reverse a counter, match a
 * ticket or read a note.
 */

export interface KeyEntry {
  id: string;
  key: Buffer;
}

/** The development key: anyone with the source code has it, so start-up warns about it in production. */
export const DEV_KEY_ID = 'dev';
const DEV_KEY = createHash('sha256').update('chibo4tot: self-review development key, NOT a secret').digest();

/** "k1:base64key,k2:base64key" → entries (config has checked the shape); ids must be unique. */
export function parseKeyring(spec: string | undefined): KeyEntry[] {
  if (!spec) return [];
  const entries = spec.split(',').map((pair) => {
    const at = pair.indexOf(':');
    const id = pair.slice(0, at).trim();
    const key = Buffer.from(pair.slice(at + 1).trim(), 'base64');
    if (!id || id === DEV_KEY_ID || key.length !== 32) throw new Error(`SELF_REVIEW_KEYS: key "${id}" must be 32 bytes in base64 and not be named "${DEV_KEY_ID}"`);
    return { id, key };
  });
  if (new Set(entries.map((e) => e.id)).size !== entries.length) throw new Error('SELF_REVIEW_KEYS: key ids must be unique');
  return entries;
}

/**
 * Encryption keys with ids: the first configured key encrypts, every listed key decrypts (so keys
 * rotate: put the new key first, keep the old until notes are re-encrypted). The development key
 * stays readable so notes written before keys were configured are re-encrypted, not lost.
 */
export class Keyring {
  readonly current: KeyEntry;
  private readonly byId: Map<string, Buffer>;

  constructor(configured: readonly KeyEntry[]) {
    this.current = configured[0] ?? { id: DEV_KEY_ID, key: DEV_KEY };
    this.byId = new Map([...configured.map((e) => [e.id, e.key] as const), [DEV_KEY_ID, DEV_KEY] as const]);
  }

  get usingDevKey(): boolean {
    return this.current.id === DEV_KEY_ID;
  }

  key(id: string): Buffer | undefined {
    return this.byId.get(id);
  }
}

/** AES-256-GCM with a fresh 96-bit nonce per write; `aad` binds a ciphertext to its row. */
export function seal(key: Buffer, plain: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Throws when the key is wrong or the ciphertext (or its row binding) was tampered with. */
export function unseal(key: Buffer, sealed: string, aad: string): string {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length < 28) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export class NoteCipher {
  constructor(readonly keyring: Keyring) {}

  encrypt(plain: string, aad: string): { keyId: string; content: string } {
    return { keyId: this.keyring.current.id, content: seal(this.keyring.current.key, plain, aad) };
  }

  decrypt(keyId: string, content: string, aad: string): string {
    const key = this.keyring.key(keyId);
    if (!key) throw new Error(`self-review key "${keyId}" is not configured`);
    return unseal(key, content, aad);
  }
}

/** The feedback secret from the environment, or one derived from the bot tokens (never stored). */
export function feedbackSecretFrom(config: { FEEDBACK_SECRET?: string | undefined; BOT_TOKEN?: string | undefined; ZALO_BOT_TOKEN?: string | undefined }): { secret: string; derived: boolean } {
  if (config.FEEDBACK_SECRET) return { secret: config.FEEDBACK_SECRET, derived: false };
  return { secret: createHash('sha256').update(`${config.BOT_TOKEN ?? ''}|${config.ZALO_BOT_TOKEN ?? ''}|feedback`).digest('hex'), derived: true };
}

/**
 * Keyed hashes for anonymous feedback. The abuse counter's key changes every day and is derived
 * from the secret, so neither the database nor an old counter reveals whose counter it was; tickets
 * are matched by HMAC, so a stolen database cannot test codes; drafts waiting in a dialogue are
 * sealed, so the typed text never sits in clear next to the chat it came from.
 */
export class FeedbackSecrets {
  private readonly draftKey: Buffer;

  constructor(private readonly secret: string) {
    this.draftKey = Buffer.from(hkdfSync('sha256', secret, 'chibo4tot', 'feedback draft', 32));
  }

  private dayKey(day: string): Buffer {
    return createHmac('sha256', this.secret).update(`feedback:limit:${day}`).digest();
  }

  limitBucket(day: string, cellId: number, personId: number): string {
    return createHmac('sha256', this.dayKey(day)).update(`${cellId}:${personId}`).digest('hex').slice(0, 32);
  }

  ticketHash(code: string): string {
    return createHmac('sha256', this.secret).update(`feedback:ticket:${code}`).digest('hex');
  }

  sealDraft(text: string, aad: string): string {
    return seal(this.draftKey, text, aad);
  }

  /** The sealed draft, or null when it cannot be opened (another secret, or tampered). */
  openDraft(sealed: unknown, aad: string): string | null {
    if (typeof sealed !== 'string') return null;
    try {
      return unseal(this.draftKey, sealed, aad);
    } catch {
      return null;
    }
  }
}

/** A fresh ticket code (10 symbols, 50 bits). */
export const newTicket = (length: number): string => encodeCode(randomBytes(length), length);

/** A random row id below 2^48: no order, so rows do not tell which came first. */
export const randomRowId = (): number => randomInt(1, 2 ** 48);

/** A uniform integer in [0, n), for shuffling digests. */
export const randomBelow = (n: number): number => randomInt(0, n);
