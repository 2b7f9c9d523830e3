import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, timestamp } from './columns.js';
import { channelNames } from './people.js';

export const outboxStatuses = ['pending', 'sending', 'sent', 'failed', 'held'] as const;

/** Every message that is not a direct answer; survives restarts, sent once per idempotency key. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id'),
    personId: integer('person_id'),
    channel: text('channel', { enum: channelNames }).notNull(),
    chatId: text('chat_id').notNull(),
    /** The platform-neutral message (JSON). */
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** Essential messages (approvals, notices that matter) are never held back for quota. */
    essential: integer('essential', { mode: 'boolean' }).notNull().default(true),
    status: text('status', { enum: outboxStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Parts of a split message already delivered, so a retry does not repeat them. */
    partsSent: integer('parts_sent').notNull().default(0),
    /** The platform message to edit instead of sending anew, where the channel can. */
    replaceRef: text('replace_ref'),
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    lastError: text('last_error'),
    /** Platform message id once sent, for later edits of cards. */
    sentRef: text('sent_ref'),
    sentAt: timestamp('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('outbox_idempotency_key_idx').on(t.idempotencyKey),
    index('outbox_status_next_attempt_at_idx').on(t.status, t.nextAttemptAt),
  ],
);

/** Messages sent per channel and month, for quota-limited channels (Zalo's free plan). */
export const channelUsage = sqliteTable('channel_usage', {
  key: text('key').primaryKey(), // `${channel}:${yyyy-mm}`
  count: integer('count').notNull().default(0),
  warnedAt: timestamp('warned_at'),
  pausedUntil: timestamp('paused_until'),
});

/** Scheduled runs already done, keyed by job and window, so a restart never repeats one. */
export const jobRuns = sqliteTable('job_runs', {
  key: text('key').primaryKey(),
  ranAt: timestamp('ran_at').notNull(),
});

/** Files offered as signed links on channels that cannot receive documents. */
export const artifacts = sqliteTable('artifacts', {
  id: text('id').primaryKey(),
  cellId: integer('cell_id'),
  filename: text('filename').notNull(),
  mime: text('mime').notNull(),
  data: text('data').notNull(), // base64
  expiresAt: timestamp('expires_at').notNull(),
  createdAt: createdAt(),
});
