// The ingest core: one article with its people, events and statements, stored atomically.
// The API's `ingestArticle` and the extractor both feed it fully specified input.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { articleEvents, articlePeople, articles, eventParticipants, events, statementMentions, statements } from '../db/schema.js';
import { badInput } from '../errors.js';
import { checkFragmentText, placeStatement } from '../domain/spans.js';
import { normalizeWhitespace } from '../domain/text.js';
import { type Report, linkQuotations } from './quotations.js';
import { type PeopleSource, type Resolution, nameKey, resolvePeople, storedPeople } from './resolve.js';

/** Advisory lock key: ingests hold it shared, mergePeople exclusively ("people" in ASCII). */
export const PEOPLE_LOCK = 0x70656f70;

import type { StatementKindValue } from '../domain/statement-kinds.js';
export type { StatementKindValue };

export interface IngestPerson {
  name: string;
  aliases?: string[] | null | undefined;
  description?: string | null | undefined;
  /** An existing person known to be this one (the extractor's match). */
  matchId?: number | null | undefined;
  /** Where the article names them (the extractor's spans): salience, and headline-only names. */
  mentions?: { start: number; end: number }[] | null | undefined;
}

export interface IngestStatement {
  text: string;
  kind: StatementKindValue;
  speakerName?: string | null | undefined;
  speakerLabel?: string | null | undefined;
  channel?: string | null | undefined;
  /** Defaults to the article's publication time. */
  saidAt?: Date | null | undefined;
  span?: { start: number; end: number } | null | undefined;
  /** The fragments, in order, of a quote its attribution interrupts; `span` is then their overall range. */
  spans?: { start: number; end: number }[] | null | undefined;
  /** Names of the people the statement refers to. */
  mentions?: string[] | null | undefined;
  /** Name of one of the input's events. */
  eventName?: string | null | undefined;
}

export interface IngestEvent {
  name: string;
  kind: string;
  /** YYYY-MM-DD */
  startDate?: string | null | undefined;
  endDate?: string | null | undefined;
  location?: string | null | undefined;
  description?: string | null | undefined;
  participants?: { name: string; role: string }[] | null | undefined;
}

export interface IngestInput {
  url: string;
  headline: string;
  source: string;
  publishedAt: Date;
  body: string;
  people?: IngestPerson[] | null | undefined;
  statements?: IngestStatement[] | null | undefined;
  events?: IngestEvent[] | null | undefined;
  /**
   * The names were found by the extractor, not given: resolution then also decides what is not a
   * person (src/ingest/resolve.ts).
   */
  extracted?: boolean | undefined;
}

export interface IngestResult {
  articleId: number;
  /** False when the URL was already stored and has been updated. */
  created: boolean;
  personIds: number[];
  /** The people this ingest created (the rest of `personIds` were stored already). */
  newPersonIds: number[];
  eventIds: number[];
  statementIds: number[];
  /** The statements this ingest inserted (the rest of `statementIds` were kept, with their ids). */
  newStatementIds: number[];
}

const idArray = (ids: readonly number[]) => sql`string_to_array(${ids.join(',')}, ',')::int[]`;

/** Stores (or, for a known URL, updates) an article and everything in it, in one transaction. */
export function ingestArticle(db: Db, input: IngestInput, now: Date = new Date()): Promise<IngestResult> {
  checkIngestInput(input);
  return db.transaction((tx) => ingestInTransaction(tx as unknown as Db, input, now));
}

/** References inside the input that zod cannot see: event names, span bounds. */
export function checkIngestInput(input: IngestInput): void {
  const eventNames = new Set<string>();
  (input.events ?? []).forEach((event, i) => {
    const key = nameKey(event.name);
    if (eventNames.has(key)) throw badInput(`"input.events.${i}.name": another event has the same name.`, `input.events.${i}.name`);
    eventNames.add(key);
  });
  (input.statements ?? []).forEach((statement, i) => {
    if (statement.eventName && !eventNames.has(nameKey(statement.eventName))) {
      throw badInput(`"input.statements.${i}.eventName": no event of that name in "input.events".`, `input.statements.${i}.eventName`);
    }
    if (statement.span && statement.span.end > input.body.length) {
      throw badInput(`"input.statements.${i}.span": ends after the body.`, `input.statements.${i}.span`);
    }
    const { spans } = placeStatement(statement, input.body.length, `input.statements.${i}`);
    checkFragmentText(statement.text, statement.kind, spans, input.body, `input.statements.${i}`);
  });
}

