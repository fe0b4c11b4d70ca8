CREATE TABLE "sandbox_clock" (
	"id" smallint PRIMARY KEY NOT NULL,
	"offset_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_messages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sandbox_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel" text NOT NULL,
	"thread_id" bigint,
	"author" text NOT NULL,
	"text" text NOT NULL,
	"payload" jsonb,
	"ticket_id" bigint,
	"client_id" text,
	"outbox_key" text,
	"created_at" timestamp with time zone NOT NULL,
	"edited_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "sandbox_messages_channel_idx" ON "sandbox_messages" USING btree ("channel","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sandbox_messages_client_key" ON "sandbox_messages" USING btree ("client_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sandbox_messages_outbox_key" ON "sandbox_messages" USING btree ("outbox_key");