CREATE TABLE "statement_log_pruned" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"xid" "xid8" NOT NULL,
	"position" bigint NOT NULL,
	"pruned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "statement_log_pruned_one_row" CHECK ("statement_log_pruned"."id")
);
