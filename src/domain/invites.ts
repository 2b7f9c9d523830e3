/** Invite codes: random, unguessable, typed by hand on Zalo, so no look-alike characters. */
export const inviteAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const INVITE_CODE_LENGTH = 12;
export const LINK_CODE_LENGTH = 8;

export interface InviteFacts {
  expiresAt: number; // epoch ms
  revokedAt: number | null;
  maxUses: number | null; // null = unlimited until expiry
  uses: number;
}

export type InviteProblem = 'INVITE.EXPIRED' | 'INVITE.REVOKED' | 'INVITE.USED_UP';

export function inviteProblem(invite: InviteFacts, now: number): InviteProblem | null {
  if (invite.revokedAt !== null) return 'INVITE.REVOKED';
  if (now >= invite.expiresAt) return 'INVITE.EXPIRED';
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'INVITE.USED_UP';
  return null;
}

/** Maps random bytes onto the alphabet (32 symbols, so a byte's low 5 bits are uniform). */
export function encodeCode(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += inviteAlphabet[(bytes[i] ?? 0) & 31];
  return out;
}

/** What a person typed ("abcd-efgh jklm", "/start ABCDEFGHJKLM") → the bare code, or null. */
export function normaliseCode(typed: string, length: number): string | null {
  const bare = typed
    .replace(/^\/start(@\w+)?\s*/i, '')
    .toUpperCase()
    .replace(/[\s-]/g, '');
  if (bare.length !== length) return null;
  for (const ch of bare) if (!inviteAlphabet.includes(ch)) return null;
  return bare;
}

/** "ABCDEFGHJKLM" → "ABCD-EFGH-JKLM", easier to read aloud and type. */
export function formatCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}
