-- The entity-change triggers of 0011 built their INSERT as text and ran it with EXECUTE, so
-- PostgreSQL planned it again on every call (~0.15 ms of each write). The same INSERTs, written
-- out per table and operation, are planned once per session. What they log is unchanged.
--> statement-breakpoint
CREATE FUNCTION articles_entity_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  logged bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Article'::text AS typename, id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Article'::text AS typename, id AS entity_id FROM old_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSE
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Article'::text AS typename, id AS entity_id FROM old_rows
        UNION SELECT 'Article'::text AS typename, id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  END IF;
  GET DIAGNOSTICS logged = ROW_COUNT;
  IF logged > 0 THEN
    PERFORM pg_notify('entity_changed', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER articles_insert_changes ON "articles";
--> statement-breakpoint
CREATE TRIGGER articles_insert_changes AFTER INSERT ON "articles" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_entity_changes();
--> statement-breakpoint
DROP TRIGGER articles_update_changes ON "articles";
--> statement-breakpoint
CREATE TRIGGER articles_update_changes AFTER UPDATE ON "articles" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_entity_changes();
--> statement-breakpoint
DROP TRIGGER articles_delete_changes ON "articles";
--> statement-breakpoint
CREATE TRIGGER articles_delete_changes AFTER DELETE ON "articles" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_entity_changes();
--> statement-breakpoint
CREATE FUNCTION people_entity_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  logged bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Person'::text AS typename, id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Person'::text AS typename, id AS entity_id FROM old_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSE
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Person'::text AS typename, id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  END IF;
  GET DIAGNOSTICS logged = ROW_COUNT;
  IF logged > 0 THEN
    PERFORM pg_notify('entity_changed', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER people_insert_changes ON "people";
--> statement-breakpoint
CREATE TRIGGER people_insert_changes AFTER INSERT ON "people" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION people_entity_changes();
--> statement-breakpoint
DROP TRIGGER people_update_changes ON "people";
--> statement-breakpoint
CREATE TRIGGER people_update_changes AFTER UPDATE ON "people" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION people_entity_changes();
--> statement-breakpoint
DROP TRIGGER people_delete_changes ON "people";
--> statement-breakpoint
CREATE TRIGGER people_delete_changes AFTER DELETE ON "people" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION people_entity_changes();
--> statement-breakpoint
CREATE FUNCTION events_entity_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  logged bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Event'::text AS typename, id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Event'::text AS typename, id AS entity_id FROM old_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSE
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Event'::text AS typename, id AS entity_id FROM old_rows
        UNION SELECT 'Event'::text AS typename, id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  END IF;
  GET DIAGNOSTICS logged = ROW_COUNT;
  IF logged > 0 THEN
    PERFORM pg_notify('entity_changed', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER events_insert_changes ON "events";
--> statement-breakpoint
CREATE TRIGGER events_insert_changes AFTER INSERT ON "events" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION events_entity_changes();
--> statement-breakpoint
DROP TRIGGER events_update_changes ON "events";
--> statement-breakpoint
CREATE TRIGGER events_update_changes AFTER UPDATE ON "events" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION events_entity_changes();
--> statement-breakpoint
DROP TRIGGER events_delete_changes ON "events";
--> statement-breakpoint
CREATE TRIGGER events_delete_changes AFTER DELETE ON "events" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION events_entity_changes();
--> statement-breakpoint
CREATE FUNCTION statements_entity_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  logged bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Statement'::text AS typename, id AS entity_id FROM new_rows
        UNION SELECT 'Article'::text AS typename, article_id AS entity_id FROM new_rows
        UNION SELECT 'Person'::text AS typename, speaker_id AS entity_id FROM new_rows
        UNION SELECT 'Event'::text AS typename, event_id AS entity_id FROM new_rows
        UNION SELECT 'Quotation'::text AS typename, quotation_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Statement'::text AS typename, id AS entity_id FROM old_rows
        UNION SELECT 'Article'::text AS typename, article_id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, speaker_id AS entity_id FROM old_rows
        UNION SELECT 'Event'::text AS typename, event_id AS entity_id FROM old_rows
        UNION SELECT 'Quotation'::text AS typename, quotation_id AS entity_id FROM old_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSE
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Statement'::text AS typename, id AS entity_id FROM old_rows
        UNION SELECT 'Article'::text AS typename, article_id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, speaker_id AS entity_id FROM old_rows
        UNION SELECT 'Event'::text AS typename, event_id AS entity_id FROM old_rows
        UNION SELECT 'Quotation'::text AS typename, quotation_id AS entity_id FROM old_rows
        UNION SELECT 'Statement'::text AS typename, id AS entity_id FROM new_rows
        UNION SELECT 'Article'::text AS typename, article_id AS entity_id FROM new_rows
        UNION SELECT 'Person'::text AS typename, speaker_id AS entity_id FROM new_rows
        UNION SELECT 'Event'::text AS typename, event_id AS entity_id FROM new_rows
        UNION SELECT 'Quotation'::text AS typename, quotation_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  END IF;
  GET DIAGNOSTICS logged = ROW_COUNT;
  IF logged > 0 THEN
    PERFORM pg_notify('entity_changed', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER statements_insert_changes ON "statements";
--> statement-breakpoint
CREATE TRIGGER statements_insert_changes AFTER INSERT ON "statements" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION statements_entity_changes();
--> statement-breakpoint
DROP TRIGGER statements_update_changes ON "statements";
--> statement-breakpoint
CREATE TRIGGER statements_update_changes AFTER UPDATE ON "statements" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION statements_entity_changes();
--> statement-breakpoint
DROP TRIGGER statements_delete_changes ON "statements";
--> statement-breakpoint
CREATE TRIGGER statements_delete_changes AFTER DELETE ON "statements" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION statements_entity_changes();
--> statement-breakpoint
CREATE FUNCTION quotations_entity_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  logged bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Quotation'::text AS typename, id AS entity_id FROM new_rows
        UNION SELECT 'Person'::text AS typename, speaker_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Quotation'::text AS typename, id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, speaker_id AS entity_id FROM old_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSE
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Quotation'::text AS typename, id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, speaker_id AS entity_id FROM old_rows
        UNION SELECT 'Quotation'::text AS typename, id AS entity_id FROM new_rows
        UNION SELECT 'Person'::text AS typename, speaker_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  END IF;
  GET DIAGNOSTICS logged = ROW_COUNT;
  IF logged > 0 THEN
    PERFORM pg_notify('entity_changed', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER quotations_insert_changes ON "quotations";
--> statement-breakpoint
CREATE TRIGGER quotations_insert_changes AFTER INSERT ON "quotations" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quotations_entity_changes();
--> statement-breakpoint
DROP TRIGGER quotations_update_changes ON "quotations";
--> statement-breakpoint
CREATE TRIGGER quotations_update_changes AFTER UPDATE ON "quotations" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quotations_entity_changes();
--> statement-breakpoint
DROP TRIGGER quotations_delete_changes ON "quotations";
--> statement-breakpoint
CREATE TRIGGER quotations_delete_changes AFTER DELETE ON "quotations" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION quotations_entity_changes();
--> statement-breakpoint
CREATE FUNCTION article_people_entity_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  logged bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Article'::text AS typename, article_id AS entity_id FROM new_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Article'::text AS typename, article_id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM old_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSE
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Article'::text AS typename, article_id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM old_rows
        UNION SELECT 'Article'::text AS typename, article_id AS entity_id FROM new_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  END IF;
  GET DIAGNOSTICS logged = ROW_COUNT;
  IF logged > 0 THEN
    PERFORM pg_notify('entity_changed', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER article_people_insert_changes ON "article_people";
--> statement-breakpoint
CREATE TRIGGER article_people_insert_changes AFTER INSERT ON "article_people" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION article_people_entity_changes();
--> statement-breakpoint
DROP TRIGGER article_people_update_changes ON "article_people";
--> statement-breakpoint
CREATE TRIGGER article_people_update_changes AFTER UPDATE ON "article_people" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION article_people_entity_changes();
--> statement-breakpoint
DROP TRIGGER article_people_delete_changes ON "article_people";
--> statement-breakpoint
CREATE TRIGGER article_people_delete_changes AFTER DELETE ON "article_people" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION article_people_entity_changes();
--> statement-breakpoint
CREATE FUNCTION article_events_entity_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  logged bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Article'::text AS typename, article_id AS entity_id FROM new_rows
        UNION SELECT 'Event'::text AS typename, event_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Article'::text AS typename, article_id AS entity_id FROM old_rows
        UNION SELECT 'Event'::text AS typename, event_id AS entity_id FROM old_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSE
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Article'::text AS typename, article_id AS entity_id FROM old_rows
        UNION SELECT 'Event'::text AS typename, event_id AS entity_id FROM old_rows
        UNION SELECT 'Article'::text AS typename, article_id AS entity_id FROM new_rows
        UNION SELECT 'Event'::text AS typename, event_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  END IF;
  GET DIAGNOSTICS logged = ROW_COUNT;
  IF logged > 0 THEN
    PERFORM pg_notify('entity_changed', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER article_events_insert_changes ON "article_events";
--> statement-breakpoint
CREATE TRIGGER article_events_insert_changes AFTER INSERT ON "article_events" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION article_events_entity_changes();
--> statement-breakpoint
DROP TRIGGER article_events_update_changes ON "article_events";
--> statement-breakpoint
CREATE TRIGGER article_events_update_changes AFTER UPDATE ON "article_events" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION article_events_entity_changes();
--> statement-breakpoint
DROP TRIGGER article_events_delete_changes ON "article_events";
--> statement-breakpoint
CREATE TRIGGER article_events_delete_changes AFTER DELETE ON "article_events" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION article_events_entity_changes();
--> statement-breakpoint
CREATE FUNCTION event_participants_entity_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  logged bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Event'::text AS typename, event_id AS entity_id FROM new_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Event'::text AS typename, event_id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM old_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSE
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Event'::text AS typename, event_id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM old_rows
        UNION SELECT 'Event'::text AS typename, event_id AS entity_id FROM new_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  END IF;
  GET DIAGNOSTICS logged = ROW_COUNT;
  IF logged > 0 THEN
    PERFORM pg_notify('entity_changed', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER event_participants_insert_changes ON "event_participants";
--> statement-breakpoint
CREATE TRIGGER event_participants_insert_changes AFTER INSERT ON "event_participants" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_participants_entity_changes();
--> statement-breakpoint
DROP TRIGGER event_participants_update_changes ON "event_participants";
--> statement-breakpoint
CREATE TRIGGER event_participants_update_changes AFTER UPDATE ON "event_participants" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_participants_entity_changes();
--> statement-breakpoint
DROP TRIGGER event_participants_delete_changes ON "event_participants";
--> statement-breakpoint
CREATE TRIGGER event_participants_delete_changes AFTER DELETE ON "event_participants" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION event_participants_entity_changes();
--> statement-breakpoint
CREATE FUNCTION statement_mentions_entity_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  logged bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Statement'::text AS typename, statement_id AS entity_id FROM new_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Statement'::text AS typename, statement_id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM old_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSE
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Statement'::text AS typename, statement_id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM old_rows
        UNION SELECT 'Statement'::text AS typename, statement_id AS entity_id FROM new_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  END IF;
  GET DIAGNOSTICS logged = ROW_COUNT;
  IF logged > 0 THEN
    PERFORM pg_notify('entity_changed', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER statement_mentions_insert_changes ON "statement_mentions";
--> statement-breakpoint
CREATE TRIGGER statement_mentions_insert_changes AFTER INSERT ON "statement_mentions" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION statement_mentions_entity_changes();
--> statement-breakpoint
DROP TRIGGER statement_mentions_update_changes ON "statement_mentions";
--> statement-breakpoint
CREATE TRIGGER statement_mentions_update_changes AFTER UPDATE ON "statement_mentions" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION statement_mentions_entity_changes();
--> statement-breakpoint
DROP TRIGGER statement_mentions_delete_changes ON "statement_mentions";
--> statement-breakpoint
CREATE TRIGGER statement_mentions_delete_changes AFTER DELETE ON "statement_mentions" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION statement_mentions_entity_changes();
--> statement-breakpoint
CREATE FUNCTION person_redirects_entity_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  logged bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Person'::text AS typename, old_id AS entity_id FROM new_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Person'::text AS typename, old_id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM old_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  ELSE
    INSERT INTO entity_changes (typename, entity_id)
      SELECT typename, entity_id FROM (
        SELECT 'Person'::text AS typename, old_id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM old_rows
        UNION SELECT 'Person'::text AS typename, old_id AS entity_id FROM new_rows
        UNION SELECT 'Person'::text AS typename, person_id AS entity_id FROM new_rows
      ) t WHERE entity_id IS NOT NULL ORDER BY 1, 2;
  END IF;
  GET DIAGNOSTICS logged = ROW_COUNT;
  IF logged > 0 THEN
    PERFORM pg_notify('entity_changed', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER person_redirects_insert_changes ON "person_redirects";
--> statement-breakpoint
CREATE TRIGGER person_redirects_insert_changes AFTER INSERT ON "person_redirects" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_redirects_entity_changes();
--> statement-breakpoint
DROP TRIGGER person_redirects_update_changes ON "person_redirects";
--> statement-breakpoint
CREATE TRIGGER person_redirects_update_changes AFTER UPDATE ON "person_redirects" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_redirects_entity_changes();
--> statement-breakpoint
DROP TRIGGER person_redirects_delete_changes ON "person_redirects";
--> statement-breakpoint
CREATE TRIGGER person_redirects_delete_changes AFTER DELETE ON "person_redirects" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_redirects_entity_changes();
--> statement-breakpoint
DROP FUNCTION log_entity_changes();
