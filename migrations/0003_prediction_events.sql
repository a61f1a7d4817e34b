CREATE TABLE `prediction_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`prediction_id` text NOT NULL,
	`model` text NOT NULL,
	`version` integer NOT NULL,
	`arm` text NOT NULL,
	`time` integer NOT NULL,
	`inputs` text NOT NULL,
	`output_prediction` real,
	`output_probability` real,
	`output_label` text,
	`latency_ms` real NOT NULL,
	`status` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `prediction_events_id_idx` ON `prediction_events` (`prediction_id`);--> statement-breakpoint
CREATE INDEX `prediction_events_model_idx` ON `prediction_events` (`model`,`version`,`seq`);--> statement-breakpoint
CREATE INDEX `prediction_events_time_idx` ON `prediction_events` (`time`);