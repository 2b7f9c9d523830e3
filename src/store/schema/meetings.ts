import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { attendanceStatuses, checkInMethods, meetingKinds, meetingStatuses, reasonVerdicts, rsvpAnswers } from '../../domain/meetings.js';
import { memberships } from '../../domain/members.js';
import { cells } from './cells.js';
import { createdAt, timestamp } from './columns.js';
import { members } from './members.js';

/** Titles and links of materials: party documents themselves are never stored. */
export type MeetingMaterial = { title: string; url: string };

/** A recurring rule for the regular meeting ("day 5 at 14:00", "the first Friday at 14:00"). */
export const meetingRules = sqliteTable(
  'meeting_rules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    pattern: text('pattern', { enum: ['dayOfMonth', 'nthWeekday'] }).notNull(),
    day: integer('day'),
    nth: integer('nth'),
    weekday: integer('weekday'),
    time: text('time').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    withThematic: integer('with_thematic', { mode: 'boolean' }).notNull().default(false),
    place: text('place'),
    onlineLink: text('online_link'),
    agenda: text('agenda'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdBy: integer('created_by'),
    createdAt: createdAt(),
  },
  (t) => [index('meeting_rules_cell_id_idx').on(t.cellId)],
);

export const meetings = sqliteTable(
  'meetings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cellId: integer('cell_id')
      .notNull()
      .references(() => cells.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: meetingKinds }).notNull(),
    /** A regular meeting with a thematic part in the same session (120 minutes). */
    withThematic: integer('with_thematic', { mode: 'boolean' }).notNull().default(false),
    startsAt: timestamp('starts_at').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    place: text('place'),
    onlineLink: text('online_link'),
    agenda: text('agenda'),
    materials: text('materials', { mode: 'json' }).$type<MeetingMaterial[]>().notNull().default([]),
    status: text('status', { enum: meetingStatuses }).notNull().default('scheduled'),
    /** The recurring rule that created it, and `rule:<id>:<yyyy-mm>` so each month is created once. */
    ruleId: integer('rule_id').references(() => meetingRules.id, { onDelete: 'set null' }),
    seriesKey: text('series_key'),
    /** When the invitations were queued; reminders due before it are not sent. */
    invitedAt: timestamp('invited_at'),
    /** Superior committee notified: by a message to the configured contact, or the secretary's tick. */
    superiorNotifiedAt: timestamp('superior_notified_at'),
    superiorNotifiedVia: text('superior_notified_via', { enum: ['contact', 'tick'] }),
    superiorNotifiedBy: integer('superior_notified_by'),
    /** Secret the rotating check-in codes are derived from. */
    checkInSecret: text('check_in_secret').notNull(),
    closedAt: timestamp('closed_at'),
    /** Who closed check-in; null when it closed by itself at the end of the window. */
    closedBy: integer('closed_by'),
    createdBy: integer('created_by'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    index('meetings_cell_id_starts_at_idx').on(t.cellId, t.startsAt),
    index('meetings_status_starts_at_idx').on(t.status, t.startsAt),
    uniqueIndex('meetings_series_key_idx').on(t.seriesKey),
  ],
);

/**
 * One member at one meeting: invitation, answer, reason and its verdict, check-in and the
 * attendance status (kept per meeting so the three-month rule can be counted later).
 */
export const meetingAttendees = sqliteTable(
  'meeting_attendees',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    personId: integer('person_id').notNull(),
    /** Expected on the meeting's date (not exempt, not attached elsewhere, and a committee member for committee meetings). */
    expected: integer('expected', { mode: 'boolean' }).notNull(),
    exempt: integer('exempt', { mode: 'boolean' }).notNull().default(false),
    membership: text('membership', { enum: memberships }).notNull(),
    invited: integer('invited', { mode: 'boolean' }).notNull().default(false),
    rsvp: text('rsvp', { enum: rsvpAnswers }),
    rsvpAt: timestamp('rsvp_at'),
    reason: text('reason'),
    reasonAt: timestamp('reason_at'),
    verdict: text('verdict', { enum: reasonVerdicts }),
    verdictBy: integer('verdict_by'),
    verdictAt: timestamp('verdict_at'),
    checkedInAt: timestamp('checked_in_at'),
    checkInMethod: text('check_in_method', { enum: checkInMethods }),
    status: text('status', { enum: attendanceStatuses }),
    /** Who set the status by hand, and when (null for check-ins and the automatic close). */
    markedBy: integer('marked_by'),
    markedAt: timestamp('marked_at'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [uniqueIndex('meeting_attendees_meeting_id_member_id_idx').on(t.meetingId, t.memberId), index('meeting_attendees_member_id_idx').on(t.memberId)],
);

/** Wrong check-in codes per person, so codes cannot be guessed by trying them all. */
export const meetingCodeFailures = sqliteTable('meeting_code_failures', {
  personId: integer('person_id').primaryKey(),
  count: integer('count').notNull().default(0),
  windowStart: timestamp('window_start').notNull(),
});
