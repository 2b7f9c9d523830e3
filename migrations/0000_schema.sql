CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer,
	`actor_person_id` integer,
	`action` text NOT NULL,
	`target_member_id` integer,
	`details` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `audit_log_cell_id_created_at_idx` ON `audit_log` (`cell_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `cells` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`superior_name` text NOT NULL,
	`timezone` text NOT NULL,
	`locale` text NOT NULL,
	`telegram_group_id` text,
	`settings` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cells_telegram_group_id_idx` ON `cells` (`telegram_group_id`);--> statement-breakpoint
CREATE INDEX `cells_name_idx` ON `cells` (`name`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`flow` text,
	`step` text,
	`data` text DEFAULT '{}' NOT NULL,
	`choices` text DEFAULT '[]' NOT NULL,
	`cell_id` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`channel`, `chat_id`)
);
--> statement-breakpoint
CREATE TABLE `processed_updates` (
	`channel` text NOT NULL,
	`update_key` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`channel`, `update_key`)
);
--> statement-breakpoint
CREATE TABLE `exemptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`kind` text NOT NULL,
	`from_date` text NOT NULL,
	`to_date` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `exemptions_member_id_idx` ON `exemptions` (`member_id`);--> statement-breakpoint
CREATE TABLE `invites` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`code_hash` text NOT NULL,
	`hint` text NOT NULL,
	`created_by` integer NOT NULL,
	`max_uses` integer,
	`member_id` integer,
	`uses` integer DEFAULT 0 NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invites_code_hash_idx` ON `invites` (`code_hash`);--> statement-breakpoint
