import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { attachments, duesCategories, exemptionKinds, memberships, reviewForms } from '../../domain/members.js';
import { memberStatuses, roles } from '../../domain/roles.js';
import { cells } from './cells.js';
import { createdAt, timestamp } from './columns.js';
import { persons } from './people.js';

/** A person's membership of one cell. Never hard-deleted: leaving sets status and leftOn. */
export const members = sqliteTable(
  'members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'restrict' }),
    fullName: text('full_name').notNull(),
    role: text('role', { enum: roles }).notNull().default('member'),
    status: text('status', { enum: memberStatuses }).notNull(),
    membership: text('membership', { enum: memberships }).notNull().default('full'),
    /** When the member became full (or was admitted as probationary). */
    membershipSince: text('membership_since'),
    attachment: text('attachment', { enum: attachments }).notNull().default('regular'),
    collectsDues: integer('collects_dues', { mode: 'boolean' }).notNull().default(false),
    reviewForm: text('review_form', { enum: reviewForms }).notNull().default('2A'),
    duesCategory: text('dues_category', { enum: duesCategories }).notNull().default('insured'),
    /** Tổ đảng, in cells large enough to have party groups. */
    partyGroup: text('party_group'),
    inviteId: integer('invite_id'),
    joinedOn: text('joined_on'),
    leftOn: text('left_on'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('members_cell_id_person_id_idx').on(t.cellId, t.personId),
    index('members_cell_id_status_idx').on(t.cellId, t.status),
    index('members_person_id_idx').on(t.personId),
  ],
);

export const exemptions = sqliteTable(
  'exemptions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: exemptionKinds }).notNull(),
    fromDate: text('from_date').notNull(),
    toDate: text('to_date'),
    createdAt: createdAt(),
  },
  (t) => [index('exemptions_member_id_idx').on(t.memberId)],
);

export const invites = sqliteTable(
  'invites',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    /** SHA-256 of the code: a stolen database does not give working invites. */
    codeHash: text('code_hash').notNull(),
    /** First four characters, so the secretary can tell invites apart. */
    hint: text('hint').notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => members.id, { onDelete: 'restrict' }),
    maxUses: integer('max_uses'),
    /** A personal invite for one imported member: whoever uses it becomes that member, already approved. */
    memberId: integer('member_id').references(() => members.id, { onDelete: 'cascade' }),
    uses: integer('uses').notNull().default(0),
    expiresAt: timestamp('expires_at').notNull(),
    revokedAt: timestamp('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('invites_code_hash_idx').on(t.codeHash), index('invites_cell_id_idx').on(t.cellId), index('invites_member_id_idx').on(t.memberId)],
);
