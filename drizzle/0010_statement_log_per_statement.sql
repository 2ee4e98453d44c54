-- The live log is written once per INSERT statement, not once per row, and announced once per
-- transaction: PostgreSQL folds notifications of one channel with the same payload inside a
-- transaction into one, and listeners read the log (not the payload) anyway. A bulk ingest of a
-- thousand statements was a thousand trigger calls and a thousand notifications.
DROP TRIGGER statements_added_log ON statements;--> statement-breakpoint
DROP FUNCTION statement_added_log();--> statement-breakpoint
CREATE FUNCTION statement_added_log() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- In id order: the order the rows were inserted in (identity values are taken in row order).
  INSERT INTO statement_events (statement_id) SELECT id FROM added ORDER BY id;
  IF FOUND THEN
    PERFORM pg_notify('statement_added', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER statements_added_log
AFTER INSERT ON statements
REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION statement_added_log();
