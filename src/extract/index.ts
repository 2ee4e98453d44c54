// Rule-based "who said what" extraction: people, their statements (direct quotes, partial quotes,
// paraphrases) and the events the article mentions. Deterministic and dependency-light so it can
// run on every article as it is ingested.
import { SpeakerResolver } from './coref.js';
import { findEvents } from './events.js';
import { detectLanguage, unsupportedLanguageWarning } from './language.js';
import { findPeople, type NameMention, type Person } from './names.js';
import { findQuotes, type Quote } from './quotes.js';
import { StatementFinder, attachUnattributedQuotes, statementText, type DraftStatement } from './statements.js';
import { splitParagraphs, splitSentences, tokenize } from './text.js';
import type { ExtractInput, ExtractedPerson, ExtractedStatement, Extraction, KnownPerson } from './types.js';

export type * from './types.js';

/** Builds a fast "is this offset strictly inside quote marks?" test over sorted quotes. */
function quoteInteriorTest(quotes: readonly Quote[]): (offset: number) => boolean {
  return (offset: number): boolean => {
    let low = 0;
    let high = quotes.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const quote = quotes[middle]!;
      if (offset <= quote.start) high = middle - 1;
      else if (offset >= quote.end - (quote.closed ? 1 : 0)) low = middle + 1;
      else return true;
    }
    return false;
  };
}

function toExtractedPerson(person: Person): ExtractedPerson {
  return {
    name: person.name,
    aliases: [...person.forms].filter((form) => form !== person.name),
    description: person.description,
    mentions: person.mentions.map((mention) => ({ ...mention.span })),
    matchId: person.matchId,
  };
}

function mentionedPeople(people: readonly Person[], mentions: readonly NameMention[], draft: DraftStatement): string[] {
  const names = new Set<string>();
  for (const mention of mentions) {
    const inside = draft.pieces.some((piece) => mention.span.start >= piece.start && mention.span.end <= piece.end);
    if (inside) names.add(people[mention.personIndex]!.name);
  }
  return [...names];
}

function toExtractedStatement(body: string, people: readonly Person[], mentions: readonly NameMention[], draft: DraftStatement, tokensStart: (index: number) => number, tokensEnd: (index: number) => number): ExtractedStatement {
  return {
    text: statementText(body, draft.pieces),
    kind: draft.kind,
    span: draft.span,
    // the one place fragments are filled in: a statement is one fragment unless its draft has several
    spans: [draft.span],
    cue: draft.cue === null ? null : { start: tokensStart(draft.cue.first), end: tokensEnd(draft.cue.end - 1) },
    speakerSpan: draft.speaker.span,
    speakerName: draft.speaker.name,
    speakerLabel: draft.speaker.name === null ? draft.speaker.label : null,
    channel: draft.channel,
    mentions: mentionedPeople(people, mentions, draft),
  };
}

export function extract(input: ExtractInput, knownPeople: KnownPerson[] = []): Extraction {
  const body = input.body;
  const language = detectLanguage(body);
  // the rules read English only: anything else would give noise, so it gives nothing, and says so
  if (language !== 'en') return { language, warnings: [unsupportedLanguageWarning(language)], people: [], statements: [], events: [] };
  const tokens = tokenize(body);
  const quotes = findQuotes(body);
  const isQuoted = quoteInteriorTest(quotes);
  const paragraphs = splitParagraphs(body);
  const sentences = splitSentences(body, tokens, paragraphs, isQuoted);
  const { people, mentions } = findPeople(body, tokens, knownPeople);
  const resolver = new SpeakerResolver(body, tokens, people, mentions, isQuoted);
  const drafts = attachUnattributedQuotes(body, new StatementFinder(body, tokens, quotes, sentences, resolver, isQuoted).find());

  const statements = drafts.map((draft) =>
    toExtractedStatement(body, people, mentions, draft, (index) => tokens[index]!.start, (index) => tokens[index]!.end),
  );
  const events = findEvents({ body, tokens, sentences, people, mentions, publishedAt: input.publishedAt ?? null, isQuoted, statements });
  return { language, warnings: [], people: people.filter((person) => person.mentions.length > 0).map(toExtractedPerson), statements, events };
}
