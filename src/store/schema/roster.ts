import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { RosterRow } from '../../domain/roster.js';
import { cells } from './cells.js';
import { createdAt, timestamp } from './columns.js';

export const rosterImportStatuses = ['preview', 'applied', 'cancelled'] as const;

/**
 * One import of the member roll: who brought which file in, when, and what it did. The parsed rows
 * wait here between the preview and "Nhập"; they are cleared once decided, since they may hold
 * private income bases.
 */
export const rosterImports = sqliteTable(
  'roster_imports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    /** Null when run from the command line by the operator. */
    importedBy: integer('imported_by'),
    fileName: text('file_name').notNull(),
    status: text('status', { enum: rosterImportStatuses }).notNull().default('preview'),
    rows: text('rows', { mode: 'json' }).$type<RosterRow[]>().notNull(),
    /** Answers to ambiguous names: file line → member id (0 = a new member). */
    resolutions: text('resolutions', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    created: integer('created').notNull().default(0),
    changed: integer('changed').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    createdAt: createdAt(),
    decidedAt: timestamp('decided_at'),
  },
  (t) => [index('roster_imports_cell_id_idx').on(t.cellId)],
);
