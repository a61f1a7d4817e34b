CREATE TABLE `deployments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`model` text NOT NULL,
	`from_version` integer,
	`to_version` integer NOT NULL,
	`kind` text NOT NULL,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`model`) REFERENCES `registered_models`(`name`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `deployments_model_idx` ON `deployments` (`model`,`id`);--> statement-breakpoint
CREATE TABLE `experiment_tags` (
	`experiment_id` integer NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`experiment_id`, `key`),
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`experiment_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `experiments` (
	`experiment_id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`artifact_location` text NOT NULL,
	`lifecycle_stage` text DEFAULT 'active' NOT NULL,
	`creation_time` integer NOT NULL,
	`last_update_time` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `experiments_name_idx` ON `experiments` (`name`);--> statement-breakpoint
CREATE INDEX `experiments_stage_idx` ON `experiments` (`lifecycle_stage`);--> statement-breakpoint
CREATE TABLE `latest_metrics` (
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`step` integer NOT NULL,
	`timestamp` integer NOT NULL,
	`value` real,
	PRIMARY KEY(`run_uuid`, `key`)
);
--> statement-breakpoint
CREATE INDEX `latest_metrics_key_value_idx` ON `latest_metrics` (`key`,`value`,`run_uuid`);--> statement-breakpoint
CREATE TABLE `metrics` (
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`step` integer DEFAULT 0 NOT NULL,
	`timestamp` integer NOT NULL,
	`value` real
);
--> statement-breakpoint
CREATE UNIQUE INDEX `metrics_point_idx` ON `metrics` (`run_uuid`,`key`,`step`,`timestamp`,`value`);--> statement-breakpoint
CREATE TABLE `registered_model_aliases` (
	`name` text NOT NULL,
	`alias` text NOT NULL,
	`version` integer NOT NULL,
	PRIMARY KEY(`name`, `alias`),
	FOREIGN KEY (`name`,`version`) REFERENCES `model_versions`(`name`,`version`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `model_version_tags` (
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`name`, `version`, `key`),
	FOREIGN KEY (`name`,`version`) REFERENCES `model_versions`(`name`,`version`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `model_versions` (
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`creation_time` integer NOT NULL,
	`last_updated_time` integer NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`user_id` text DEFAULT '' NOT NULL,
	`current_stage` text DEFAULT 'None' NOT NULL,
	`source` text NOT NULL,
	`run_id` text,
	`run_link` text,
	`status` text DEFAULT 'READY' NOT NULL,
	`status_message` text,
	`file_count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`name`, `version`),
	FOREIGN KEY (`name`) REFERENCES `registered_models`(`name`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `model_versions_run_idx` ON `model_versions` (`run_id`);--> statement-breakpoint
CREATE INDEX `model_versions_stage_idx` ON `model_versions` (`name`,`current_stage`,`version`);--> statement-breakpoint
CREATE TABLE `params` (
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`run_uuid`, `key`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `params_key_value_idx` ON `params` (`key`,`value`,`run_uuid`);--> statement-breakpoint
CREATE TABLE `registered_model_tags` (
	`name` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`name`, `key`),
	FOREIGN KEY (`name`) REFERENCES `registered_models`(`name`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `registered_models` (
	`name` text PRIMARY KEY NOT NULL,
	`creation_time` integer NOT NULL,
	`last_updated_time` integer NOT NULL,
	`description` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `registered_models_updated_idx` ON `registered_models` (`last_updated_time`);--> statement-breakpoint
CREATE TABLE `runs` (
	`run_uuid` text PRIMARY KEY NOT NULL,
	`experiment_id` integer NOT NULL,
	`name` text NOT NULL,
	`user_id` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'RUNNING' NOT NULL,
	`start_time` integer NOT NULL,
	`end_time` integer,
	`lifecycle_stage` text DEFAULT 'active' NOT NULL,
	`artifact_uri` text NOT NULL,
	`deleted_time` integer,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`experiment_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `runs_experiment_idx` ON `runs` (`experiment_id`,`lifecycle_stage`,`start_time`,`run_uuid`);--> statement-breakpoint
CREATE INDEX `runs_experiment_name_idx` ON `runs` (`experiment_id`,`name`);--> statement-breakpoint
CREATE INDEX `runs_status_idx` ON `runs` (`status`);--> statement-breakpoint
CREATE TABLE `tags` (
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`run_uuid`, `key`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tags_key_value_idx` ON `tags` (`key`,`value`,`run_uuid`);