/** The same, inside a transaction the caller holds. */
export async function ingestInTransaction(tx: Db, input: IngestInput, now: Date): Promise<IngestResult> {
  return ingestIntoArticle(tx, await upsertArticle(tx, input, now), input, now);
}

/** Inserts the article, or updates the one stored under its URL; `created` tells which. */
export async function upsertArticle(tx: Db, input: IngestInput, now: Date): Promise<{ id: number; created: boolean }> {
  // The upsert locks the article row: concurrent ingests of one URL run one after the other,
  // each seeing the previous one's statements, so none is stored twice.
  const [article] = await tx
    .insert(articles)
    .values({ url: input.url, headline: input.headline, source: input.source, publishedAt: input.publishedAt, body: input.body })
    .onConflictDoUpdate({
      target: articles.url,
      set: { headline: input.headline, source: input.source, publishedAt: input.publishedAt, body: input.body, updatedAt: now },
    })
    .returning({ id: articles.id, created: sql<boolean>`(xmax = 0)` });
  return { id: article!.id, created: Boolean(article!.created) };
}

/** Takes the people lock shared: merging people takes it exclusively, so an ingest never resolves to a person being merged away. */
export const lockPeopleShared = (tx: Db) => tx.execute(sql`select pg_advisory_xact_lock_shared(${PEOPLE_LOCK})`);

/** Resolves the input's names against `source`. */
export async function resolveNames(input: IngestInput, now: Date, source: PeopleSource) {
  const resolved = await resolvePeople(input, now, source);
  const resolutionOf = (name: string) => resolved.byName.get(nameKey(name)) ?? { label: normalizeWhitespace(name) };
  const personIdOf = (name: string) => {
    const found = resolutionOf(name);
    return 'personId' in found ? found.personId : null;
  };
  return { ...resolved, resolutionOf, personIdOf };
}

/** The rest of ingestInTransaction, once the article row is written. */
export async function ingestIntoArticle(tx: Db, article: { id: number; created: boolean }, input: IngestInput, now: Date): Promise<IngestResult> {
  const articleId = article.id;
  await lockPeopleShared(tx);
  const { mentionsById, newPersonIds, resolutionOf, personIdOf } = await resolveNames(input, now, storedPeople(tx));

  const allPersonIds = [...mentionsById.keys()];
  await tx.delete(articlePeople).where(eq(articlePeople.articleId, articleId));
  if (allPersonIds.length > 0) {
    await tx.insert(articlePeople).values(allPersonIds.map((personId) => ({ articleId, personId, mentionCount: mentionsById.get(personId)! })));
  }

  const eventIdByName = await storeEvents(tx, articleId, input.events ?? [], personIdOf, now);
  const { ids: statementIds, newIds: newStatementIds } = await storeStatements(tx, articleId, input, resolutionOf, eventIdByName, now);

  return {
    articleId,
    created: article.created,
    personIds: allPersonIds,
    newPersonIds,
    eventIds: [...eventIdByName.values()],
    statementIds,
    newStatementIds,
  };
}

export const eventValues = (event: IngestEvent) => ({
  name: normalizeWhitespace(event.name),
  kind: event.kind,
  startDate: event.startDate ?? null,
  endDate: event.endDate ?? null,
  location: event.location ?? null,
  description: event.description ?? null,
});

/** An event's participants who are people, each once (the last role given wins). */
export function eventParticipantRoles(event: IngestEvent, personIdOf: (name: string) => number | null): Map<number, string> {
  const roles = new Map<number, string>();
  for (const p of event.participants ?? []) {
    const personId = personIdOf(p.name);
    if (personId != null) roles.set(personId, p.role);
  }
  return roles;
}

