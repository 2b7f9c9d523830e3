import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { assignmentStatuses } from '../../domain/assignments.js';
import { cells } from './cells.js';
import { createdAt, timestamp } from './columns.js';
import { members } from './members.js';

/**
 * A task a leader gives a member (phân công công tác): what, by when (a calendar date in the
 * cell's zone), which 4 Tốt criterion it serves, and how it went. "Late" is computed from
 * `deadline` and `doneOn`, never stored.
 */
export const assignments = sqliteTable(
  'assignments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    /** The assignee. */
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'restrict' }),
    assignedBy: integer('assigned_by')
      .notNull()
      .references(() => members.id, { onDelete: 'restrict' }),
    title: text('title').notNull(),
    /** 1–4, the criterion of the cell's plan the task serves. */
    criterion: integer('criterion').notNull(),
    /** ISO date, inclusive. */
    deadline: text('deadline').notNull(),
    status: text('status', { enum: assignmentStatuses }).notNull().default('open'),
    acceptedAt: timestamp('accepted_at'),
    /** The latest difficulty the member reported, and when. */
    blockedAt: timestamp('blocked_at'),
    blockNote: text('block_note'),
    /** Completion: when it was reported (or recorded by a leader) and the calendar day it counts for. */
    doneAt: timestamp('done_at'),
    doneOn: text('done_on'),
    confirmedAt: timestamp('confirmed_at'),
    confirmedBy: integer('confirmed_by'),
    /** The latest return by a leader, with the reason. */
    returnedAt: timestamp('returned_at'),
    returnNote: text('return_note'),
    cancelledAt: timestamp('cancelled_at'),
    cancelledBy: integer('cancelled_by'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    index('assignments_cell_id_deadline_idx').on(t.cellId, t.deadline),
    index('assignments_member_id_idx').on(t.memberId),
    index('assignments_status_deadline_idx').on(t.status, t.deadline),
  ],
);
