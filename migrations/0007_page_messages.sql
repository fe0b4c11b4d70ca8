-- page_messages: which outbox DMs carry which escalation's pages, so an acknowledgement can edit
-- them (who acknowledged, when; no button). escalations_ticket_idx: a card shows its ticket's
-- latest escalation, acknowledged or not, not only an active one.
CREATE TABLE "page_messages" (
	"escalation_id" bigint NOT NULL,
	"outbox_key" text NOT NULL,
	"platform" text NOT NULL,
	"ordering_key" text NOT NULL,
	"user_id" text NOT NULL,
	CONSTRAINT "page_messages_escalation_id_outbox_key_pk" PRIMARY KEY("escalation_id","outbox_key")
);
--> statement-breakpoint
ALTER TABLE "page_messages" ADD CONSTRAINT "page_messages_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "escalations_ticket_idx" ON "escalations" USING btree ("ticket_id","id");