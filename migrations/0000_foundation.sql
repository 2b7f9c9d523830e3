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
	`uses` integer DEFAULT 0 NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cell_id`) REFERENCES `cells`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invites_code_hash_idx` ON `invites` (`code_hash`);--> statement-breakpoint
CREATE INDEX `invites_cell_id_idx` ON `invites` (`cell_id`);--> statement-breakpoint
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