CREATE INDEX `invites_cell_id_idx` ON `invites` (`cell_id`);--> statement-breakpoint
CREATE INDEX `invites_member_id_idx` ON `invites` (`member_id`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`full_name` text NOT NULL,
	`role` text DEFAULT 'member' NOT NULL,
	`status` text NOT NULL,
	`membership` text DEFAULT 'full' NOT NULL,
	`membership_since` text,
	`attachment` text DEFAULT 'regular' NOT NULL,
	`collects_dues` integer DEFAULT false NOT NULL,
	`review_form` text DEFAULT '2A' NOT NULL,
	`dues_category` text DEFAULT 'insured' NOT NULL,
	`party_group` text,
	`invite_id` integer,
	`joined_on` text,
	`left_on` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_cell_id_person_id_idx` ON `members` (`cell_id`,`person_id`);--> statement-breakpoint
CREATE INDEX `members_cell_id_status_idx` ON `members` (`cell_id`,`status`);--> statement-breakpoint
CREATE INDEX `members_person_id_idx` ON `members` (`person_id`);--> statement-breakpoint
CREATE TABLE `artifacts` (
	`id` text PRIMARY KEY NOT NULL,
	`cell_id` integer,
	`filename` text NOT NULL,
	`mime` text NOT NULL,
	`data` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `channel_usage` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`warned_at` integer,
	`paused_until` integer
);
--> statement-breakpoint
CREATE TABLE `job_runs` (
	`key` text PRIMARY KEY NOT NULL,
	`ran_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer,
	`person_id` integer,
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`payload` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`essential` integer DEFAULT true NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`parts_sent` integer DEFAULT 0 NOT NULL,
	`replace_ref` text,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`sent_ref` text,
	`sent_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_idempotency_key_idx` ON `outbox` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `outbox_status_next_attempt_at_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `accounts` (
	`channel` text NOT NULL,
	`external_id` text NOT NULL,
	`person_id` integer NOT NULL,
	`display_name` text DEFAULT '' NOT NULL,
	`reachable` integer DEFAULT true NOT NULL,
	`unreachable_reason` text,
	`last_seen_at` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`channel`, `external_id`),
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `accounts_person_id_idx` ON `accounts` (`person_id`);--> statement-breakpoint
CREATE TABLE `link_codes` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`from_channel` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `persons` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`locale` text,
	`preferred_channel` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `dues_bases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`from_month` text NOT NULL,
	`category` text NOT NULL,
	`income_base` integer,
	`fixed_amount` integer,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `dues_bases_member_id_from_month_idx` ON `dues_bases` (`member_id`,`from_month`);--> statement-breakpoint
CREATE INDEX `dues_bases_cell_id_idx` ON `dues_bases` (`cell_id`);--> statement-breakpoint
CREATE TABLE `dues_charges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`month` text NOT NULL,
	`category` text NOT NULL,
	`gross` integer,
	`percent_off` integer DEFAULT 0 NOT NULL,
	`relief_kind` text,
	`due` integer,
	`fixed` integer DEFAULT false NOT NULL,
	`rules_id` text NOT NULL,
	`reminded_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dues_charges_member_id_month_idx` ON `dues_charges` (`member_id`,`month`);--> statement-breakpoint
CREATE INDEX `dues_charges_cell_id_month_idx` ON `dues_charges` (`cell_id`,`month`);--> statement-breakpoint
CREATE TABLE `dues_corrections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`payment_id` integer NOT NULL,
	`old_amount` integer NOT NULL,
	`new_amount` integer NOT NULL,
	`reason` text NOT NULL,
	`corrected_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`payment_id`) REFERENCES `dues_payments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `dues_corrections_payment_id_idx` ON `dues_corrections` (`payment_id`);--> statement-breakpoint
CREATE TABLE `dues_payments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`month` text NOT NULL,
	`amount` integer NOT NULL,
	`method` text NOT NULL,
	`status` text NOT NULL,
	`timing` text NOT NULL,
	`receipt_ref` text,
	`declared_by` integer,
	`declared_at` integer NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	`paid_on` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `dues_payments_cell_id_month_idx` ON `dues_payments` (`cell_id`,`month`);--> statement-breakpoint
CREATE INDEX `dues_payments_member_id_month_status_amount_idx` ON `dues_payments` (`member_id`,`month`,`status`,`amount`);--> statement-breakpoint
CREATE TABLE `dues_reliefs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`kind` text NOT NULL,
	`percent` integer NOT NULL,
	`from_month` text NOT NULL,
	`to_month` text,
	`decision` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `dues_reliefs_member_id_idx` ON `dues_reliefs` (`member_id`);--> statement-breakpoint
CREATE INDEX `dues_reliefs_cell_id_idx` ON `dues_reliefs` (`cell_id`);--> statement-breakpoint
CREATE TABLE `feedback_drafts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`title` text NOT NULL,
	`body` text,
	`link` text,
	`deadline` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`opened_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`opened_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `feedback_drafts_cell_id_status_idx` ON `feedback_drafts` (`cell_id`,`status`);--> statement-breakpoint
CREATE TABLE `feedback` (
	`id` integer PRIMARY KEY NOT NULL,
	`cell_id` integer NOT NULL,
	`topic` text NOT NULL,
	`draft_id` integer,
	`text` text NOT NULL,
	`created_on` text NOT NULL,
	`ticket_hash` text NOT NULL,
	`delivered_on` text,
	`answer` text,
	`answered_on` text,
	`answered_by` integer,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`draft_id`) REFERENCES `feedback_drafts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`answered_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_ticket_hash_idx` ON `feedback` (`ticket_hash`);--> statement-breakpoint
CREATE INDEX `feedback_cell_id_delivered_on_idx` ON `feedback` (`cell_id`,`delivered_on`);--> statement-breakpoint
CREATE INDEX `feedback_draft_id_idx` ON `feedback` (`draft_id`);--> statement-breakpoint
CREATE TABLE `feedback_limits` (
	`bucket` text PRIMARY KEY NOT NULL,
	`day` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `feedback_open` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`draft_id` integer,
	`member_id` integer NOT NULL,
	`topic` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`draft_id`) REFERENCES `feedback_drafts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `feedback_open_cell_id_idx` ON `feedback_open` (`cell_id`);--> statement-breakpoint
CREATE INDEX `feedback_open_draft_id_idx` ON `feedback_open` (`draft_id`);--> statement-breakpoint
CREATE TABLE `review_seasons` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`kind` text NOT NULL,
	`label` text NOT NULL,
	`deadline` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`opened_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`opened_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `review_seasons_cell_id_status_idx` ON `review_seasons` (`cell_id`,`status`);--> statement-breakpoint
CREATE TABLE `self_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`season_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`form` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`key_id` text NOT NULL,
	`content` text NOT NULL,
	`submitted_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`season_id`) REFERENCES `review_seasons`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `self_reviews_season_id_member_id_idx` ON `self_reviews` (`season_id`,`member_id`);--> statement-breakpoint
CREATE INDEX `self_reviews_key_id_idx` ON `self_reviews` (`key_id`);--> statement-breakpoint
CREATE TABLE `meeting_attendees` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`meeting_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`expected` integer NOT NULL,
	`exempt` integer DEFAULT false NOT NULL,
	`membership` text NOT NULL,
	`invited` integer DEFAULT false NOT NULL,
	`rsvp` text,
	`rsvp_at` integer,
	`reason` text,
	`reason_at` integer,
	`verdict` text,
	`verdict_by` integer,
	`verdict_at` integer,
	`checked_in_at` integer,
	`check_in_method` text,
	`status` text,
	`marked_by` integer,
	`marked_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `meeting_attendees_meeting_id_member_id_idx` ON `meeting_attendees` (`meeting_id`,`member_id`);--> statement-breakpoint
