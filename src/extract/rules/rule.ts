// The one interface of the rule families (`rules/*.ts`): each reads a sentence through a `Finder`
// (the article's text, tokens and the statements found so far) and returns a draft statement.
import type { Cue } from '../cues.js';
import type { Speaker, SpeakerResolver } from '../coref.js';
import type { Quote } from '../quotes.js';
import { normalizeSpace, type Sentence, type Token } from '../text.js';
import type { StatementKind, TextSpan } from '../types.js';

export interface DraftStatement {
  kind: StatementKind;
  span: TextSpan;
  /** the words that carry the statement: quote interiors for quotes, the clause for paraphrases */
  pieces: TextSpan[];
  cue: Cue | null;
  speaker: Speaker;
  channel: string | null;
  paragraph: number;
  /** a quote with no attribution of its own; it borrows a speaker from its neighbours */
  unattributed: boolean;
}

export interface Attribution {
  cue: Cue;
  subjectFirst: number;
  subjectEnd: number;
  /** first token after the attribution */
  end: number;
}

/** What a rule sees of the article; `StatementFinder` is the one implementation. */
export interface Finder {
  readonly body: string;
  readonly tokens: readonly Token[];
  readonly sentences: readonly Sentence[];
  readonly resolver: SpeakerResolver;
  readonly isQuoted: (offset: number) => boolean;
  /** the statements found so far, in sentence order until the final sort */
  readonly drafts: DraftStatement[];
  quotesIn(sentence: Sentence): Quote[];
}

/** A rule family's entry point: the statement it reads in this sentence, or null when its shape does not fit. */
export type SentenceRule = (f: Finder, sentence: Sentence, quotes: Quote[]) => DraftStatement | null;

/**
 * The statement's words as the article has them: fragments of an interrupted quote joined by " … "
 * (the comma that closed a fragment before its attribution dropped), a paraphrase without its
 * complementiser "that".
 */
export function statementText(body: string, pieces: readonly TextSpan[]): string {
  const texts = pieces.map((piece) => normalizeSpace(body.slice(piece.start, piece.end)));
  return texts
    .map((text) => text.replace(/,$/, ''))
    .filter((text) => text.length > 0)
    .join(' … ');
}