/** Input events matched by name to the ones this article already reports; the rest are new. */
async function storeEvents(
  tx: Db,
  articleId: number,
  input: IngestEvent[],
  personIdOf: (name: string) => number | null,
  now: Date,
): Promise<Map<string, number>> {
  const linked = await tx
    .select({ id: events.id, name: events.name })
    .from(events)
    .innerJoin(articleEvents, eq(articleEvents.eventId, events.id))
    .where(eq(articleEvents.articleId, articleId))
    .orderBy(events.id);
  const linkedByName = new Map(linked.map((e) => [nameKey(e.name), e.id]));
  const idByName = new Map<string, number>();

  for (const event of input) {
    const values = eventValues(event);
    const existing = linkedByName.get(nameKey(event.name));
    if (existing != null) {
      await tx
        .update(events)
        .set({ ...values, updatedAt: now })
        .where(eq(events.id, existing));
      idByName.set(nameKey(event.name), existing);
    } else {
      const [row] = await tx.insert(events).values(values).returning({ id: events.id });
      idByName.set(nameKey(event.name), row!.id);
    }
  }

  // Events this article no longer reports lose the link, and go when no article reports them.
  const dropped = linked.filter((e) => !idByName.has(nameKey(e.name))).map((e) => e.id);
  if (dropped.length > 0) {
    await tx.delete(articleEvents).where(and(eq(articleEvents.articleId, articleId), inArray(articleEvents.eventId, dropped)));
    await tx.execute(
      sql`delete from ${events} where ${events.id} = any(${idArray(dropped)})
        and not exists (select 1 from ${articleEvents} where ${articleEvents.eventId} = ${events.id})`,
    );
  }
  const eventIds = [...idByName.values()];
  if (eventIds.length > 0) {
    await tx
      .insert(articleEvents)
      .values(eventIds.map((eventId) => ({ articleId, eventId })))
      .onConflictDoNothing();
    const participants = input.flatMap((event) =>
      (event.participants ?? []).flatMap((p) => {
        const personId = personIdOf(p.name);
        return personId == null ? [] : [{ eventId: idByName.get(nameKey(event.name))!, personId, role: p.role }];
      }),
    );
    // Last word per (event, person) wins; a participant named twice is stored once.
    const unique = new Map(participants.map((p) => [`${p.eventId}:${p.personId}`, p]));
    if (unique.size > 0) {
      await tx
        .insert(eventParticipants)
        .values([...unique.values()])
        .onConflictDoUpdate({ target: [eventParticipants.eventId, eventParticipants.personId], set: { role: sql`excluded.role` } });
    }
  }
  return idByName;
}

/** What each of an input's statements reports, for finding its quotation (src/ingest/quotations.ts). */
export function statementReports(input: IngestInput, resolutionOf: (name: string) => Resolution): Report[] {
  return (input.statements ?? []).map((s) => {
    const speaker = s.speakerName && normalizeWhitespace(s.speakerName) ? resolutionOf(s.speakerName) : null;
    return {
      speakerId: speaker && 'personId' in speaker ? speaker.personId : null,
      kind: s.kind,
      text: normalizeWhitespace(s.text),
      saidAt: s.saidAt ?? input.publishedAt,
    };
  });
}

/**
 * The rows of an input's statements (their event by name key, as the caller stores events), with
 * their speakers resolved and their quotations found or created by `link` (linkQuotations, or a batch's).
 */
