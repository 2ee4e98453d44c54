CREATE TABLE "editor_tokens" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "editor_tokens_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"key_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "statement_events" (
	"position" bigserial PRIMARY KEY NOT NULL,
	"statement_id" integer NOT NULL,
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "statements_article_position_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "editor_tokens_key_id_key" ON "editor_tokens" USING btree ("key_id");--> statement-breakpoint
CREATE UNIQUE INDEX "editor_tokens_active_name_key" ON "editor_tokens" USING btree ("name") WHERE "editor_tokens"."revoked_at" IS NULL;--> statement-breakpoint
CREATE INDEX "statement_events_xid_position_idx" ON "statement_events" USING btree ("xid","position");--> statement-breakpoint
CREATE INDEX "statements_article_position_idx" ON "statements" USING btree ("article_id",coalesce("span_start", 2147483647),"id");