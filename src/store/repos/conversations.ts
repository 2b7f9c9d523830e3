import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db.js';
import { conversations, processedUpdates } from '../schema/index.js';
import type { ChannelName } from './people.js';

export type ConversationRow = typeof conversations.$inferSelect;
export type ConversationPatch = Partial<Pick<ConversationRow, 'flow' | 'step' | 'data' | 'choices' | 'cellId'>>;

export class ConversationRepo {
  constructor(private readonly db: Db) {}

  get(channel: ChannelName, chatId: string): ConversationRow | undefined {
    return this.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.channel, channel), eq(conversations.chatId, chatId)))
      .get();
  }

  save(channel: ChannelName, chatId: string, patch: ConversationPatch, now: number): void {
    this.db
      .insert(conversations)
      .values({ channel, chatId, ...patch, updatedAt: now })
      .onConflictDoUpdate({ target: [conversations.channel, conversations.chatId], set: { ...patch, updatedAt: now } })
      .run();
  }

  wasProcessed(channel: ChannelName, updateKey: string): boolean {
    return (
      this.db
        .select({ key: processedUpdates.updateKey })
        .from(processedUpdates)
        .where(and(eq(processedUpdates.channel, channel), eq(processedUpdates.updateKey, updateKey)))
        .get() !== undefined
    );
  }

  /** Records an inbound update; false when it was seen before (a redelivery). */
  markProcessed(channel: ChannelName, updateKey: string, now: number): boolean {
    const res = this.db.insert(processedUpdates).values({ channel, updateKey, createdAt: now }).onConflictDoNothing().run();
    return res.changes === 1;
  }

  pruneProcessed(before: number): void {
    this.db.delete(processedUpdates).where(lt(processedUpdates.createdAt, before)).run();
  }
}
