import { describe, expect, it } from 'vitest';
import { encodeCode, formatCode, INVITE_CODE_LENGTH, inviteAlphabet, inviteProblem, LINK_CODE_LENGTH, normaliseCode, type InviteFacts } from './invites.js';

const T = Date.UTC(2026, 10, 26, 7, 0, 0);
const fresh: InviteFacts = { expiresAt: T, revokedAt: null, maxUses: 1, uses: 0 };

describe('inviteProblem', () => {
  it('accepts a fresh invite before expiry', () => {
    expect(inviteProblem(fresh, T - 1)).toBeNull();
    expect(inviteProblem(fresh, T - 7 * 86_400_000)).toBeNull();
  });

  it('expires at the exact millisecond', () => {
    expect(inviteProblem(fresh, T - 1)).toBeNull();
    expect(inviteProblem(fresh, T)).toBe('INVITE.EXPIRED');
    expect(inviteProblem(fresh, T + 1)).toBe('INVITE.EXPIRED');
  });

  it('reports revoked before expired and used up', () => {
    const revoked: InviteFacts = { ...fresh, revokedAt: T - 1000 };
    expect(inviteProblem(revoked, T - 5000)).toBe('INVITE.REVOKED');
    expect(inviteProblem(revoked, T + 5000)).toBe('INVITE.REVOKED');
    expect(inviteProblem({ ...revoked, uses: 1 }, T + 5000)).toBe('INVITE.REVOKED');
    expect(inviteProblem({ ...revoked, uses: 1 }, T - 5000)).toBe('INVITE.REVOKED');
    expect(inviteProblem({ ...fresh, revokedAt: 0 }, T - 5000)).toBe('INVITE.REVOKED');
  });

  it('reports expired before used up', () => {
    expect(inviteProblem({ ...fresh, uses: 1 }, T)).toBe('INVITE.EXPIRED');
  });

  it('uses up a single-use invite after one use', () => {
    expect(inviteProblem({ ...fresh, maxUses: 1, uses: 0 }, T - 1)).toBeNull();
    expect(inviteProblem({ ...fresh, maxUses: 1, uses: 1 }, T - 1)).toBe('INVITE.USED_UP');
    expect(inviteProblem({ ...fresh, maxUses: 1, uses: 2 }, T - 1)).toBe('INVITE.USED_UP');
  });

  it('uses up a multi-use invite at its limit', () => {
    expect(inviteProblem({ ...fresh, maxUses: 5, uses: 0 }, T - 1)).toBeNull();
    expect(inviteProblem({ ...fresh, maxUses: 5, uses: 4 }, T - 1)).toBeNull();
    expect(inviteProblem({ ...fresh, maxUses: 5, uses: 5 }, T - 1)).toBe('INVITE.USED_UP');
    expect(inviteProblem({ ...fresh, maxUses: 5, uses: 6 }, T - 1)).toBe('INVITE.USED_UP');
  });

  it('never uses up an unlimited invite before expiry', () => {
    for (const uses of [0, 1, 50, 10_000]) expect(inviteProblem({ ...fresh, maxUses: null, uses }, T - 1)).toBeNull();
    expect(inviteProblem({ ...fresh, maxUses: null, uses: 10_000 }, T)).toBe('INVITE.EXPIRED');
  });
});

describe('inviteAlphabet', () => {
  it('has 32 distinct symbols without look-alikes', () => {
    expect(inviteAlphabet).toHaveLength(32);
    expect(new Set(inviteAlphabet).size).toBe(32);
    for (const ch of 'O0I1') expect(inviteAlphabet).not.toContain(ch);
    expect(inviteAlphabet).toMatch(/^[A-Z2-9]+$/);
  });
});

