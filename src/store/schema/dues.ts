import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { paymentMethods, paymentStatuses, paymentTimings, reliefKinds } from '../../domain/dues.js';
import { duesCategories } from '../../domain/members.js';
import { cells } from './cells.js';
import { createdAt, timestamp } from './columns.js';
import { members } from './members.js';

/**
 * How a member's dues are worked out from a month on (category, private income base, or an amount
 * set by hand). Rows are never changed: a change is a new row from its month, so history stays.
 */
export const duesBases = sqliteTable(
  'dues_bases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    fromMonth: text('from_month').notNull(),
    category: text('category', { enum: duesCategories }).notNull(),
    /** Private: only the member, the collector and the secretary see it. */
    incomeBase: integer('income_base'),
    fixedAmount: integer('fixed_amount'),
    createdBy: integer('created_by'),
    createdAt: createdAt(),
  },
  (t) => [index('dues_bases_member_id_from_month_idx').on(t.memberId, t.fromMonth), index('dues_bases_cell_id_idx').on(t.cellId)],
);

/** Exemptions (50 years, social pension, poor household, serious illness) and hardship reductions, each with its decision. */
export const duesReliefs = sqliteTable(
  'dues_reliefs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: reliefKinds }).notNull(),
    percent: integer('percent').notNull(),
    fromMonth: text('from_month').notNull(),
    toMonth: text('to_month'),
    /** The decision's number and date, as the cell wrote it (a reference, never the document). */
    decision: text('decision').notNull(),
    createdBy: integer('created_by'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('dues_reliefs_member_id_idx').on(t.memberId), index('dues_reliefs_cell_id_idx').on(t.cellId)],
);

/** What a member owes for one month, fixed when the month opens and recomputed when the basis or a relief changes. */
export const duesCharges = sqliteTable(
  'dues_charges',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    month: text('month').notNull(),
    category: text('category', { enum: duesCategories }).notNull(),
    gross: integer('gross'),
    percentOff: integer('percent_off').notNull().default(0),
    reliefKind: text('relief_kind', { enum: reliefKinds }),
    /** Null while the amount cannot be computed (no income base recorded). */
    due: integer('due'),
    fixed: integer('fixed', { mode: 'boolean' }).notNull().default(false),
    rulesId: text('rules_id').notNull(),
    remindedAt: timestamp('reminded_at'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [uniqueIndex('dues_charges_member_id_month_idx').on(t.memberId, t.month), index('dues_charges_cell_id_month_idx').on(t.cellId, t.month)],
);

/** A declaration by the member or a payment recorded by the collector; it counts only once confirmed. */
export const duesPayments = sqliteTable(
  'dues_payments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    month: text('month').notNull(),
    amount: integer('amount').notNull(),
    method: text('method', { enum: paymentMethods }).notNull(),
    status: text('status', { enum: paymentStatuses }).notNull(),
    timing: text('timing', { enum: paymentTimings }).notNull(),
    /** A platform reference to the receipt photo (Telegram file_id, Zalo photo URL); the image itself is never downloaded. */
    receiptRef: text('receipt_ref'),
    declaredBy: integer('declared_by'),
    declaredAt: timestamp('declared_at').notNull(),
    decidedBy: integer('decided_by'),
    decidedAt: timestamp('decided_at'),
    /** Date (cell time zone) the collector confirmed receipt. */
    paidOn: text('paid_on'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  // Status and amount ride along in the member-month index so /tongket sums a member-month's confirmed payments from the index alone.
  (t) => [index('dues_payments_cell_id_month_idx').on(t.cellId, t.month), index('dues_payments_member_id_month_status_amount_idx').on(t.memberId, t.month, t.status, t.amount)],
);

/** Every correction of a confirmed payment, with who, when and why. */
export const duesCorrections = sqliteTable(
  'dues_corrections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    paymentId: integer('payment_id')
      .notNull()
      .references(() => duesPayments.id, { onDelete: 'cascade' }),
    oldAmount: integer('old_amount').notNull(),
    newAmount: integer('new_amount').notNull(),
    reason: text('reason').notNull(),
    correctedBy: integer('corrected_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('dues_corrections_payment_id_idx').on(t.paymentId)],
);
