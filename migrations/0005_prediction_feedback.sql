CREATE TABLE `prediction_feedback` (
	`prediction_id` text PRIMARY KEY NOT NULL,
	`label` real NOT NULL,
	`time` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `feedback_time_idx` ON `prediction_feedback` (`time`);