ALTER TABLE "inbox" ADD COLUMN "body" text;--> statement-breakpoint
ALTER TABLE "inbox" ADD COLUMN "retry_num" integer;--> statement-breakpoint
ALTER TABLE "inbox" ADD COLUMN "retry_reason" text;--> statement-breakpoint
ALTER TABLE "inbox" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbox" ADD COLUMN "takeovers" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "inbox" ADD COLUMN "handled_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "inbox_unhandled_idx" ON "inbox" USING btree ("claimed_until") WHERE "inbox"."handled_at" is null;--> statement-breakpoint
-- Rows from before: ids only, already handled.
UPDATE "inbox" SET "handled_at" = "received_at" WHERE "handled_at" IS NULL;