describe('encodeCode', () => {
  it('maps every byte value uniformly onto the alphabet', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const code = encodeCode(all, 256);
    expect(code).toHaveLength(256);
    const counts = new Map<string, number>();
    for (const ch of code) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(32);
    for (const ch of inviteAlphabet) expect(counts.get(ch)).toBe(8);
  });

  it('uses the low five bits of each byte', () => {
    expect(encodeCode(Uint8Array.from([0, 1, 31, 32, 33, 255]), 6)).toBe(`AB9AB9`);
    for (let b = 0; b < 256; b++) expect(encodeCode(Uint8Array.from([b]), 1)).toBe(inviteAlphabet[b % 32]);
  });

  it('gives codes of the requested length from the alphabet only', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 255);
    for (const length of [LINK_CODE_LENGTH, INVITE_CODE_LENGTH]) {
      const code = encodeCode(bytes, length);
      expect(code).toHaveLength(length);
      for (const ch of code) expect(inviteAlphabet).toContain(ch);
      expect(normaliseCode(code, length)).toBe(code);
    }
  });

  it('pads with the first symbol when bytes run short', () => {
    expect(encodeCode(Uint8Array.from([1]), 4)).toBe('BAAA');
    expect(encodeCode(new Uint8Array(0), 3)).toBe('AAA');
  });
});

describe('normaliseCode', () => {
  const code = 'ABCDEFGHJKLM';

  it.each([
    ['bare', 'ABCDEFGHJKLM'],
    ['lower case', 'abcdefghjklm'],
    ['mixed case', 'AbCdEfGhJkLm'],
    ['dashes', 'ABCD-EFGH-JKLM'],
    ['spaces', 'abcd efgh jklm'],
    ['dashes and spaces', ' abcd - efgh - jklm '],
    ['/start', '/start ABCDEFGHJKLM'],
    ['/start without space', '/startABCDEFGHJKLM'],
    ['/START upper case', '/START abcd-efgh-jklm'],
    ['/start@bot', '/start@chibo_bot ABCDEFGHJKLM'],
    ['tab and newline', 'ABCD\tEFGH\nJKLM'],
  ])('accepts %s', (_name, typed) => {
    expect(normaliseCode(typed, INVITE_CODE_LENGTH)).toBe(code);
  });

  it.each([
    ['too short', 'ABCDEFGHJKL'],
    ['too long', 'ABCDEFGHJKLMN'],
    ['empty', ''],
    ['/start alone', '/start'],
    ['letter O', 'ABCDEFGHJKLO'],
    ['digit 0', 'ABCDEFGHJKL0'],
    ['letter I', 'ABCDEFGHJKLI'],
    ['digit 1', 'ABCDEFGHJKL1'],
    ['lower o', 'abcdefghjklo'],
    ['lower i', 'abcdefghjkli'],
    ['punctuation', 'ABCD.EFGH.JKLM'],
    ['underscore', 'ABCD_EFGH_JKLM'],
    ['accented letter', 'ÁBCDEFGHJKLM'],
    ['another command', '/join ABCDEFGHJKLM'],
  ])('rejects %s', (_name, typed) => {
    expect(normaliseCode(typed, INVITE_CODE_LENGTH)).toBeNull();
  });

  it('works for link codes of their own length', () => {
    expect(normaliseCode('abcd-efgh', LINK_CODE_LENGTH)).toBe('ABCDEFGH');
    expect(normaliseCode('ABCDEFGHJKLM', LINK_CODE_LENGTH)).toBeNull();
  });

  it('round-trips formatCode', () => {
    for (const c of [code, '23456789ABCD', 'ZZZZYYYYXXXX']) expect(normaliseCode(formatCode(c), INVITE_CODE_LENGTH)).toBe(c);
  });
});

describe('formatCode', () => {
  it.each([
    ['ABCDEFGHJKLM', 'ABCD-EFGH-JKLM'],
    ['ABCDEFGH', 'ABCD-EFGH'],
    ['ABCDE', 'ABCD-E'],
    ['ABCD', 'ABCD'],
    ['AB', 'AB'],
    ['', ''],
  ])('%j → %j', (input, want) => {
    expect(formatCode(input)).toBe(want);
  });
});
