-- One-word searches, best match first, without ranking every match (see statementSearchTiers
-- in src/db/schema.ts and src/db/search.ts).
CREATE TABLE "statement_search_tiers" (
	"statement_id" integer NOT NULL,
	"lexeme" text NOT NULL,
	"rank" real NOT NULL,
	CONSTRAINT "statement_search_tiers_statement_id_lexeme_pk" PRIMARY KEY("statement_id","lexeme")
);
--> statement-breakpoint
ALTER TABLE "statement_search_tiers" ADD CONSTRAINT "statement_search_tiers_statement_id_statements_id_fk" FOREIGN KEY ("statement_id") REFERENCES "public"."statements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "statement_search_tiers_lexeme_rank_idx" ON "statement_search_tiers" USING btree ("lexeme","rank" DESC NULLS LAST,"statement_id" DESC NULLS LAST);--> statement-breakpoint
-- The rank of one plain (weight D) occurrence: the lowest a search match can have.
CREATE FUNCTION search_lowest_rank() RETURNS real
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ts_rank('x'::tsvector, 'x'::tsquery) $$;
--> statement-breakpoint
-- A lexeme as a one-word tsquery (quoted as tsquery's own output quotes it).
CREATE FUNCTION search_word_query(lexeme text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT ('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''')::tsquery $$;
--> statement-breakpoint
-- A statement's words that rank above the lowest on their own, with that rank.
CREATE FUNCTION statement_search_tiers_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM "statement_search_tiers" WHERE "statement_id" = NEW."id";
  END IF;
  INSERT INTO "statement_search_tiers" ("statement_id", "lexeme", "rank")
  SELECT NEW."id", w.lexeme, r.rank
  FROM unnest(NEW."search") AS w, ts_rank(NEW."search", search_word_query(w.lexeme)) AS r(rank)
  WHERE r.rank > search_lowest_rank();
  RETURN NULL;
END;
$$;
--> statement-breakpoint
INSERT INTO "statement_search_tiers" ("statement_id", "lexeme", "rank")
SELECT s."id", w.lexeme, r.rank
FROM "statements" AS s, unnest(s."search") AS w, ts_rank(s."search", search_word_query(w.lexeme)) AS r(rank)
WHERE r.rank > search_lowest_rank();--> statement-breakpoint
CREATE TRIGGER statement_search_tiers_insert
AFTER INSERT ON "statements"
FOR EACH ROW EXECUTE FUNCTION statement_search_tiers_sync();--> statement-breakpoint
CREATE TRIGGER statement_search_tiers_update
AFTER UPDATE ON "statements"
FOR EACH ROW WHEN (OLD."search" IS DISTINCT FROM NEW."search") EXECUTE FUNCTION statement_search_tiers_sync();
