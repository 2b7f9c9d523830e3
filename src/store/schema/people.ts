import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt, timestamp } from './columns.js';

export const channelNames = ['telegram', 'zalo'] as const;

/** A human being, whatever channels they use and however many cells they belong to. */
export const persons = sqliteTable('persons', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  locale: text('locale', { enum: ['vi', 'en'] }),
  /** Where private messages go; null = the channel used last. */
  preferredChannel: text('preferred_channel', { enum: channelNames }),
  createdAt: createdAt(),
});

/** One chat account of a person on one channel. */
export const accounts = sqliteTable(
  'accounts',
  {
    channel: text('channel', { enum: channelNames }).notNull(),
    externalId: text('external_id').notNull(),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    displayName: text('display_name').notNull().default(''),
    /** False once the channel said we cannot message them (blocked, never started, …). */
    reachable: integer('reachable', { mode: 'boolean' }).notNull().default(true),
    unreachableReason: text('unreachable_reason'),
    lastSeenAt: timestamp('last_seen_at'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.externalId] }), index('accounts_person_id_idx').on(t.personId)],
);

/** One-time codes that attach a second channel's account to an existing person. */
export const linkCodes = sqliteTable('link_codes', {
  codeHash: text('code_hash').primaryKey(),
  personId: integer('person_id')
    .notNull()
    .references(() => persons.id, { onDelete: 'cascade' }),
  fromChannel: text('from_channel', { enum: channelNames }).notNull(),
  expiresAt: timestamp('expires_at').notNull(),
  usedAt: timestamp('used_at'),
  createdAt: createdAt(),
});
