import { linkQuotations } from '../ingest/quotations.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import type { SeedArticle } from '../../seeds/types.js';
import { projectPath } from '../paths.js';
import { normalizeWhitespace } from '../domain/text.js';
import type { Db } from './index.js';
import { surnameKey } from '../ingest/name-match.js';
import { articleEvents, articlePeople, articles, eventParticipants, events, people, statementMentions, statements } from './schema.js';

const SEEDS_DIR = projectPath('seeds');

/** Offsets of the n-th occurrence of `quote` in `body`; throws when the seed does not match the text. */
export function locate(body: string, quote: string, occurrence = 0): { start: number; end: number } {
  let start = -1;
  for (let i = 0; i <= occurrence; i++) {
    start = body.indexOf(quote, start + 1);
    if (start < 0) throw new Error(`Seed quote not found in body (occurrence ${occurrence}): ${quote.slice(0, 60)}`);
  }
  return { start, end: start + quote.length };
}

/**
 * Stores one seed article with its people, events, statements and links, in one transaction.
 * Idempotent: an article whose URL is already stored is left as it is.
 */
export async function seedArticle(db: Db, seed: SeedArticle): Promise<'created' | 'skipped'> {
  const body = readFileSync(path.join(SEEDS_DIR, seed.bodyFile), 'utf8');
  return db.transaction(async (tx) => {
    const existing = await tx.select({ id: articles.id }).from(articles).where(eq(articles.url, seed.url));
    if (existing.length > 0) return 'skipped';

    // People are shared across articles: reuse whoever is already stored under the slug.
    await tx
      .insert(people)
      .values(seed.people.map(({ slug, name, aliases, description }) => ({ slug, name, aliases, description, surnameKey: surnameKey(name) })))
      .onConflictDoNothing({ target: people.slug });
    const personRows = await tx
      .select({ id: people.id, slug: people.slug })
      .from(people)
      .where(
        inArray(
          people.slug,
          seed.people.map((p) => p.slug),
        ),
      );
    const personId = (slug: string) => {
      const row = personRows.find((p) => p.slug === slug);
      if (!row) throw new Error(`Seed refers to unknown person "${slug}"`);
      return row.id;
    };

    const [article] = await tx
      .insert(articles)
      .values({ url: seed.url, headline: seed.headline, source: seed.source, publishedAt: new Date(seed.publishedAt), body })
      .returning({ id: articles.id });
    const articleId = article!.id;

    await tx.insert(articlePeople).values(seed.mentionedPeople.map((slug) => ({ articleId, personId: personId(slug) })));

    const eventIds = new Map<string, number>();
    for (const event of seed.events) {
      const [row] = await tx
        .insert(events)
        .values({
          name: event.name,
          kind: event.kind,
          startDate: event.startDate ?? null,
          endDate: event.endDate ?? null,
          location: event.location ?? null,
          description: event.description ?? null,
        })
        .returning({ id: events.id });
      eventIds.set(event.key, row!.id);
      if (event.participants.length > 0) {
        await tx.insert(eventParticipants).values(event.participants.map((p) => ({ eventId: row!.id, personId: personId(p.person), role: p.role })));
      }
    }
    if (eventIds.size > 0) await tx.insert(articleEvents).values([...eventIds.values()].map((eventId) => ({ articleId, eventId })));

    for (const statement of seed.statements) {
      const span = locate(body, statement.quote, statement.occurrence);
      const eventId = statement.event === undefined ? null : eventIds.get(statement.event);
      if (eventId === undefined) throw new Error(`Seed statement refers to unknown event "${statement.event}"`);
      const speakerId = statement.speaker ? personId(statement.speaker) : null;
      // Quotes are reports of a quotation, as when ingested (src/ingest/quotations.ts).
      const [quotationId] = await linkQuotations(tx, [
        { speakerId, kind: statement.kind, text: normalizeWhitespace(statement.quote), saidAt: new Date(statement.saidAt) },
      ]);
      const [row] = await tx
        .insert(statements)
        .values({
          articleId,
          speakerId,
          speakerLabel: statement.speakerLabel ?? null,
          quotationId: quotationId ?? null,
          eventId,
          kind: statement.kind,
          text: normalizeWhitespace(statement.quote),
          channel: statement.channel ?? null,
          saidAt: new Date(statement.saidAt),
          spanStart: span.start,
          spanEnd: span.end,
        })
        .returning({ id: statements.id });
      if (statement.mentions.length > 0) {
        await tx.insert(statementMentions).values(statement.mentions.map((slug) => ({ statementId: row!.id, personId: personId(slug) })));
      }
    }
    return 'created';
  });
}

export async function seedAll(db: Db, seeds: SeedArticle[]): Promise<{ created: number; skipped: number }> {
  // One read decides what is missing, so a start on a seeded database opens no write transaction.
  const stored = new Set(
    (
      await db
        .select({ url: articles.url })
        .from(articles)
        .where(
          inArray(
            articles.url,
            seeds.map((s) => s.url),
          ),
        )
    ).map((r) => r.url),
  );
  let created = 0;
  for (const seed of seeds.filter((s) => !stored.has(s.url))) if ((await seedArticle(db, seed)) === 'created') created++;
  return { created, skipped: seeds.length - created };
}
