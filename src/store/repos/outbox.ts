import { and, asc, count, eq, gte, inArray, lt, lte, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { channelUsage, jobRuns, outbox } from '../schema/index.js';
import type { ChannelName } from './people.js';

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxInsert = Omit<typeof outbox.$inferInsert, 'id'>;

export class OutboxRepo {
  constructor(private readonly db: Db) {}

  /** Inserts unless the idempotency key exists; true when it was new. */
  enqueue(row: OutboxInsert): boolean {
    return this.db.insert(outbox).values(row).onConflictDoNothing({ target: outbox.idempotencyKey }).run().changes === 1;
  }

  /**
   * Pending rows due by `now`: messages to one person first, bulk ones (a broadcast marked
   * `bulk` in its payload) after them, so a broadcast never holds up an answer or a card.
   * Chats in `skipChats` (busy right now) are looked past.
   */
  due(channel: ChannelName, now: number, limit: number, skipChats: readonly string[] = []): OutboxRow[] {
    const base = and(eq(outbox.channel, channel), eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now));
    return this.db
      .select()
      .from(outbox)
      .where(skipChats.length > 0 ? and(base, notInArray(outbox.chatId, [...skipChats])) : base)
      .orderBy(sql`coalesce(json_extract(${outbox.payload}, '$.bulk'), 0)`, asc(outbox.nextAttemptAt), asc(outbox.id))
      .limit(limit)
      .all();
  }

  nextDueAt(channel: ChannelName): number | null {
    const row = this.db
      .select({ at: sql<number | null>`min(${outbox.nextAttemptAt})` })
      .from(outbox)
      .where(and(eq(outbox.channel, channel), eq(outbox.status, 'pending')))
      .get();
    return row?.at ?? null;
  }

  /**
   * Takes a row for sending; false if another sender (the bot, or `jobs:run` in a second
   * process) took it first. A row left 'sending' by a killed process is freed by `recover`.
   */
  claim(id: number, now: number): boolean {
    return (
      this.db
        .update(outbox)
        .set({ status: 'sending', nextAttemptAt: now })
        .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')))
        .run().changes === 1
    );
  }

  /** Frees rows a killed sender had taken; they go out again (at least once beats never). */
  recover(channel: ChannelName, olderThan: number): number {
    return this.db
      .update(outbox)
      .set({ status: 'pending' })
      .where(and(eq(outbox.channel, channel), eq(outbox.status, 'sending'), lte(outbox.nextAttemptAt, olderThan)))
      .run().changes;
  }

  markSent(id: number, now: number, sentRef: string | null): void {
    this.db.update(outbox).set({ status: 'sent', sentAt: now, sentRef, lastError: null }).where(eq(outbox.id, id)).run();
  }

  retryAt(id: number, at: number, error: string, partsSent: number): void {
    this.db
      .update(outbox)
      .set({ status: 'pending', nextAttemptAt: at, lastError: error, partsSent, attempts: sql`${outbox.attempts} + 1` })
      .where(eq(outbox.id, id))
      .run();
  }

  fail(id: number, error: string): void {
    this.db.update(outbox).set({ status: 'failed', lastError: error }).where(eq(outbox.id, id)).run();
  }

  /** Holds messages back (quota); they stay in the table and are released later. */
  setStatus(ids: number[], status: OutboxRow['status'], nextAttemptAt?: number): void {
    if (ids.length === 0) return;
    this.db
      .update(outbox)
      .set(nextAttemptAt === undefined ? { status } : { status, nextAttemptAt })
      .where(inArray(outbox.id, ids))
      .run();
  }

  byStatus(channel: ChannelName, status: OutboxRow['status']): OutboxRow[] {
    return this.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.channel, channel), eq(outbox.status, status)))
      .orderBy(asc(outbox.id))
      .all();
  }

  countByStatus(): { channel: ChannelName; status: OutboxRow['status']; n: number }[] {
    return this.db
      .select({ channel: outbox.channel, status: outbox.status, n: count() })
      .from(outbox)
      .groupBy(outbox.channel, outbox.status)
      .all();
  }

  byKey(key: string): OutboxRow | undefined {
    return this.db.select().from(outbox).where(eq(outbox.idempotencyKey, key)).get();
  }

  /** Rows whose key starts with `prefix` (a card and its later edits), oldest first; a range on the key's index. */
  byKeyPrefix(prefix: string): OutboxRow[] {
    return this.db
      .select()
      .from(outbox)
      .where(and(gte(outbox.idempotencyKey, prefix), lt(outbox.idempotencyKey, `${prefix}\uffff`)))
      .orderBy(asc(outbox.id))
      .all();
  }

  /** Replaces the message of a row not yet taken by a sender; false if it was taken meanwhile. */
  updatePendingPayload(id: number, payload: Record<string, unknown>): boolean {
    return (
      this.db
        .update(outbox)
        .set({ payload })
        .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')))
        .run().changes === 1
    );
  }

  /** Pending, non-essential rows to one chat: the nudges that can be merged near a quota. */
  pendingNudges(channel: ChannelName, chatId: string): OutboxRow[] {
    return this.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.channel, channel), eq(outbox.chatId, chatId), eq(outbox.status, 'pending'), eq(outbox.essential, false)))
      .orderBy(asc(outbox.id))
      .all();
  }

  /** Marks rows as delivered inside another message (merged), keeping them for the record. */
  markMerged(ids: number[], intoKey: string, now: number): void {
    if (ids.length === 0) return;
    this.db.update(outbox).set({ status: 'sent', sentAt: now, sentRef: `merged:${intoKey}` }).where(inArray(outbox.id, ids)).run();
  }

  usage(key: string): typeof channelUsage.$inferSelect | undefined {
    return this.db.select().from(channelUsage).where(eq(channelUsage.key, key)).get();
  }

  addUsage(key: string, n: number): number {
    const row = this.db
      .insert(channelUsage)
      .values({ key, count: n })
      .onConflictDoUpdate({ target: channelUsage.key, set: { count: sql`${channelUsage.count} + ${n}` } })
      .returning()
      .get();
    return row.count;
  }

  updateUsage(key: string, patch: Partial<Omit<typeof channelUsage.$inferSelect, 'key'>>): void {
    this.db.insert(channelUsage).values({ key, count: 0, ...patch }).onConflictDoUpdate({ target: channelUsage.key, set: patch }).run();
  }

  /** Claims a job window once; false if it already ran. */
  claimJob(key: string, now: number): boolean {
    return this.db.insert(jobRuns).values({ key, ranAt: now }).onConflictDoNothing().run().changes === 1;
  }
}
