// A second statement by the same speaker after the first: "…," he said, adding that "…".
import { findCues } from '../cues.js';
import { tokenIndexAt, type Sentence } from '../text.js';
import type { Attribution, DraftStatement, Finder } from './rule.js';
import { contentSpan, contentStartAfter, statementFromSpan } from './shared.js';

/** "…," he said, adding that "…" — a second statement by the same speaker after the first. */
export function continuation(f: Finder, sentence: Sentence, statement: DraftStatement): DraftStatement | null {
  const from = tokenIndexAt(f.tokens, statement.span.end);
  if (statement.cue === null || from >= sentence.endToken) return null;
  const start = Math.max(from, statement.cue.end);
  const cue = findCues(f.tokens, start, sentence.endToken, f.isQuoted).find(
    (candidate) => candidate.isParticiple || f.tokens[candidate.first - 1]?.lower === 'and',
  );
  if (cue === undefined) return null;
  const span = contentSpan(f, contentStartAfter(f, cue, sentence.endToken), sentence);
  if (span.end <= span.start) return null;
  const attribution: Attribution = { cue, subjectFirst: cue.first, subjectEnd: cue.first, end: cue.end };
  const draft = statementFromSpan(f, sentence, span, f.quotesIn(sentence), attribution);
  return draft === null ? null : { ...draft, speaker: statement.speaker, channel: statement.channel ?? draft.channel };
}
