-- A person's events, articles and mentions, newest first (Person.events, .articles, .mentionedIn),
-- read in index order however many there are: each link row carries its target's sort key, kept
-- equal to it here whatever writes the rows (API, seed, plain SQL).
ALTER TABLE "article_people" ADD COLUMN "article_published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "event_participants" ADD COLUMN "event_start" date;--> statement-breakpoint
ALTER TABLE "statement_mentions" ADD COLUMN "statement_said_at" timestamp with time zone;--> statement-breakpoint
UPDATE "article_people" AS l SET "article_published_at" = a."published_at" FROM "articles" AS a WHERE a."id" = l."article_id";--> statement-breakpoint
UPDATE "event_participants" AS l SET "event_start" = e."start_date" FROM "events" AS e WHERE e."id" = l."event_id";--> statement-breakpoint
UPDATE "statement_mentions" AS l SET "statement_said_at" = s."said_at" FROM "statements" AS s WHERE s."id" = l."statement_id";--> statement-breakpoint
CREATE INDEX "article_people_person_published_idx" ON "article_people" USING btree ("person_id","article_published_at" DESC NULLS LAST,"article_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "event_participants_person_start_idx" ON "event_participants" USING btree ("person_id",coalesce("event_start", '-infinity'::date) DESC NULLS LAST,"event_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "statement_mentions_person_said_idx" ON "statement_mentions" USING btree ("person_id","statement_said_at" DESC NULLS LAST,"statement_id" DESC NULLS LAST);--> statement-breakpoint
-- A link's copy comes from its target, never from the writer.
CREATE FUNCTION article_people_published_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT "published_at" INTO NEW."article_published_at" FROM "articles" WHERE "id" = NEW."article_id";
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER article_people_published_at
BEFORE INSERT OR UPDATE OF "article_id", "article_published_at" ON "article_people"
FOR EACH ROW EXECUTE FUNCTION article_people_published_at();--> statement-breakpoint
CREATE FUNCTION event_participants_event_start() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT "start_date" INTO NEW."event_start" FROM "events" WHERE "id" = NEW."event_id";
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER event_participants_event_start
BEFORE INSERT OR UPDATE OF "event_id", "event_start" ON "event_participants"
FOR EACH ROW EXECUTE FUNCTION event_participants_event_start();--> statement-breakpoint
CREATE FUNCTION statement_mentions_said_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT "said_at" INTO NEW."statement_said_at" FROM "statements" WHERE "id" = NEW."statement_id";
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER statement_mentions_said_at
BEFORE INSERT OR UPDATE OF "statement_id", "statement_said_at" ON "statement_mentions"
FOR EACH ROW EXECUTE FUNCTION statement_mentions_said_at();--> statement-breakpoint
-- A target whose sort key changes takes its links along.
CREATE FUNCTION articles_published_at_to_people() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "article_people" SET "article_published_at" = NEW."published_at" WHERE "article_id" = NEW."id";
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER articles_published_at_to_people
AFTER UPDATE OF "published_at" ON "articles"
FOR EACH ROW WHEN (OLD."published_at" IS DISTINCT FROM NEW."published_at")
EXECUTE FUNCTION articles_published_at_to_people();--> statement-breakpoint
CREATE FUNCTION events_start_to_participants() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "event_participants" SET "event_start" = NEW."start_date" WHERE "event_id" = NEW."id";
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER events_start_to_participants
AFTER UPDATE OF "start_date" ON "events"
FOR EACH ROW WHEN (OLD."start_date" IS DISTINCT FROM NEW."start_date")
EXECUTE FUNCTION events_start_to_participants();--> statement-breakpoint
CREATE FUNCTION statements_said_at_to_mentions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "statement_mentions" SET "statement_said_at" = NEW."said_at" WHERE "statement_id" = NEW."id";
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER statements_said_at_to_mentions
AFTER UPDATE OF "said_at" ON "statements"
FOR EACH ROW WHEN (OLD."said_at" IS DISTINCT FROM NEW."said_at")
EXECUTE FUNCTION statements_said_at_to_mentions();
