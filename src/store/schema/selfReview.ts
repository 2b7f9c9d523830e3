import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { reviewForms } from '../../domain/members.js';
import { seasonKinds } from '../../domain/selfReview.js';
import { cells } from './cells.js';
import { createdAt, timestamp } from './columns.js';
import { members } from './members.js';

/** A review season: the year-end review or one meeting's self-criticism, with a deadline. */
export const reviewSeasons = sqliteTable(
  'review_seasons',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: seasonKinds }).notNull(),
    label: text('label').notNull(),
    /** ISO date, in the cell's time zone. */
    deadline: text('deadline').notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
    openedBy: integer('opened_by')
      .notNull()
      .references(() => members.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
    closedAt: timestamp('closed_at'),
  },
  (t) => [index('review_seasons_cell_id_status_idx').on(t.cellId, t.status)],
);

/**
 * One member's self-criticism for one season. The content is AES-256-GCM ciphertext (nonce, tag
 * and ciphertext, base64) under the key named by `keyId`; nothing of the text is stored in clear.
 */
export const selfReviews = sqliteTable(
  'self_reviews',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    seasonId: integer('season_id')
      .notNull()
      .references(() => reviewSeasons.id, { onDelete: 'cascade' }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'restrict' }),
    form: text('form', { enum: reviewForms }).notNull(),
    status: text('status', { enum: ['draft', 'submitted'] }).notNull().default('draft'),
    keyId: text('key_id').notNull(),
    content: text('content').notNull(),
    submittedAt: timestamp('submitted_at'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [uniqueIndex('self_reviews_season_id_member_id_idx').on(t.seasonId, t.memberId), index('self_reviews_key_id_idx').on(t.keyId)],
);
