import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { residenceExemptReasons } from '../../domain/residence.js';
import { cells } from './cells.js';
import { createdAt, timestamp } from './columns.js';
import { members } from './members.js';

/**
 * The member field `residenceExempt` (Quy định 213-QĐ/TW): a row means the member is exempt from
 * keeping ties with their place of residence, for the reason given. Kept beside `members` so the
 * foundation table is untouched.
 */
export const residenceExemptions = sqliteTable('residence_exemptions', {
  memberId: integer('member_id')
    .primaryKey()
    .references(() => members.id, { onDelete: 'cascade' }),
  cellId: integer('cell_id')
    .notNull()
    .references(() => cells.id, { onDelete: 'cascade' }),
  reason: text('reason', { enum: residenceExemptReasons }).notNull(),
  setBy: integer('set_by'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at').notNull(),
});

/** The yearly comment from the residence party committee (form 3-213), ticked as handed in. */
export const residenceComments = sqliteTable(
  'residence_comments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    year: integer('year').notNull(),
    /** ISO date the secretary recorded it. */
    receivedOn: text('received_on').notNull(),
    recordedBy: integer('recorded_by'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('residence_comments_member_id_year_idx').on(t.memberId, t.year), index('residence_comments_cell_id_year_idx').on(t.cellId, t.year)],
);
