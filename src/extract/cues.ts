// Reporting cues: the verb or phrase that attributes speech ("said", "told CNN", "tweeted",
// "according to"), plus the channel it implies (tweet, letter, statement, interview, an outlet).
import { ADDRESSEE_VERBS, AUXILIARIES, DOCUMENT_NOUNS, OPINION_VERBS, SPEECH_VERBS, STANCE_VERBS } from './lexicon.js';
import type { Token } from './text.js';

export interface Cue {
  /** first token of the cue and one past its last token */
  first: number;
  end: number;
  verb: string;
  /** "according to X" puts the speaker after the cue */
  isAccordingTo: boolean;
  /** present participle ("..., saying that"): the speaker is the clause subject */
  isParticiple: boolean;
}

/** Words that are usually nouns; as cues they need a subject-like word before them. */
const NOUN_LIKE = new Set(
  'report reports post posts call calls state states charge charges note notes claim claims tweet tweets read find found show shows promise promises counter demand demands estimate estimates hope hopes worry warning feel remarks post'.split(
    ' ',
  ),
);
const DETERMINERS = new Set('the a an his her their its our this that these those my your no any each every some another such'.split(' '));
const SUBJECT_PRONOUNS = new Set('he she it they we i you who which that'.split(' '));
const BE_VERBS = new Set('is are was were be been being'.split(' '));
const NOT_SPEECH_AFTER = new Set(['for', 'off', 'up', 'on', 'out', 'into']);

export function isQuotationCue(verb: string): boolean {
  return !OPINION_VERBS.has(verb);
}

/** Is the token at `index` a reporting cue (a verb, or "according to")? */
export function cueAt(tokens: readonly Token[], index: number, paraphrase = false): Cue | null {
  const token = tokens[index];
  if (token === undefined || !token.isWord) return null;
  const previous = tokens[index - 1];
  const next = tokens[index + 1];
  if (token.lower === 'according' && next?.lower === 'to') {
    return { first: index, end: index + 2, verb: 'according to', isAccordingTo: true, isParticiple: false };
  }
  if (!SPEECH_VERBS.has(token.lower) && !(paraphrase && STANCE_VERBS.has(token.lower))) return null;
  if (token.capitalized && index > 0 && previous?.text !== '“' && previous?.text !== '"') return null;
  const previousLower = previous?.lower ?? '';
  if (BE_VERBS.has(previousLower) && !token.lower.endsWith('ing')) return null; // passive: "was told"
  if (previousLower === 'when' || previousLower === 'if' || (previousLower === 'to' && token.lower !== 'say')) return null;
  if (NOUN_LIKE.has(token.lower)) {
    // "he reports", "Trump tweets" are verbs; "one tweet", "the report" are nouns
    const subjectLike =
      previous !== undefined &&
      previous.isWord &&
      (SUBJECT_PRONOUNS.has(previousLower) || AUXILIARIES.has(previousLower) || (previous.capitalized && !DETERMINERS.has(previousLower)));
    if (!subjectLike) return null;
    if (token.lower === 'read' || token.lower === 'reads') {
      if (!(previousLower === 'it' || previousLower === 'which' || DOCUMENT_NOUNS.has(previousLower))) return null;
    }
  }
  if (next !== undefined && NOT_SPEECH_AFTER.has(next.lower) && ['calls', 'call', 'called', 'post', 'posted', 'found', 'show', 'shows'].includes(token.lower))
    return null;
  if (next?.lower === 'of' && token.lower.startsWith('call')) return null;
  // "the spot concludes with footage …", "continued with a tour": not speech
  if (next?.lower === 'with' && /^(?:conclu|continu)/.test(token.lower)) return null;
  return { first: index, end: index + 1, verb: token.lower, isAccordingTo: false, isParticiple: token.lower.endsWith('ing') };
}

