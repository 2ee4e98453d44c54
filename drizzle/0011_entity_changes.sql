CREATE TABLE "entity_changes" (
	"position" bigserial PRIMARY KEY NOT NULL,
	"typename" text NOT NULL,
	"entity_id" integer NOT NULL,
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entity_changes_pruned" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"xid" "xid8" NOT NULL,
	"position" bigint NOT NULL,
	CONSTRAINT "entity_changes_pruned_one_row" CHECK ("entity_changes_pruned"."id")
);
--> statement-breakpoint
CREATE INDEX "entity_changes_xid_position_idx" ON "entity_changes" USING btree ("xid","position");--> statement-breakpoint
-- Each write logs the entities it touched, once per SQL statement (transition tables, as the
-- statement log since 0010: a bulk ingest is one trigger call per statement, not per row), and
-- announces them on `entity_changed` at commit. The trigger's arguments are (type, column) pairs:
-- a row touches its own entity and the ones its lists and counts hang from, before and after
-- an update (a statement moved to another speaker changes both speakers' pages).
CREATE FUNCTION log_entity_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  touched text := '';
  source text;
  i int;
  logged bigint;
BEGIN
  FOREACH source IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY['new_rows'] WHEN 'DELETE' THEN ARRAY['old_rows'] ELSE ARRAY['old_rows', 'new_rows'] END LOOP
    i := 0;
    WHILE i < TG_NARGS LOOP
      touched := touched || CASE WHEN touched = '' THEN '' ELSE ' UNION ' END
        || format('SELECT %L::text AS typename, %I AS entity_id FROM %I', TG_ARGV[i], TG_ARGV[i + 1], source);
      i := i + 2;
    END LOOP;
  END LOOP;
  EXECUTE format('INSERT INTO entity_changes (typename, entity_id) SELECT typename, entity_id FROM (%s) t WHERE entity_id IS NOT NULL ORDER BY 1, 2', touched);
  GET DIAGNOSTICS logged = ROW_COUNT;
  IF logged > 0 THEN
    PERFORM pg_notify('entity_changed', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER articles_insert_changes AFTER INSERT ON "articles" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Article', 'id');
--> statement-breakpoint
CREATE TRIGGER articles_update_changes AFTER UPDATE ON "articles" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Article', 'id');
--> statement-breakpoint
CREATE TRIGGER articles_delete_changes AFTER DELETE ON "articles" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Article', 'id');
--> statement-breakpoint
CREATE TRIGGER people_insert_changes AFTER INSERT ON "people" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Person', 'id');
--> statement-breakpoint
CREATE TRIGGER people_update_changes AFTER UPDATE ON "people" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Person', 'id');
--> statement-breakpoint
CREATE TRIGGER people_delete_changes AFTER DELETE ON "people" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Person', 'id');
--> statement-breakpoint
CREATE TRIGGER events_insert_changes AFTER INSERT ON "events" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Event', 'id');
--> statement-breakpoint
CREATE TRIGGER events_update_changes AFTER UPDATE ON "events" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Event', 'id');
--> statement-breakpoint
CREATE TRIGGER events_delete_changes AFTER DELETE ON "events" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Event', 'id');
--> statement-breakpoint
CREATE TRIGGER statements_insert_changes AFTER INSERT ON "statements" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Statement', 'id', 'Article', 'article_id', 'Person', 'speaker_id', 'Event', 'event_id', 'Quotation', 'quotation_id');
--> statement-breakpoint
CREATE TRIGGER statements_update_changes AFTER UPDATE ON "statements" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Statement', 'id', 'Article', 'article_id', 'Person', 'speaker_id', 'Event', 'event_id', 'Quotation', 'quotation_id');
--> statement-breakpoint
CREATE TRIGGER statements_delete_changes AFTER DELETE ON "statements" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Statement', 'id', 'Article', 'article_id', 'Person', 'speaker_id', 'Event', 'event_id', 'Quotation', 'quotation_id');
--> statement-breakpoint
CREATE TRIGGER quotations_insert_changes AFTER INSERT ON "quotations" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Quotation', 'id', 'Person', 'speaker_id');
--> statement-breakpoint
CREATE TRIGGER quotations_update_changes AFTER UPDATE ON "quotations" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Quotation', 'id', 'Person', 'speaker_id');
--> statement-breakpoint
CREATE TRIGGER quotations_delete_changes AFTER DELETE ON "quotations" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Quotation', 'id', 'Person', 'speaker_id');
--> statement-breakpoint
CREATE TRIGGER article_people_insert_changes AFTER INSERT ON "article_people" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Article', 'article_id', 'Person', 'person_id');
--> statement-breakpoint
CREATE TRIGGER article_people_update_changes AFTER UPDATE ON "article_people" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Article', 'article_id', 'Person', 'person_id');
--> statement-breakpoint
CREATE TRIGGER article_people_delete_changes AFTER DELETE ON "article_people" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Article', 'article_id', 'Person', 'person_id');
--> statement-breakpoint
CREATE TRIGGER article_events_insert_changes AFTER INSERT ON "article_events" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Article', 'article_id', 'Event', 'event_id');
--> statement-breakpoint
CREATE TRIGGER article_events_update_changes AFTER UPDATE ON "article_events" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Article', 'article_id', 'Event', 'event_id');
--> statement-breakpoint
CREATE TRIGGER article_events_delete_changes AFTER DELETE ON "article_events" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Article', 'article_id', 'Event', 'event_id');
--> statement-breakpoint
CREATE TRIGGER event_participants_insert_changes AFTER INSERT ON "event_participants" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Event', 'event_id', 'Person', 'person_id');
--> statement-breakpoint
CREATE TRIGGER event_participants_update_changes AFTER UPDATE ON "event_participants" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Event', 'event_id', 'Person', 'person_id');
--> statement-breakpoint
CREATE TRIGGER event_participants_delete_changes AFTER DELETE ON "event_participants" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Event', 'event_id', 'Person', 'person_id');
--> statement-breakpoint
CREATE TRIGGER statement_mentions_insert_changes AFTER INSERT ON "statement_mentions" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Statement', 'statement_id', 'Person', 'person_id');
--> statement-breakpoint
CREATE TRIGGER statement_mentions_update_changes AFTER UPDATE ON "statement_mentions" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Statement', 'statement_id', 'Person', 'person_id');
--> statement-breakpoint
CREATE TRIGGER statement_mentions_delete_changes AFTER DELETE ON "statement_mentions" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Statement', 'statement_id', 'Person', 'person_id');
--> statement-breakpoint
CREATE TRIGGER person_redirects_insert_changes AFTER INSERT ON "person_redirects" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Person', 'old_id', 'Person', 'person_id');
--> statement-breakpoint
CREATE TRIGGER person_redirects_update_changes AFTER UPDATE ON "person_redirects" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Person', 'old_id', 'Person', 'person_id');
--> statement-breakpoint
CREATE TRIGGER person_redirects_delete_changes AFTER DELETE ON "person_redirects" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_entity_changes('Person', 'old_id', 'Person', 'person_id');
