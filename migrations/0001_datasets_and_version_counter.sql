CREATE TABLE `datasets` (
	`dataset_uuid` text PRIMARY KEY NOT NULL,
	`experiment_id` integer NOT NULL,
	`name` text NOT NULL,
	`digest` text NOT NULL,
	`source_type` text NOT NULL,
	`source` text NOT NULL,
	`schema` text,
	`profile` text,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`experiment_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `datasets_experiment_name_digest_idx` ON `datasets` (`experiment_id`,`name`,`digest`);--> statement-breakpoint
CREATE TABLE `run_input_tags` (
	`run_uuid` text NOT NULL,
	`dataset_uuid` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`run_uuid`, `dataset_uuid`, `key`),
	FOREIGN KEY (`run_uuid`,`dataset_uuid`) REFERENCES `run_inputs`(`run_uuid`,`dataset_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `run_input_tags_key_value_idx` ON `run_input_tags` (`key`,`value`,`run_uuid`);--> statement-breakpoint
CREATE TABLE `run_inputs` (
	`run_uuid` text NOT NULL,
	`dataset_uuid` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`run_uuid`, `dataset_uuid`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`dataset_uuid`) REFERENCES `datasets`(`dataset_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `run_inputs_dataset_idx` ON `run_inputs` (`dataset_uuid`);--> statement-breakpoint
ALTER TABLE `registered_models` ADD `last_version` integer DEFAULT 0 NOT NULL;