/** Cues between token indexes `first` and `end` that are not inside quotation marks. */
export function findCues(tokens: readonly Token[], first: number, end: number, isQuoted: (offset: number) => boolean, paraphrase = false): Cue[] {
  const cues: Cue[] = [];
  for (let index = first; index < end; index++) {
    if (isQuoted(tokens[index]!.start)) continue;
    const cue = cueAt(tokens, index, paraphrase);
    if (cue !== null) {
      cues.push(cue);
      index = cue.end - 1;
    }
  }
  return cues;
}

/** Index just before the subject: skips adverbs and auxiliaries ("Paul also said", "he has said"). */
export function skipAuxiliariesBackward(tokens: readonly Token[], cueFirst: number, limit: number): number {
  let index = cueFirst;
  // "is calling", "was saying": the progressive's "be" belongs to the verb, not the subject
  const progressive = /ing$/.test(tokens[cueFirst]?.lower ?? '');
  const skippable = (token: Token): boolean => !token.capitalized && (AUXILIARIES.has(token.lower) || (progressive && BE_VERBS.has(token.lower)));
  while (index > limit && skippable(tokens[index - 1]!)) index--;
  return index;
}

const OUTLET_WORDS = new Set(
  'cnn fox msnbc nbc abc cbs pbs npr reuters politico axios bloomberg breitbart ap afp bbc times post journal news tribune herald globe magazine radio network show'.split(
    ' ',
  ),
);

/**
 * The channel of a statement, read from the words around its cue: "tweeted" → tweet,
 * "in a statement" → statement, "told CNN" → CNN, "it read" after a letter → letter.
 */
export function channelFor(tokens: readonly Token[], cue: Cue, windowEnd: number, documentNoun: string | null): string | null {
  if (cue.verb.startsWith('tweet')) return 'tweet';
  if ((cue.verb === 'read' || cue.verb === 'reads') && documentNoun !== null) return documentNoun;
  // look around the cue but not into the content ("announced that he delivered a letter")
  let end = cue.end;
  while (end < Math.min(windowEnd, cue.end + 10) && tokens[end]!.lower !== 'that' && !/^["“”]$/.test(tokens[end]!.text)) end++;
  const lowers = tokens.slice(Math.max(0, cue.first - 6), end).map((token) => token.lower);
  const nounAfterArticle = (noun: string): boolean =>
    lowers.some((word, position) => word === noun && ['a', 'an', 'the', 'his', 'her', 'their', 'its'].includes(lowers[position - 1] ?? ''));
  if (nounAfterArticle('statement') || nounAfterArticle('release')) return 'statement';
  if (nounAfterArticle('tweet') || lowers.includes('twitter')) return 'tweet';
  if (nounAfterArticle('letter')) return 'letter';
  if (nounAfterArticle('interview')) return 'interview';
  if (ADDRESSEE_VERBS.has(cue.verb) && cue.verb.startsWith('t')) {
    const outlet = outletAfter(tokens, cue.end);
    if (outlet !== null) return outlet;
  }
  if (nounAfterArticle('op-ed') || nounAfterArticle('column')) return 'op-ed';
  if (nounAfterArticle('speech') || nounAfterArticle('rally')) return 'speech';
  if (cue.verb.startsWith('wr')) return 'writing';
  return null;
}

/** "told CNN", "told The New York Times" → the outlet's name. */
function outletAfter(tokens: readonly Token[], start: number): string | null {
  let index = start;
  if (tokens[index]?.lower === 'the') index++;
  const words: string[] = [];
  while (index < tokens.length && tokens[index]!.isWord && tokens[index]!.capitalized && words.length < 5) {
    words.push(tokens[index]!.text.replace(/['’]s$/u, ''));
    index++;
  }
  if (words.length === 0) return null;
  const isOutlet = words.some((word) => OUTLET_WORDS.has(word.toLowerCase())) || words.every((word) => /^[A-Z]{2,5}$/.test(word));
  return isOutlet ? words.join(' ') : null;
}
