/** A refusal or failure the user should hear about; `code` maps to a locale key at the edge. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = 'DomainError';
  }
}

export const errorCodes = [
  'AUTH.NOT_ADMIN',
  'AUTH.NOT_MEMBER',
  'AUTH.FORBIDDEN',
  'AUTH.PENDING',
  'CELL.NOT_FOUND',
  'CELL.NAME_INVALID',
  'CELL.GROUP_ALREADY_LINKED',
  'CELL.GROUP_TAKEN',
  'CELL.NOT_GROUP',
  'INVITE.NOT_FOUND',
  'INVITE.EXPIRED',
  'INVITE.REVOKED',
  'INVITE.USED_UP',
  'INVITE.ALREADY_MEMBER',
  'INVITE.ALREADY_PENDING',
  'JOIN.NOT_PENDING',
  'MEMBER.NOT_FOUND',
  'MEMBER.NAME_INVALID',
  'MEMBER.ID_NUMBER',
  'MEMBER.LAST_SECRETARY',
  'MEMBER.SELF',
  'MEMBER.DATE_INVALID',
  'MEMBER.DATE_ORDER',
  'LINK.CODE_INVALID',
  'LINK.SAME_CHANNEL',
  'LINK.ALREADY_LINKED',
  'INPUT.TOO_LONG',
  'SETTINGS.INVALID',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
