import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from './columns.js';
import { channelNames } from './people.js';

/**
 * The state of one private or group chat: the dialogue in progress (if any) and the last
 * menu of choices shown, so a typed "2" or a restart mid-dialogue still works.
 */
export const conversations = sqliteTable(
  'conversations',
  {
    channel: text('channel', { enum: channelNames }).notNull(),
    chatId: text('chat_id').notNull(),
    flow: text('flow'),
    step: text('step'),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    choices: text('choices', { mode: 'json' }).$type<{ n: number; label: string; action: string; notice?: boolean; at?: number }[]>().notNull().default([]),
    /** The cell this chat last worked on, for people in several cells. */
    cellId: integer('cell_id'),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.chatId] })],
);

/** Inbound updates already handled, so a redelivered update is not handled twice. */
export const processedUpdates = sqliteTable(
  'processed_updates',
  {
    channel: text('channel', { enum: channelNames }).notNull(),
    updateKey: text('update_key').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.updateKey] })],
);
