import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { feedbackTopics } from '../../domain/feedback.js';
import { cells } from './cells.js';
import { createdAt, timestamp } from './columns.js';
import { members } from './members.js';

/** A draft resolution or plan the secretary opened for comments: its title, and its text or a link. */
export const feedbackDrafts = sqliteTable(
  'feedback_drafts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    /** The draft's text, or null when it is given as a link (never an uploaded document). */
    body: text('body'),
    link: text('link'),
    deadline: timestamp('deadline').notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
    openedBy: integer('opened_by')
      .notNull()
      .references(() => members.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
    closedAt: timestamp('closed_at'),
  },
  (t) => [index('feedback_drafts_cell_id_status_idx').on(t.cellId, t.status)],
);

/**
 * Anonymous feedback. Deliberately without member, account, chat or message ids, user names or a
 * time of day: `id` is random (so not even the row order tells who wrote first), `createdOn` is the
 * day in the cell's time zone, and the ticket is kept only as a keyed hash.
 */
export const feedbackItems = sqliteTable(
  'feedback',
  {
    id: integer('id').primaryKey(),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    topic: text('topic', { enum: feedbackTopics }).notNull(),
    draftId: integer('draft_id').references(() => feedbackDrafts.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    createdOn: text('created_on').notNull(),
    ticketHash: text('ticket_hash').notNull(),
    /** The day it went out in a digest (or to the secretary, for draft comments). */
    deliveredOn: text('delivered_on'),
    answer: text('answer'),
    answeredOn: text('answered_on'),
    /** The committee member who answered (answers are signed by the committee, not anonymous). */
    answeredBy: integer('answered_by').references(() => members.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('feedback_ticket_hash_idx').on(t.ticketHash), index('feedback_cell_id_delivered_on_idx').on(t.cellId, t.deliveredOn), index('feedback_draft_id_idx').on(t.draftId)],
);

/**
 * Abuse counters: how many anonymous items one (unknown) member sent on one day. The bucket is an
 * HMAC of the cell and person under a key derived per day from a secret outside the database, so
 * the database alone cannot tell whose counter it is; rows of past days are deleted.
 */
export const feedbackLimits = sqliteTable('feedback_limits', {
  bucket: text('bucket').primaryKey(),
  day: text('day').notNull(),
  count: integer('count').notNull().default(0),
});

/** Named (open) comments on drafts, and feedback a member chose to send under their own name. */
export const feedbackOpen = sqliteTable(
  'feedback_open',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    draftId: integer('draft_id').references(() => feedbackDrafts.id, { onDelete: 'cascade' }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'restrict' }),
    topic: text('topic', { enum: feedbackTopics }).notNull(),
    text: text('text').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('feedback_open_cell_id_idx').on(t.cellId), index('feedback_open_draft_id_idx').on(t.draftId)],
);
