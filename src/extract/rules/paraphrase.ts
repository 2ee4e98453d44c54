// No quotation marks: X said (that) …  /  …, X said.  /  According to X, …
import { cueAt, findCues } from '../cues.js';
import type { Quote } from '../quotes.js';
import { tokenIndexAt, type Sentence } from '../text.js';
import type { TextSpan } from '../types.js';
import { accordingTo } from './according-to.js';
import { endAttributed } from './end-attributed.js';
import type { DraftStatement, Finder } from './rule.js';
import { TAIL_OPENERS, beforeParticipleCue, contentSpan, contentStartAfter, leadingAttribution, statementFromSpan } from './shared.js';

export function paraphrase(f: Finder, sentence: Sentence, titles: Quote[] = []): DraftStatement | null {
  const ending = endAttributed(f, sentence, titles);
  if (ending !== null) return ending;
  const cues = findCues(f.tokens, sentence.firstToken, sentence.endToken, f.isQuoted, true);
  const cue = cues[0];
  if (cue === undefined) return null;
  if (cue.isAccordingTo) return accordingTo(f, sentence, titles);
  const attribution = leadingAttribution(f, sentence, cue, cues);
  if (attribution.subjectEnd <= attribution.subjectFirst && !cue.isParticiple) return null;
  const contentStart = contentStartAfter(f, cue, sentence.endToken);
  if (contentStart >= sentence.endToken - 1) return null;
  const span = clauseOnly(f, beforeParticipleCue(f, contentSpan(f, contentStart, sentence), contentStart, sentence), contentStart);
  return statementFromSpan(f, sentence, span, titles, attribution);
}

/**
 * A paraphrase is the reported clause: it stops before a new reporting verb joined by "and"
 * ("… the nation's defenses and warned against …") and before a trailing comment of the
 * reporter's (", which …", ", though she acknowledged …").
 */
function clauseOnly(f: Finder, span: TextSpan, contentStart: number): TextSpan {
  const endToken = tokenIndexAt(f.tokens, span.end);
  for (let index = contentStart + 1; index < endToken - 1; index++) {
    const token = f.tokens[index]!;
    if (f.isQuoted(token.start)) continue;
    const next = f.tokens[index + 1]!;
    const cueNext = cueAt(f.tokens, index + 1);
    const cut =
      (token.text === ',' && TAIL_OPENERS.has(next.lower)) || (token.lower === 'and' && cueNext !== null && !cueNext.isAccordingTo && !cueNext.isParticiple);
    if (!cut) continue;
    let end = index;
    while (end > contentStart && f.tokens[end - 1]!.text === ',') end--;
    return end > contentStart ? { start: span.start, end: f.tokens[end - 1]!.end } : span;
  }
  return span;
}