CREATE INDEX `meeting_attendees_member_id_idx` ON `meeting_attendees` (`member_id`);--> statement-breakpoint
CREATE TABLE `meeting_code_failures` (
	`person_id` integer PRIMARY KEY NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`window_start` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `meeting_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`pattern` text NOT NULL,
	`day` integer,
	`nth` integer,
	`weekday` integer,
	`time` text NOT NULL,
	`duration_minutes` integer NOT NULL,
	`with_thematic` integer DEFAULT false NOT NULL,
	`place` text,
	`online_link` text,
	`agenda` text,
	`active` integer DEFAULT true NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `meeting_rules_cell_id_idx` ON `meeting_rules` (`cell_id`);--> statement-breakpoint
CREATE TABLE `meetings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`kind` text NOT NULL,
	`with_thematic` integer DEFAULT false NOT NULL,
	`starts_at` integer NOT NULL,
	`duration_minutes` integer NOT NULL,
	`place` text,
	`online_link` text,
	`agenda` text,
	`materials` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`rule_id` integer,
	`series_key` text,
	`invited_at` integer,
	`superior_notified_at` integer,
	`superior_notified_via` text,
	`superior_notified_by` integer,
	`check_in_secret` text NOT NULL,
	`closed_at` integer,
	`closed_by` integer,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`rule_id`) REFERENCES `meeting_rules`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `meetings_cell_id_starts_at_idx` ON `meetings` (`cell_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `meetings_status_starts_at_idx` ON `meetings` (`status`,`starts_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `meetings_series_key_idx` ON `meetings` (`series_key`);--> statement-breakpoint
CREATE TABLE `assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`assigned_by` integer NOT NULL,
	`title` text NOT NULL,
	`criterion` integer NOT NULL,
	`deadline` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`accepted_at` integer,
	`blocked_at` integer,
	`block_note` text,
	`done_at` integer,
	`done_on` text,
	`confirmed_at` integer,
	`confirmed_by` integer,
	`returned_at` integer,
	`return_note` text,
	`cancelled_at` integer,
	`cancelled_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`assigned_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `assignments_cell_id_deadline_idx` ON `assignments` (`cell_id`,`deadline`);--> statement-breakpoint
CREATE INDEX `assignments_member_id_idx` ON `assignments` (`member_id`);--> statement-breakpoint
CREATE INDEX `assignments_status_deadline_idx` ON `assignments` (`status`,`deadline`);--> statement-breakpoint
CREATE TABLE `pledges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`year` integer NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`content` text DEFAULT '{}' NOT NULL,
	`submitted_at` integer,
	`self_check` text DEFAULT '[]' NOT NULL,
	`self_check_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pledges_member_id_year_idx` ON `pledges` (`member_id`,`year`);--> statement-breakpoint
CREATE INDEX `pledges_cell_id_year_idx` ON `pledges` (`cell_id`,`year`);--> statement-breakpoint
CREATE TABLE `monthly_checks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`month` text NOT NULL,
	`criterion` integer NOT NULL,
	`result` text,
	`note` text,
	`marked_by` integer,
	`marked_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `monthly_checks_cell_id_month_criterion_idx` ON `monthly_checks` (`cell_id`,`month`,`criterion`);--> statement-breakpoint
CREATE TABLE `residence_comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`year` integer NOT NULL,
	`received_on` text NOT NULL,
	`recorded_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `residence_comments_member_id_year_idx` ON `residence_comments` (`member_id`,`year`);--> statement-breakpoint
CREATE INDEX `residence_comments_cell_id_year_idx` ON `residence_comments` (`cell_id`,`year`);--> statement-breakpoint
CREATE TABLE `residence_exemptions` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`cell_id` integer NOT NULL,
	`reason` text NOT NULL,
	`set_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `roster_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cell_id` integer NOT NULL,
	`imported_by` integer,
	`file_name` text NOT NULL,
	`status` text DEFAULT 'preview' NOT NULL,
	`rows` text NOT NULL,
	`resolutions` text NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`changed` integer DEFAULT 0 NOT NULL,
	`unchanged` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `roster_imports_cell_id_idx` ON `roster_imports` (`cell_id`);