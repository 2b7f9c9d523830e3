import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { cells } from './cells.js';
import { createdAt } from './columns.js';

/** Who did what to whom, when. Details never hold message contents. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id').references(() => cells.id, { onDelete: 'cascade' }),
    actorPersonId: integer('actor_person_id'),
    action: text('action').notNull(),
    targetMemberId: integer('target_member_id'),
    details: text('details', { mode: 'json' }).$type<Record<string, string | number | boolean | null>>(),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_cell_id_created_at_idx').on(t.cellId, t.createdAt)],
);
