CREATE TABLE "person_redirects" (
	"old_id" integer PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quotations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "quotations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"speaker_id" integer NOT NULL,
	"key" text NOT NULL,
	"words" text NOT NULL,
	"text" text NOT NULL,
	"occurrence_count" integer DEFAULT 0 NOT NULL,
	"first_reported_at" timestamp with time zone NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', text)) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "article_people" ADD COLUMN "mention_count" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "wikidata_id" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "surname_key" text;--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "speaker_confidence" real;--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "quotation_id" integer;--> statement-breakpoint
ALTER TABLE "person_redirects" ADD CONSTRAINT "person_redirects_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotations" ADD CONSTRAINT "quotations_speaker_id_people_id_fk" FOREIGN KEY ("speaker_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "quotations_speaker_key" ON "quotations" USING btree ("speaker_id","key");--> statement-breakpoint
CREATE INDEX "quotations_first_reported_idx" ON "quotations" USING btree ("first_reported_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "quotations_speaker_first_reported_idx" ON "quotations" USING btree ("speaker_id","first_reported_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "quotations_search_idx" ON "quotations" USING gin ("search");--> statement-breakpoint
ALTER TABLE "statements" ADD CONSTRAINT "statements_quotation_id_quotations_id_fk" FOREIGN KEY ("quotation_id") REFERENCES "public"."quotations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "people_wikidata_id_key" ON "people" USING btree ("wikidata_id");--> statement-breakpoint
CREATE INDEX "people_surname_key_idx" ON "people" USING btree ("surname_key");--> statement-breakpoint
CREATE INDEX "statements_quotation_said_idx" ON "statements" USING btree ("quotation_id","said_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_wikidata_id_format" CHECK ("people"."wikidata_id" ~ '^Q[1-9][0-9]*$');--> statement-breakpoint
CREATE FUNCTION statements_to_quotations() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- A quotation counts its reports and knows the earliest; one with no report left goes.
  IF TG_OP <> 'DELETE' AND NEW."quotation_id" IS NOT NULL THEN
    UPDATE "quotations" SET "occurrence_count" = "occurrence_count" + 1, "first_reported_at" = least("first_reported_at", NEW."said_at")
    WHERE "id" = NEW."quotation_id";
  END IF;
  IF TG_OP <> 'INSERT' AND OLD."quotation_id" IS NOT NULL THEN
    UPDATE "quotations" SET "occurrence_count" = "occurrence_count" - 1 WHERE "id" = OLD."quotation_id";
    DELETE FROM "quotations" WHERE "id" = OLD."quotation_id" AND "occurrence_count" <= 0;
    UPDATE "quotations" q SET "first_reported_at" = (SELECT min(s."said_at") FROM "statements" s WHERE s."quotation_id" = q."id")
    WHERE q."id" = OLD."quotation_id" AND q."first_reported_at" >= OLD."said_at"
      AND EXISTS (SELECT 1 FROM "statements" s WHERE s."quotation_id" = q."id");
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER statements_to_quotations_insert_delete
AFTER INSERT OR DELETE ON "statements"
FOR EACH ROW EXECUTE FUNCTION statements_to_quotations();--> statement-breakpoint
CREATE TRIGGER statements_to_quotations_update
AFTER UPDATE OF "quotation_id", "said_at" ON "statements"
FOR EACH ROW WHEN (OLD."quotation_id" IS DISTINCT FROM NEW."quotation_id" OR OLD."said_at" IS DISTINCT FROM NEW."said_at")
EXECUTE FUNCTION statements_to_quotations();
--> statement-breakpoint
-- People stored before: their family name is their name's last word (ingest sets it exactly from now on).
UPDATE "people" SET "surname_key" = lower(regexp_replace(btrim("name"), '^.*\s', ''));
