ALTER TABLE `deployments` ADD `state` text DEFAULT 'done' NOT NULL;--> statement-breakpoint
ALTER TABLE `deployments` ADD `pointer` text;--> statement-breakpoint
ALTER TABLE `deployments` ADD `owner` text;--> statement-breakpoint
ALTER TABLE `deployments` ADD `lease_until` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `deployments_one_pending_idx` ON `deployments` (`model`) WHERE state = 'pending';