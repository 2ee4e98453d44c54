// "According to X, …" at the start of a sentence.
import { cueAt } from '../cues.js';
import type { Quote } from '../quotes.js';
import type { Sentence } from '../text.js';
import type { DraftStatement, Finder } from './rule.js';
import { contentSpan, contentStartAfter, leadingAttribution, statementFromSpan } from './shared.js';

/** "According to X, …" at the start of a sentence. */
export function accordingTo(f: Finder, sentence: Sentence, quotes: Quote[]): DraftStatement | null {
  const first = f.tokens[sentence.firstToken];
  if (first?.lower !== 'according') return null;
  const cue = cueAt(f.tokens, sentence.firstToken);
  if (cue === null) return null;
  const attribution = leadingAttribution(f, sentence, cue, [cue]);
  const span = contentSpan(f, contentStartAfter(f, cue, sentence.endToken), sentence);
  return statementFromSpan(f, sentence, span, quotes, attribution);
}
