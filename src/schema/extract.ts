import { builder, TextSpan } from '../builder.js';
import type { ExtractedEvent, ExtractedPerson, ExtractedStatement, Extraction } from '../extract/types.js';
import { GraphQLError } from 'graphql';
import { badInput, userError } from '../errors.js';
import { ExtractionRefused, MAX_EXTRACT_BODY } from '../extract-pool.js';
import { loadKnownPeople } from '../ingest/from-extraction.js';
import { Person, StatementKind } from './refs.js';

/** Articles longer than this are not news articles; refusing them keeps extraction fast and bounded. */
export function checkExtractableBody(body: string): void {
  if (body.trim().length === 0) throw badInput('"input.body" must not be empty.', 'input.body');
  if (body.length > MAX_EXTRACT_BODY) throw badInput(`"input.body" must be at most ${MAX_EXTRACT_BODY} characters to be extracted.`, 'input.body');
}

/** An extraction stopped by its budget or refused by a full pool, as the client's error. */
export function extractionError(error: unknown): unknown {
  if (!(error instanceof ExtractionRefused)) return error;
  if (error.reason === 'timeout') {
    return new GraphQLError(`${error.message} Send a shorter or simpler text.`, { extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'extractionTime' } });
  }
  if (error.reason === 'busy' || error.reason === 'closed') return userError('SERVICE_UNAVAILABLE', error.message);
  return error;
}

const ExtractedPersonRef = builder.objectRef<ExtractedPerson>('ExtractedPerson').implement({
  description: 'A person the extractor found in the text.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Canonical full name.' }),
    aliases: t.exposeStringList('aliases', { description: 'Other forms of the name the text uses.' }),
    description: t.exposeString('description', { nullable: true, description: 'Title or role as the text gives it.' }),
    mentions: t.field({ type: [TextSpan], resolve: (p) => p.mentions }),
    match: t.field({
      type: Person,
      nullable: true,
      description: 'The stored person who is the same one (matched by name or alias), if any.',
      resolve: (p, _args, ctx) => (p.matchId == null ? null : ctx.loaders.person.load(p.matchId)),
    }),
  }),
});

const ExtractedStatementRef = builder.objectRef<ExtractedStatement>('ExtractedStatement').implement({
  description: 'A statement the extractor found: who said what, and where it stands in the text.',
  fields: (t) => ({
    text: t.exposeString('text'),
    kind: t.field({ type: StatementKind, resolve: (s) => s.kind }),
    span: t.field({ type: TextSpan, description: 'The overall range, from the first fragment to the last.', resolve: (s) => s.span }),
    spans: t.field({
      type: [TextSpan],
      description: 'Each fragment, in order: several when the attribution interrupts a quote; otherwise just `span`.',
      resolve: (s) => s.spans,
    }),
    cue: t.field({ type: TextSpan, nullable: true, description: 'The reporting verb or phrase.', resolve: (s) => s.cue }),
    speakerSpan: t.field({
      type: TextSpan,
      nullable: true,
      description: 'The mention the text attributes the statement to (may be a pronoun or a descriptor).',
      resolve: (s) => s.speakerSpan,
    }),
    speakerName: t.exposeString('speakerName', { nullable: true, description: 'The resolved person, by canonical name.' }),
    speakerLabel: t.exposeString('speakerLabel', { nullable: true, description: 'For unresolved sources: "a source", "the White House".' }),
    channel: t.exposeString('channel', { nullable: true }),
    mentions: t.exposeStringList('mentions', { description: 'Canonical names of people the statement refers to.' }),
  }),
});

const ExtractedEventRef = builder.objectRef<ExtractedEvent>('ExtractedEvent').implement({
  description: 'An event the extractor found, with dates resolved against the publication date.',
  fields: (t) => ({
    name: t.exposeString('name'),
    kind: t.exposeString('kind'),
    startDate: t.field({ type: 'Date', nullable: true, resolve: (e) => e.startDate }),
    endDate: t.field({ type: 'Date', nullable: true, resolve: (e) => e.endDate }),
    location: t.exposeString('location', { nullable: true }),
    participants: t.exposeStringList('participants'),
    span: t.field({ type: TextSpan, resolve: (e) => e.span }),
  }),
});

const ExtractionRef = builder.objectRef<Extraction>('Extraction').implement({
  description: 'What the text says, found by rules: nothing is stored.',
  fields: (t) => ({
    language: t.exposeString('language', { description: 'The language of the body (ISO 639-1), as detected.' }),
    warnings: t.exposeStringList('warnings', {
      description: 'What could not be extracted and why, e.g. "language de is not supported; no statements extracted".',
    }),
    people: t.field({ type: [ExtractedPersonRef], resolve: (x) => x.people }),
    statements: t.field({ type: [ExtractedStatementRef], resolve: (x) => x.statements }),
    events: t.field({ type: [ExtractedEventRef], resolve: (x) => x.events }),
  }),
});

const ExtractInput = builder.inputType('ExtractInput', {
  fields: (t) => ({
    body: t.string({ required: true, description: 'The article text, as published.' }),
    publishedAt: t.field({ type: 'DateTime', description: 'Relative dates ("last month", "Wednesday") resolve against it.' }),
    source: t.string(),
    headline: t.string(),
  }),
});

builder.queryField('extract', (t) =>
  t.field({
    type: ExtractionRef,
    description: "Who is in an article's text, who said what and which events it reports — a dry run: nothing is stored.",
    args: { input: t.arg({ type: ExtractInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      checkExtractableBody(input.body);
      const knownPeople = await loadKnownPeople(ctx.db, input.body);
      const article = { body: input.body, publishedAt: input.publishedAt ?? null, source: input.source ?? null, headline: input.headline ?? null };
      return ctx.extract(article, knownPeople).catch((error: unknown) => {
        throw extractionError(error);
      });
    },
  }),
);
