-- Every stored statement, however it was inserted (API, seed, psql, another instance), is logged in
-- statement_events by the inserting transaction and announced on the `statement_added` channel.
-- PostgreSQL delivers the NOTIFY only when that transaction commits; the payload carries the id
-- alone (payloads are capped near 8 KB), and listeners read the rest from the database.
CREATE FUNCTION statement_added_log() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO statement_events (statement_id) VALUES (NEW.id);
  PERFORM pg_notify('statement_added', json_build_object('statementId', NEW.id)::text);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER statements_added_log
AFTER INSERT ON statements
FOR EACH ROW EXECUTE FUNCTION statement_added_log();
