-- sla_clocks becomes a view of tickets.sla (the source of truth): nothing is lost, every row it held
-- is derived again from the ticket it belonged to, and no ticket change writes it any more.
DROP TABLE "sla_clocks" CASCADE;--> statement-breakpoint
CREATE VIEW "public"."sla_clocks" AS (select t.id as ticket_id, c.key as kind,
    'epoch'::timestamptz + (c.value->>'startedAt')::bigint * interval '1 millisecond' as started_at,
    (c.value->>'targetMs')::bigint as target_ms,
    'epoch'::timestamptz + (c.value->>'dueAt')::bigint * interval '1 millisecond' as due_at,
    'epoch'::timestamptz + (c.value->>'metAt')::bigint * interval '1 millisecond' as met_at,
    'epoch'::timestamptz + (c.value->>'breachedAt')::bigint * interval '1 millisecond' as breached_at,
    'epoch'::timestamptz + (c.value->>'stoppedAt')::bigint * interval '1 millisecond' as stopped_at,
    case when jsonb_path_exists(c.value->'pauses', '$[*] ? (@.to == null)') then 'yes' else 'no' end as paused
  from "tickets" t cross join lateral jsonb_each(t.sla->'clocks') c
  where jsonb_typeof(c.value) = 'object');