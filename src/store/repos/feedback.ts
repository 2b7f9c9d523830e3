import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, like, lt, lte, sql } from 'drizzle-orm';
import type { Store } from '../db.js';
import { conversations, feedbackDrafts, feedbackItems, feedbackLimits, feedbackOpen } from '../schema/index.js';

export type FeedbackDraftRow = typeof feedbackDrafts.$inferSelect;
export type FeedbackItemRow = typeof feedbackItems.$inferSelect;
export type FeedbackOpenRow = typeof feedbackOpen.$inferSelect;

/** Anonymous feedback, drafts opened for comments, named comments and the abuse counters. */
export class FeedbackRepo {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  /**
   * Freed space in the database file is zeroed (SQLite's secure_delete), so a wiped dialogue or a
   * deleted counter does not linger in the file. Set on the connection once, at start-up.
   */
  hardenStorage(): void {
    this.store.sqlite.pragma('secure_delete = ON');
  }

  /**
   * Copies the write-ahead log into the database and truncates it, so the log no longer holds the
   * pages a feedback was written in next to the dialogue it came from. Best effort: a reader in
   * another process can make SQLite stop early; the next call finishes the job.
   */
  flushLog(): void {
    // Waiting for another process's readers would stall this one: give up quickly, the next call finishes.
    const wait = Number(this.store.sqlite.pragma('busy_timeout', { simple: true }));
    this.store.sqlite.pragma('busy_timeout = 200');
    try {
      this.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.store.sqlite.pragma(`busy_timeout = ${wait}`);
    }
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  // ---- drafts opened for comments

  insertDraft(row: Omit<typeof feedbackDrafts.$inferInsert, 'id'>): FeedbackDraftRow {
    return this.db.insert(feedbackDrafts).values(row).returning().get();
  }

  draft(id: number): FeedbackDraftRow | undefined {
    return this.db.select().from(feedbackDrafts).where(eq(feedbackDrafts.id, id)).get();
  }

  openDrafts(cellId: number): FeedbackDraftRow[] {
    return this.db
      .select()
      .from(feedbackDrafts)
      .where(and(eq(feedbackDrafts.cellId, cellId), eq(feedbackDrafts.status, 'open')))
      .orderBy(asc(feedbackDrafts.deadline))
      .all();
  }

  /** Open drafts whose deadline has passed, in every cell. */
  dueDrafts(now: number): FeedbackDraftRow[] {
    return this.db
      .select()
      .from(feedbackDrafts)
      .where(and(eq(feedbackDrafts.status, 'open'), lte(feedbackDrafts.deadline, now)))
      .orderBy(asc(feedbackDrafts.id))
      .all();
  }

  /** Closes a draft once: false when another process (or the secretary) closed it first. */
  closeDraft(id: number, now: number): boolean {
    return (
      this.db
        .update(feedbackDrafts)
        .set({ status: 'closed', closedAt: now })
        .where(and(eq(feedbackDrafts.id, id), eq(feedbackDrafts.status, 'open')))
        .run().changes === 1
    );
  }

  /** Drafts opened in [from, to) (epoch ms), for participation counts. */
  draftsBetween(cellId: number, from: number, to: number): FeedbackDraftRow[] {
    return this.db
      .select()
      .from(feedbackDrafts)
      .where(and(eq(feedbackDrafts.cellId, cellId), gte(feedbackDrafts.createdAt, from), lt(feedbackDrafts.createdAt, to)))
      .orderBy(asc(feedbackDrafts.createdAt))
      .all();
  }

  // ---- anonymous items

  /** Inserts unless the random id or ticket hash is taken (astronomically rare); false then, so the caller draws again. */
  insertItem(row: typeof feedbackItems.$inferInsert): boolean {
    return this.db.insert(feedbackItems).values(row).onConflictDoNothing().run().changes === 1;
  }

  item(id: number): FeedbackItemRow | undefined {
    return this.db.select().from(feedbackItems).where(eq(feedbackItems.id, id)).get();
  }

  byTicket(ticketHash: string): FeedbackItemRow | undefined {
    return this.db.select().from(feedbackItems).where(eq(feedbackItems.ticketHash, ticketHash)).get();
  }

  /** Items for the daily digest: not on a draft, not delivered yet. Ordered by the random id, so by nothing. */
  undelivered(cellId: number): FeedbackItemRow[] {
    return this.db
      .select()
      .from(feedbackItems)
      .where(and(eq(feedbackItems.cellId, cellId), isNull(feedbackItems.deliveredOn), isNull(feedbackItems.draftId)))
      .orderBy(asc(feedbackItems.id))
      .all();
  }

  anonymousOnDraft(draftId: number): FeedbackItemRow[] {
    return this.db.select().from(feedbackItems).where(eq(feedbackItems.draftId, draftId)).orderBy(asc(feedbackItems.id)).all();
  }

  markDelivered(ids: number[], day: string): void {
    if (ids.length === 0) return;
    this.db.update(feedbackItems).set({ deliveredOn: day }).where(inArray(feedbackItems.id, ids)).run();
  }

  /** Records the answer once: false when someone answered first. */
  answer(id: number, answer: string, day: string, memberId: number): boolean {
    return (
      this.db
        .update(feedbackItems)
        .set({ answer, answeredOn: day, answeredBy: memberId })
        .where(and(eq(feedbackItems.id, id), isNull(feedbackItems.answer)))
        .run().changes === 1
    );
  }

  /** Delivered general items, unanswered first, for the committee's list. */
  delivered(cellId: number, limit: number): FeedbackItemRow[] {
    return this.db
      .select()
      .from(feedbackItems)
      .where(and(eq(feedbackItems.cellId, cellId), isNotNull(feedbackItems.deliveredOn), isNull(feedbackItems.draftId)))
      .orderBy(sql`${feedbackItems.answer} IS NOT NULL`, desc(feedbackItems.deliveredOn), asc(feedbackItems.id))
      .limit(limit)
      .all();
  }

  /** Anonymous items written in [fromDay, toDay] (ISO dates): drafts' comments and general ones. */
  itemsBetween(cellId: number, fromDay: string, toDay: string): Pick<FeedbackItemRow, 'draftId' | 'topic' | 'answeredOn'>[] {
    return this.db
      .select({ draftId: feedbackItems.draftId, topic: feedbackItems.topic, answeredOn: feedbackItems.answeredOn })
      .from(feedbackItems)
      .where(and(eq(feedbackItems.cellId, cellId), gte(feedbackItems.createdOn, fromDay), lte(feedbackItems.createdOn, toDay)))
      .all();
  }

  // ---- abuse counters

  /** Counts one more item in the bucket unless it already holds `limit`; false when over the limit. */
  bump(bucket: string, day: string, limit: number): boolean {
    return (
      this.db
        .insert(feedbackLimits)
        .values({ bucket, day, count: 1 })
        .onConflictDoUpdate({ target: feedbackLimits.bucket, set: { count: sql`${feedbackLimits.count} + 1` }, setWhere: lt(feedbackLimits.count, limit) })
        .run().changes === 1
    );
  }

  /** Counters of days before `day` are of no use and only a risk: gone. */
  pruneLimits(day: string): number {
    return this.db.delete(feedbackLimits).where(lt(feedbackLimits.day, day)).run().changes;
  }

  // ---- named comments

  insertOpen(row: Omit<typeof feedbackOpen.$inferInsert, 'id'>): FeedbackOpenRow {
    return this.db.insert(feedbackOpen).values(row).returning().get();
  }

  openOnDraft(draftId: number): FeedbackOpenRow[] {
    return this.db.select().from(feedbackOpen).where(eq(feedbackOpen.draftId, draftId)).orderBy(asc(feedbackOpen.id)).all();
  }

  openOnDrafts(draftIds: number[]): FeedbackOpenRow[] {
    if (draftIds.length === 0) return [];
    return this.db.select().from(feedbackOpen).where(inArray(feedbackOpen.draftId, draftIds)).orderBy(asc(feedbackOpen.id)).all();
  }

  anonymousOnDrafts(draftIds: number[]): Pick<FeedbackItemRow, 'draftId'>[] {
    if (draftIds.length === 0) return [];
    return this.db.select({ draftId: feedbackItems.draftId }).from(feedbackItems).where(inArray(feedbackItems.draftId, draftIds)).all();
  }

  // ---- dialogue traces

  /**
   * Forgets offers to delete a finished feedback dialogue that were never answered: the offer itself
   * would tell that this chat sent feedback. Returns how many chats were cleaned.
   */
  expireDeleteOffers(prefix: string, before: number): number {
    const stale = this.db
      .select({ channel: conversations.channel, chatId: conversations.chatId, choices: conversations.choices })
      .from(conversations)
      .where(and(like(conversations.choices, `%"${prefix}%`), lt(conversations.updatedAt, before)))
      .all();
    for (const c of stale) {
      const kept = c.choices.filter((x) => !x.action.startsWith(prefix));
      this.db
        .update(conversations)
        .set({ choices: kept })
        .where(and(eq(conversations.channel, c.channel), eq(conversations.chatId, c.chatId)))
        .run();
    }
    return stale.length;
  }
}
