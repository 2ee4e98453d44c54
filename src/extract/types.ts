// Public contract of the extractor (issue 6). Offsets are UTF-16 code-unit indices into `body`,
// end exclusive, exactly like String.prototype.slice.
export type StatementKind = 'DIRECT_QUOTE' | 'PARTIAL_QUOTE' | 'PARAPHRASE';

export interface TextSpan {
  start: number;
  end: number;
}

export interface ExtractInput {
  body: string;
  publishedAt?: Date | null;
  source?: string | null;
  headline?: string | null;
}

/** A person already stored, so the extractor can grow its name lexicon and resolve matches. */
export interface KnownPerson {
  id: number;
  name: string;
  aliases: string[];
}

export interface ExtractedPerson {
  name: string;
  aliases: string[];
  description: string | null;
  mentions: TextSpan[];
  /** id of the KnownPerson that is the same person, when one matches by name or alias */
  matchId: number | null;
}

export interface ExtractedStatement {
  text: string; // whitespace-normalised
  kind: StatementKind;
  span: TextSpan;
  /** the fragments of an interrupted quote, in order; one span (= span) otherwise */
  spans: TextSpan[];
  cue: TextSpan | null;
  speakerSpan: TextSpan | null;
  speakerName: string | null; // canonical name of a person in `people`
  speakerLabel: string | null; // for unresolved sources: "a source", "the White House"
  channel: string | null;
  mentions: string[]; // canonical names of people the statement refers to
}

export interface ExtractedEvent {
  name: string;
  kind: string;
  startDate: string | null; // YYYY-MM-DD
  endDate: string | null;
  location: string | null;
  participants: string[]; // canonical names
  span: TextSpan;
}

export interface Extraction {
  people: ExtractedPerson[];
  statements: ExtractedStatement[];
  events: ExtractedEvent[];
}
