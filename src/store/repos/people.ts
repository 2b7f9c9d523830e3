import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db.js';
import { accounts, linkCodes, persons } from '../schema/index.js';

export type PersonRow = typeof persons.$inferSelect;
export type AccountRow = typeof accounts.$inferSelect;
export type ChannelName = AccountRow['channel'];

export class PeopleRepo {
  constructor(private readonly db: Db) {}

  account(channel: ChannelName, externalId: string): AccountRow | undefined {
    return this.db
      .select()
      .from(accounts)
      .where(and(eq(accounts.channel, channel), eq(accounts.externalId, externalId)))
      .get();
  }

  /** Finds the account, or creates a person with it; refreshes name and last-seen time. */
  touchAccount(channel: ChannelName, externalId: string, displayName: string, now: number): AccountRow {
    const found = this.account(channel, externalId);
    if (found) {
      this.db
        .update(accounts)
        .set({ displayName, lastSeenAt: now, reachable: true, unreachableReason: null })
        .where(and(eq(accounts.channel, channel), eq(accounts.externalId, externalId)))
        .run();
      return { ...found, displayName, lastSeenAt: now, reachable: true, unreachableReason: null };
    }
    return this.db.transaction((tx) => {
      const person = tx.insert(persons).values({ createdAt: now }).returning().get();
      return tx
        .insert(accounts)
        .values({ channel, externalId, personId: person.id, displayName, lastSeenAt: now, createdAt: now })
        .returning()
        .get();
    });
  }

  /** A person with no account yet (an imported member, until they open their personal invite). */
  createPerson(now: number): number {
    return this.db.insert(persons).values({ createdAt: now }).returning({ id: persons.id }).get().id;
  }

  person(id: number): PersonRow | undefined {
    return this.db.select().from(persons).where(eq(persons.id, id)).get();
  }

  updatePerson(id: number, patch: Partial<Pick<PersonRow, 'locale' | 'preferredChannel'>>): void {
    this.db.update(persons).set(patch).where(eq(persons.id, id)).run();
  }

  /** Accounts of a person, most recently used first. */
  accountsOf(personId: number): AccountRow[] {
    return this.db.select().from(accounts).where(eq(accounts.personId, personId)).orderBy(desc(accounts.lastSeenAt)).all();
  }

  markUnreachable(channel: ChannelName, externalId: string, reason: string): void {
    this.db
      .update(accounts)
      .set({ reachable: false, unreachableReason: reason })
      .where(and(eq(accounts.channel, channel), eq(accounts.externalId, externalId)))
      .run();
  }

  /** Moves an account to another person (cross-channel linking); drops the emptied person. */
  moveAccount(channel: ChannelName, externalId: string, toPersonId: number): void {
    this.db
      .update(accounts)
      .set({ personId: toPersonId })
      .where(and(eq(accounts.channel, channel), eq(accounts.externalId, externalId)))
      .run();
  }

  deletePersonIfOrphan(personId: number): void {
    const left = this.db.select().from(accounts).where(eq(accounts.personId, personId)).get();
    if (!left) this.db.delete(persons).where(eq(persons.id, personId)).run();
  }

  createLinkCode(row: typeof linkCodes.$inferInsert): void {
    this.db.insert(linkCodes).values(row).run();
  }

  /** Consumes a link code atomically: returns it once, and never again. */
  useLinkCode(codeHash: string, now: number): typeof linkCodes.$inferSelect | undefined {
    return this.db
      .update(linkCodes)
      .set({ usedAt: now })
      .where(and(eq(linkCodes.codeHash, codeHash), isNull(linkCodes.usedAt)))
      .returning()
      .get();
  }
}
