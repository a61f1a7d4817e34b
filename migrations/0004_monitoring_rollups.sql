CREATE TABLE `prediction_rollups` (
	`model` text NOT NULL,
	`version` integer NOT NULL,
	`arm` text NOT NULL,
	`minute` integer NOT NULL,
	`count` integer NOT NULL,
	`errors` integer NOT NULL,
	`latency` blob NOT NULL,
	`latency_sum` real NOT NULL,
	`latency_max` real NOT NULL,
	`reference_id` integer,
	`binned` integer DEFAULT 0 NOT NULL,
	`hist` blob,
	`sample` blob,
	PRIMARY KEY(`model`, `version`, `arm`, `minute`)
);
--> statement-breakpoint
CREATE INDEX `prediction_rollups_model_minute_idx` ON `prediction_rollups` (`model`,`minute`);--> statement-breakpoint
CREATE INDEX `prediction_rollups_minute_idx` ON `prediction_rollups` (`minute`);--> statement-breakpoint
CREATE TABLE `reference_profiles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`source` text NOT NULL,
	`profile` text,
	`spec` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`name`,`version`) REFERENCES `model_versions`(`name`,`version`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reference_profiles_version_idx` ON `reference_profiles` (`name`,`version`);