import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { DEV_KEY_ID, FeedbackSecrets, feedbackSecretFrom, Keyring, NoteCipher, parseKeyring, seal, unseal } from './crypto.js';

const key = () => randomBytes(32);
const b64 = () => key().toString('base64');

describe('seal / unseal (AES-256-GCM)', () => {
  it('round-trips, with a fresh nonce each time', () => {
    const k = key();
    const a = seal(k, 'Bản tự kiểm điểm', 'row:1');
    const b = seal(k, 'Bản tự kiểm điểm', 'row:1');
    expect(a).not.toBe(b);
    expect(unseal(k, a, 'row:1')).toBe('Bản tự kiểm điểm');
    expect(Buffer.from(a, 'base64').toString('utf8')).not.toContain('kiểm');
  });

  it('refuses another key, another row binding, and any tampering', () => {
    const k = key();
    const sealed = seal(k, 'bí mật', 'row:1');
    expect(() => unseal(key(), sealed, 'row:1')).toThrow();
    expect(() => unseal(k, sealed, 'row:2')).toThrow();
    const raw = Buffer.from(sealed, 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => unseal(k, raw.toString('base64'), 'row:1')).toThrow();
    expect(() => unseal(k, 'AAAA', 'row:1')).toThrow();
  });
});

describe('keyring', () => {
  it('parses ids and keys, the first encrypting', () => {
    const [k1, k2] = [b64(), b64()];
    const entries = parseKeyring(`k1:${k1},k2:${k2}`);
    expect(entries.map((e) => e.id)).toEqual(['k1', 'k2']);
    const ring = new Keyring(entries);
    expect(ring.current.id).toBe('k1');
    expect(ring.usingDevKey).toBe(false);
    expect(ring.key('k2')?.toString('base64')).toBe(k2);
    expect(ring.key(DEV_KEY_ID)).toBeDefined();
  });

  it('falls back to the development key, and says so', () => {
    const ring = new Keyring(parseKeyring(undefined));
    expect(ring.current.id).toBe(DEV_KEY_ID);
    expect(ring.usingDevKey).toBe(true);
  });

  it('refuses short keys, duplicate ids and the reserved id', () => {
    expect(() => parseKeyring(`k1:${randomBytes(16).toString('base64')}`)).toThrow();
    const k = b64();
    expect(() => parseKeyring(`k1:${k},k1:${k}`)).toThrow();
    expect(() => parseKeyring(`dev:${k}`)).toThrow();
  });

  it('rotates: notes under the old key stay readable, new ones use the new key', () => {
    const [old, fresh] = [b64(), b64()];
    const before = new NoteCipher(new Keyring(parseKeyring(`old:${old}`)));
    const note = before.encrypt('nội dung', 'self-review:1:1:1');
    expect(note.keyId).toBe('old');
    const after = new NoteCipher(new Keyring(parseKeyring(`new:${fresh},old:${old}`)));
    expect(after.decrypt(note.keyId, note.content, 'self-review:1:1:1')).toBe('nội dung');
    expect(after.encrypt('x', 'a').keyId).toBe('new');
    const dropped = new NoteCipher(new Keyring(parseKeyring(`new:${fresh}`)));
    expect(() => dropped.decrypt(note.keyId, note.content, 'self-review:1:1:1')).toThrow(/not configured/);
  });
});

describe('config for the secrets', () => {
  it('accepts well-formed keys and refuses the rest, naming the variable', () => {
    const k = b64();
    expect(loadConfig({ BOT_TOKEN: '1:abcd', SELF_REVIEW_KEYS: `k1:${k}` }).SELF_REVIEW_KEYS).toBe(`k1:${k}`);
    expect(() => loadConfig({ BOT_TOKEN: '1:abcd', SELF_REVIEW_KEYS: 'k1:short' })).toThrow(/^SELF_REVIEW_KEYS /);
    expect(() => loadConfig({ BOT_TOKEN: '1:abcd', SELF_REVIEW_KEYS: `k1:${k},k1:${k}` })).toThrow(/^SELF_REVIEW_KEYS /);
    expect(() => loadConfig({ BOT_TOKEN: '1:abcd', SELF_REVIEW_KEYS: `dev:${k}` })).toThrow(/^SELF_REVIEW_KEYS /);
    expect(() => loadConfig({ BOT_TOKEN: '1:abcd', FEEDBACK_SECRET: 'short' })).toThrow(/^FEEDBACK_SECRET /);
    expect(loadConfig({ BOT_TOKEN: '1:abcd' }).FEEDBACK_SECRET).toBeUndefined();
  });

  it('derives a feedback secret from the tokens only when none is set', () => {
    expect(feedbackSecretFrom({ FEEDBACK_SECRET: 'x'.repeat(20) })).toEqual({ secret: 'x'.repeat(20), derived: false });
    const a = feedbackSecretFrom({ BOT_TOKEN: '1:a' });
    expect(a.derived).toBe(true);
    expect(a.secret).not.toContain('1:a');
    expect(feedbackSecretFrom({ BOT_TOKEN: '1:b' }).secret).not.toBe(a.secret);
  });
});

describe('FeedbackSecrets', () => {
  const s = new FeedbackSecrets('a-long-enough-secret-for-tests');

  it('gives each person a different bucket each day, unreadable without the secret', () => {
    const a = s.limitBucket('2026-11-24', 1, 7);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(s.limitBucket('2026-11-24', 1, 7)).toBe(a);
    expect(s.limitBucket('2026-11-25', 1, 7)).not.toBe(a);
    expect(s.limitBucket('2026-11-24', 1, 8)).not.toBe(a);
    expect(s.limitBucket('2026-11-24', 2, 7)).not.toBe(a);
    expect(new FeedbackSecrets('another-secret-entirely-here').limitBucket('2026-11-24', 1, 7)).not.toBe(a);
  });

  it('hashes tickets with the secret', () => {
    expect(s.ticketHash('ABCDEFGHJK')).toBe(s.ticketHash('ABCDEFGHJK'));
    expect(s.ticketHash('ABCDEFGHJK')).not.toBe(new FeedbackSecrets('another-secret-entirely-here').ticketHash('ABCDEFGHJK'));
  });

  it('seals drafts to their chat', () => {
    const sealed = s.sealDraft('góp ý', 'chat:1');
    expect(s.openDraft(sealed, 'chat:1')).toBe('góp ý');
    expect(s.openDraft(sealed, 'chat:2')).toBeNull();
    expect(s.openDraft(42, 'chat:1')).toBeNull();
    expect(new FeedbackSecrets('another-secret-entirely-here').openDraft(sealed, 'chat:1')).toBeNull();
  });
});
