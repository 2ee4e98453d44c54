// The shape of a hand-modelled seed article. Spans are not written by hand: each statement names
// the exact passage of the body it stands on (`quote`), and the loader finds its offsets, so a
// typo fails loudly instead of silently pointing at the wrong words.
export type StatementKind = 'DIRECT_QUOTE' | 'PARTIAL_QUOTE' | 'PARAPHRASE';

export interface SeedPerson {
  slug: string; // stable key, e.g. "rand-paul"
  name: string; // canonical full name
  aliases: string[]; // every other form the text uses
  description: string;
}

export interface SeedEvent {
  key: string; // local key, referenced by statements
  name: string;
  kind: string;
  startDate?: string; // YYYY-MM-DD
  endDate?: string;
  location?: string;
  description?: string;
  participants: { person: string; role: string }[]; // person = slug
}

export interface SeedStatement {
  /** Exact substring of the article body (as published, including U+00A0) holding the statement's words. */
  quote: string;
  /** Which occurrence of `quote` in the body, when it occurs more than once (0-based). */
  occurrence?: number;
  kind: StatementKind;
  speaker?: string; // person slug; absent when unattributed
  speakerLabel?: string; // how the article names the source
  channel?: string;
  saidAt: string; // ISO timestamp (date precision is fine)
  event?: string; // event key
  mentions: string[]; // person slugs the statement refers to
}

export interface SeedArticle {
  url: string;
  headline: string;
  source: string;
  publishedAt: string; // ISO timestamp
  bodyFile: string; // file next to the seed module holding the body, byte-for-byte as published
  people: SeedPerson[];
  mentionedPeople: string[]; // slugs of everyone the article mentions
  events: SeedEvent[];
  statements: SeedStatement[];
}
