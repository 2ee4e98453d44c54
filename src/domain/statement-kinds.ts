/** How a statement reports what was said; the database enum, the API enum and ingest share this list. */
export const STATEMENT_KINDS = ['DIRECT_QUOTE', 'PARTIAL_QUOTE', 'PARAPHRASE'] as const;

export type StatementKindValue = (typeof STATEMENT_KINDS)[number];
