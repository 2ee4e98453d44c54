import { asc } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { people } from '../db/schema.js';
import { extract } from '../extract/index.js';
import type { KnownPerson } from '../extract/types.js';
import type { IngestInput } from './index.js';

type ArticleFields = Pick<IngestInput, 'url' | 'headline' | 'source' | 'publishedAt' | 'body'>;

/** The stored people the extractor should recognise (and match to) in a new article. */
export async function loadKnownPeople(db: Db): Promise<KnownPerson[]> {
  return db.select({ id: people.id, name: people.name, aliases: people.aliases }).from(people).orderBy(asc(people.id));
}

/** Runs the extractor (src/extract/) over an article's body and shapes its result for the ingest core. */
export function withExtractedEntities(article: ArticleFields, knownPeople: KnownPerson[]): IngestInput {
  const extraction = extract(
    { body: article.body, publishedAt: article.publishedAt, source: article.source, headline: article.headline },
    knownPeople,
  );
  return {
    ...article,
    people: extraction.people.map((p) => ({ name: p.name, aliases: p.aliases, description: p.description, matchId: p.matchId })),
    statements: extraction.statements.map((s) => ({
      text: s.text,
      kind: s.kind,
      speakerName: s.speakerName,
      speakerLabel: s.speakerLabel,
      channel: s.channel,
      span: s.span,
      mentions: s.mentions,
    })),
    events: extraction.events.map((e) => ({
      name: e.name,
      kind: e.kind,
      startDate: e.startDate,
      endDate: e.endDate,
      location: e.location,
      participants: e.participants.map((name) => ({ name, role: 'participant' })),
    })),
  };
}
