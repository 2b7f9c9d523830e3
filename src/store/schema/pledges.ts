import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { cells } from './cells.js';
import { createdAt, timestamp } from './columns.js';
import { members } from './members.js';

/**
 * A member's yearly commitment (học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh) and
 * personal action plan, one per member and year, with the mid-year self-check. Not secret: the
 * secretary and deputy read submitted ones; drafts are their author's.
 */
export const pledges = sqliteTable(
  'pledges',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'restrict' }),
    year: integer('year').notNull(),
    status: text('status', { enum: ['draft', 'submitted'] }).notNull().default('draft'),
    /** { sections: { study, practice, actionPlan: string[] } }: paragraphs as typed. */
    content: text('content', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    submittedAt: timestamp('submitted_at'),
    /** The mid-year self-assessment, paragraphs as typed. */
    selfCheck: text('self_check', { mode: 'json' }).$type<string[]>().notNull().default([]),
    selfCheckAt: timestamp('self_check_at'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [uniqueIndex('pledges_member_id_year_idx').on(t.memberId, t.year), index('pledges_cell_id_year_idx').on(t.cellId, t.year)],
);
