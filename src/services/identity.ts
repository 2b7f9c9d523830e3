import { DomainError } from '../domain/errors.js';
import { LINK_CODE_LENGTH, normaliseCode } from '../domain/invites.js';
import type { AccountRow, ChannelName } from '../store/repos/people.js';
import type { ServiceDeps } from './context.js';
import { hashCode, newCode } from './invites.js';

const LINK_TTL_MS = 15 * 60_000;

/** One person, several channels: accounts are created on first contact and joined by one-time codes. */
export class IdentityService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly admins: Partial<Record<ChannelName, readonly string[]>>,
  ) {}

  touch(channel: ChannelName, externalId: string, displayName: string): AccountRow {
    return this.deps.repos.people.touchAccount(channel, externalId, displayName, this.deps.clock.now());
  }

  isAdmin(channel: ChannelName, externalId: string): boolean {
    return this.admins[channel]?.includes(externalId) ?? false;
  }

  /** An admin on any of the person's channels is an admin. */
  isAdminPerson(personId: number): boolean {
    return this.deps.repos.people.accountsOf(personId).some((a) => this.isAdmin(a.channel, a.externalId));
  }

  /** A one-time code, valid 15 minutes, to send from the other channel. */
  createLinkCode(personId: number, fromChannel: ChannelName): { code: string; expiresAt: number } {
    const code = newCode(LINK_CODE_LENGTH);
    const now = this.deps.clock.now();
    this.deps.repos.people.createLinkCode({ codeHash: hashCode(code), personId, fromChannel, expiresAt: now + LINK_TTL_MS, createdAt: now });
    return { code, expiresAt: now + LINK_TTL_MS };
  }

  /** True when `typed` has the shape of a link code (so the caller can try it). */
  looksLikeLinkCode(typed: string): boolean {
    return normaliseCode(typed, LINK_CODE_LENGTH) !== null;
  }

  /**
   * Attaches the account that typed the code to the person who asked for it. Memberships the
   * account's old person had move along, unless the same cell is already on the target.
   */
  redeemLinkCode(account: AccountRow, typed: string): number {
    const code = normaliseCode(typed, LINK_CODE_LENGTH);
    if (!code) throw new DomainError('LINK.CODE_INVALID');
    const { repos, clock, store } = this.deps;
    return store.db.transaction(() => {
      const link = repos.people.useLinkCode(hashCode(code), clock.now());
      if (!link || link.expiresAt <= clock.now()) throw new DomainError('LINK.CODE_INVALID');
      if (link.personId === account.personId) throw new DomainError('LINK.ALREADY_LINKED');
      if (link.fromChannel === account.channel) throw new DomainError('LINK.SAME_CHANNEL');
      if (repos.people.accountsOf(link.personId).some((a) => a.channel === account.channel)) throw new DomainError('LINK.ALREADY_LINKED');
      const targetCells = new Set(repos.members.ofPerson(link.personId).map((m) => m.cellId));
      const moving = repos.members.ofPerson(account.personId);
      if (moving.some((m) => targetCells.has(m.cellId) && m.status === 'active')) throw new DomainError('LINK.ALREADY_LINKED');
      for (const m of moving) {
        if (!targetCells.has(m.cellId)) repos.members.reassign(m.id, link.personId);
      }
      const oldPerson = account.personId;
      repos.people.moveAccount(account.channel, account.externalId, link.personId);
      repos.audit.record({ cellId: null, actorPersonId: link.personId, action: 'account.link', details: { channel: account.channel }, createdAt: clock.now() });
      if (repos.members.ofPerson(oldPerson).length === 0) repos.people.deletePersonIfOrphan(oldPerson);
      return link.personId;
    });
  }
}