export async function statementRows(
  articleId: number,
  input: IngestInput,
  resolutionOf: (name: string) => Resolution,
  link: (reports: Report[]) => Promise<(number | null)[]>,
) {
  const speakers = (input.statements ?? []).map((s) => (s.speakerName && normalizeWhitespace(s.speakerName) ? resolutionOf(s.speakerName) : null));
  const speakerIdAt = (i: number) => {
    const speaker = speakers[i];
    return speaker && 'personId' in speaker ? speaker.personId : null;
  };
  const quotationIds = await link(statementReports(input, resolutionOf));
  // checked by checkIngestInput: this only fills in the span a list of fragments implies
  const placed = (input.statements ?? []).map((s) => placeStatement(s, input.body.length, 'input.statements'));
  return (input.statements ?? []).map((s, i) => {
    const speaker = speakers[i];
    return {
      eventKey: s.eventName ? nameKey(s.eventName) : null,
      values: {
        articleId,
        speakerId: speakerIdAt(i),
        // A name that is not a person's stays how the article names the source.
        speakerLabel: s.speakerLabel ?? (speaker && 'label' in speaker ? speaker.label : null),
        speakerConfidence: speaker && 'personId' in speaker ? speaker.confidence : null,
        quotationId: quotationIds[i]!,
        kind: s.kind,
        text: normalizeWhitespace(s.text),
        channel: s.channel ?? null,
        saidAt: s.saidAt ?? input.publishedAt,
        spanStart: placed[i]!.span?.start ?? null,
        spanEnd: placed[i]!.span?.end ?? null,
        spans: placed[i]!.spans,
      },
      mentionIds: [
        ...new Set(
          (s.mentions ?? [])
            .filter((m) => normalizeWhitespace(m))
            .map(resolutionOf)
            .flatMap((r) => ('personId' in r ? [r.personId] : [])),
        ),
      ],
    };
  });
}

/**
 * Statements matched to the article's stored ones by place and words: unchanged ones keep their
 * id (so re-ingesting does not announce them again), gone ones are deleted, new ones inserted.
 */
async function storeStatements(
  tx: Db,
  articleId: number,
  input: IngestInput,
  resolutionOf: (name: string) => Resolution,
  eventIdByName: Map<string, number>,
  now: Date,
): Promise<{ ids: number[]; newIds: number[] }> {
  const keyed = <T extends { text: string; spanStart: number | null }>(rows: T[]) => {
    const seen = new Map<string, number>();
    return rows.map((row) => {
      const base = `${row.spanStart ?? ''}|${row.text}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      return { key: `${base}#${n}`, row };
    });
  };
  const existing = keyed(
    await tx
      .select({ id: statements.id, text: statements.text, spanStart: statements.spanStart })
      .from(statements)
      .where(eq(statements.articleId, articleId))
      .orderBy(statements.id),
  );
  const existingByKey = new Map(existing.map(({ key, row }) => [key, row.id]));

  const rows = await statementRows(articleId, input, resolutionOf, (reports) => linkQuotations(tx, reports));
  const wanted = keyed(
    rows.map(({ eventKey, ...row }) => ({
      ...row,
      text: row.values.text,
      spanStart: row.values.spanStart,
      values: { ...row.values, eventId: eventKey != null ? eventIdByName.get(eventKey)! : null },
    })),
  );

  const keep = new Set(wanted.map((w) => existingByKey.get(w.key)).filter((id): id is number => id != null));
  const gone = existing.map(({ row }) => row.id).filter((id) => !keep.has(id));
  if (gone.length > 0) await tx.delete(statements).where(inArray(statements.id, gone));
  if (keep.size > 0) await tx.delete(statementMentions).where(inArray(statementMentions.statementId, [...keep]));

  const ids: number[] = [];
  const fresh = wanted.filter((w) => !existingByKey.has(w.key));
  const freshIds = fresh.length
    ? (
        await tx
          .insert(statements)
          .values(fresh.map((w) => w.row.values))
          .returning({ id: statements.id })
      ).map((r) => r.id)
    : [];
  let nextFresh = 0;
  for (const { key, row } of wanted) {
    const id = existingByKey.get(key);
    if (id != null) {
      await tx
        .update(statements)
        .set({ ...row.values, updatedAt: now })
        .where(eq(statements.id, id));
      ids.push(id);
    } else {
      ids.push(freshIds[nextFresh++]!);
    }
  }
  const mentions = wanted.flatMap(({ row }, i) => row.mentionIds.map((personId) => ({ statementId: ids[i]!, personId })));
  if (mentions.length > 0) await tx.insert(statementMentions).values(mentions).onConflictDoNothing();
  return { ids, newIds: freshIds };
}
