DROP INDEX "events_start_idx";--> statement-breakpoint
CREATE INDEX "events_start_idx" ON "events" USING btree (coalesce("start_date", '-infinity'::date) DESC NULLS LAST,"id" DESC NULLS LAST);