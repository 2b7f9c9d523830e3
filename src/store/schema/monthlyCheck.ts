import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { checkResults } from '../../domain/monthlyCheck.js';
import { cells } from './cells.js';
import { createdAt, timestamp } from './columns.js';

/** The cell's monthly 4 Tốt check: one row per month and criterion, Đạt / Không đạt and a note. */
export const monthlyChecks = sqliteTable(
  'monthly_checks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    /** "2026-11". */
    month: text('month').notNull(),
    /** 1–4. */
    criterion: integer('criterion').notNull(),
    /** Null while only a note has been written. */
    result: text('result', { enum: checkResults }),
    note: text('note'),
    /** The member (secretary or deputy) who last marked or annotated it. */
    markedBy: integer('marked_by'),
    markedAt: timestamp('marked_at'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [uniqueIndex('monthly_checks_cell_id_month_criterion_idx').on(t.cellId, t.month, t.criterion)],
);
