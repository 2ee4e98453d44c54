// Many articles in one transaction (the bulk pipeline, src/ingest/bulk.ts), in a constant number
// of statements per batch rather than per article. `preload` reads, for all the batch's articles
// at once, the stored people their names can resolve to, the people the extractor knows in their
// bodies and which URLs are stored. Each article then resolves in memory, in order, against those
// and the people earlier articles of the batch created or taught a name (ids for new people come
// from the sequence up front), with the batch's unwritten mentions counted; `flush` writes it all
// in one multi-row statement per table: people, their updates, articles, quotations (linked here,
// each article in order, as the core links them), events, statements and the link rows. So each
// article resolves exactly as the core, one article at a time, would have it. A URL stored before
// (or earlier in the batch) goes through the core after a flush.
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { type Db, rowsOf } from '../db/index.js';
import { articleEvents, articlePeople, articles, eventParticipants, events, people, statementMentions, statements } from '../db/schema.js';
import type { KnownPerson } from '../extract/types.js';
import { knownPeopleByCandidate, knownPeopleOf, nameCandidates } from './from-extraction.js';
import {
  type IngestInput,
  type IngestResult,
  eventParticipantRoles,
  eventValues,
  ingestInTransaction,
  lockPeopleShared,
  resolveNames,
  statementReports,
  statementRows,
} from './index.js';
import { createQuotationBatch, reserveIds } from './quotations.js';
import { type Candidate, type PeopleSource, idArray, nameKey, namesToLoad, textArray } from './resolve.js';

type StatementRow = Awaited<ReturnType<typeof statementRows>>[number];
type Resolved = Awaited<ReturnType<typeof resolveNames>>;

interface WaitingArticle {
  input: IngestInput;
  resolved: Resolved;
  personIds: number[];
  events: { values: ReturnType<typeof eventValues>; roles: Map<number, string> }[];
  eventIndex: Map<string, number>;
  /** Filled in when the rows are written. */
  articleId: number;
  statements: StatementRow[];
  eventIds: number[];
  statementIds: number[];
}

/** Writing the waiting rows failed: no article in particular is to blame (the caller finds out which by writing them one by one). */
export class BatchWriteFailed extends Error {
  constructor(readonly cause: unknown) {
    super(`writing the batch failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'BatchWriteFailed';
  }
}

/** PostgreSQL takes at most 65,535 parameters per statement. */
const MAX_PARAMETERS = 30_000;

async function insertRows<T extends PgTable>(tx: Db, table: T, rows: T['$inferInsert'][]): Promise<void> {
  if (rows.length === 0) return;
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(rows[0]!).length));
  for (let i = 0; i < rows.length; i += size) await tx.insert(table).values(rows.slice(i, i + size));
}

async function insertIds(tx: Db, table: typeof events | typeof statements | typeof articles, rows: Record<string, unknown>[]) {
  const ids: number[] = [];
  if (rows.length === 0) return ids;
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(rows[0]!).length));
  for (let i = 0; i < rows.length; i += size) {
    // Ids come back in the order of the rows (as the core's own multi-row inserts rely on).
    const inserted = await tx
      .insert(table)
      .values(rows.slice(i, i + size) as never[])
      .returning({ id: table.id });
    ids.push(...inserted.map((r) => r.id));
  }
  return ids;
}

/** A person as the batch has them: read from the database or created by the batch, with what the batch taught them. */
interface BatchPerson extends Candidate {
  slug: string;
  /** lower(name) and lower(aliases) as the database compares them. */
  lname: string;
  laliases: string[];
  stored: boolean;
  changedAt: Date | null;
}

/**
 * The people a batch resolves against (a PeopleSource): the stored ones its names can be, read in
 * one query for all its articles (more only for names no article had when it was read, such as
 * a re-extracted article's), and the ones it creates or updates, kept here until `write`.
 */
function createBatchPeople(tx: Db, mentions: ReadonlyMap<number, number>) {
  const byId = new Map<number, BatchPerson>();
  const idBySlug = new Map<string, number>();
  const redirects = new Map<number, number>();
  const covered = { keys: new Set<string>(), surnames: new Set<string>(), matchIds: new Set<number>(), slugs: new Set<string>() };
  const reserved: number[] = [];
  const createdIds: number[] = [];

  async function load(keys: string[], surnames: string[], matchIds: number[], slugs: string[]): Promise<void> {
    const k = keys.filter((x) => !covered.keys.has(x));
    const s = surnames.filter((x) => !covered.surnames.has(x));
    // A person the batch has needs no look-up by id: ids are never reused, so none is a merged-away one.
    const m = matchIds.filter((x) => !covered.matchIds.has(x) && !byId.has(x));
    const g = slugs.filter((x) => !covered.slugs.has(x));
    if (k.length + s.length + m.length + g.length === 0) return;
    // loadCandidates' query (src/ingest/resolve.ts) for many articles at once, and the people holding the slugs new people would take.
    const rows = rowsOf<Omit<BatchPerson, 'stored' | 'changedAt'> & { oldIds: unknown }>(
      await tx.execute(sql`
      with redirected as (select old_id, person_id from person_redirects where old_id = any(${idArray(m)})),
        k as (select jsonb_array_elements_text(${JSON.stringify(k)}::jsonb) as v),
        s as (select jsonb_array_elements_text(${JSON.stringify(s)}::jsonb) as v),
        g as (select jsonb_array_elements_text(${JSON.stringify(g)}::jsonb) as v)
      select p.id, p.slug, p.name, lower(p.name) as lname, p.aliases, array(select lower(a) from unnest(p.aliases) a) as laliases,
        p.description, p.surname_key as "surnameKey",
        (select coalesce(sum(ap.mention_count), 0)::int from article_people ap where ap.person_id = p.id) as mentions,
        (select coalesce(json_agg(r.old_id), '[]'::json) from redirected r where r.person_id = p.id) as "oldIds"
      from ${people} p
      where lower(p.name) in (select v from k)
        or exists (select 1 from unnest(p.aliases) a where lower(a) in (select v from k))
        or p.surname_key in (select v from s)
        or p.id = any(${idArray(m)})
        or p.id in (select person_id from redirected)
        or p.slug in (select v from g)`),
    );
    for (const row of rows) {
      const oldIds = (typeof row.oldIds === 'string' ? JSON.parse(row.oldIds) : row.oldIds) as number[];
      for (const old of oldIds) redirects.set(Number(old), row.id);
      if (byId.has(row.id)) continue; // what the batch has of them is newer
      const { oldIds: _, ...person } = row;
      byId.set(row.id, { ...person, mentions: Number(row.mentions), stored: true, changedAt: null });
      idBySlug.set(row.slug, row.id);
    }
    for (const x of k) covered.keys.add(x);
    for (const x of s) covered.surnames.add(x);
    for (const x of m) covered.matchIds.add(x);
    for (const x of g) covered.slugs.add(x);
  }

  const source: PeopleSource = {
    async candidates(keys, surnames, matchIds) {
      await load(keys, surnames, matchIds, []);
      const keySet = new Set(keys);
      const surnameSet = new Set(surnames);
      const ids = new Set(matchIds);
      const found = new Map<number, number>();
      for (const id of matchIds) if (redirects.has(id)) found.set(id, redirects.get(id)!);
      const redirected = new Set(found.values());
      const rows = [...byId.values()]
        .filter(
          (p) =>
            keySet.has(p.lname) ||
            p.laliases.some((a) => keySet.has(a)) ||
            (p.surnameKey != null && surnameSet.has(p.surnameKey)) ||
            ids.has(p.id) ||
            redirected.has(p.id),
        )
        .sort((a, b) => a.id - b.id)
        .map((p) => ({
          id: p.id,
          name: p.name,
          aliases: [...p.aliases],
          description: p.description,
          surnameKey: p.surnameKey,
          mentions: p.mentions + (mentions.get(p.id) ?? 0),
        }));
      return { rows, redirects: found };
    },
    async create(rows) {
      await load(
        [],
        [],
        [],
        rows.map((r) => r.slug),
      );
      const created: number[] = [];
      const held = new Map<string, number>();
      const fresh = rows.filter((r) => !idBySlug.has(r.slug));
      if (fresh.length > reserved.length) reserved.push(...(await reserveIds(tx, 'people', Math.max(fresh.length - reserved.length, 128))));
      for (const row of rows) {
        let id = idBySlug.get(row.slug);
        if (id == null) {
          id = reserved.shift()!;
          byId.set(id, {
            ...row,
            id,
            mentions: 0,
            lname: row.name.toLowerCase(),
            laliases: row.aliases.map((a) => a.toLowerCase()),
            stored: false,
            changedAt: null,
          });
          idBySlug.set(row.slug, id);
          created.push(id);
          createdIds.push(id);
        }
        held.set(row.slug, id);
      }
      return { created, idBySlug: held };
    },
    async update(id, aliases, description, now) {
      const person = byId.get(id)!;
      Object.assign(person, { aliases, laliases: aliases.map((a) => a.toLowerCase()), description, changedAt: now });
    },
  };

  return {
    source,
    /** Reads the stored people these names, family names, ids and new people's slugs can be. */
    preload: load,
    /** The people created by the batch. */
    fresh: () => new Set(createdIds),
    /** The people the batch created or taught a name, as they are now. */
    changed: () => [...byId.values()].filter((p) => !p.stored || p.changedAt),
    /** Inserts the new people and updates the changed ones; throws when a new one's slug was taken meanwhile. */
    async write(): Promise<void> {
      const created = createdIds.map((id) => byId.get(id)!);
      if (created.length > 0) {
        const size = Math.floor(MAX_PARAMETERS / 7);
        let inserted = 0;
        for (let i = 0; i < created.length; i += size) {
          const rows = await tx
            .insert(people)
            .overridingSystemValue()
            .values(
              created.slice(i, i + size).map((p) => ({
                id: p.id,
                slug: p.slug,
                name: p.name,
                surnameKey: p.surnameKey,
                aliases: p.aliases,
                description: p.description,
                ...(p.changedAt ? { updatedAt: p.changedAt } : {}),
              })),
            )
            .onConflictDoNothing({ target: people.slug })
            .returning({ id: people.id });
          inserted += rows.length;
        }
        if (inserted !== created.length) throw new Error('a person of the batch was stored meanwhile');
      }
      const updated = [...byId.values()].filter((p) => p.stored && p.changedAt).sort((a, b) => a.id - b.id);
      if (updated.length > 0) {
        await tx.execute(sql`update ${people} p set aliases = u.aliases, description = u.description, updated_at = u.updated_at
          from jsonb_to_recordset(${JSON.stringify(updated.map((p) => ({ id: p.id, aliases: p.aliases, description: p.description, updated_at: p.changedAt })))}::jsonb)
            as u(id int, aliases text[], description text, updated_at timestamptz)
          where p.id = u.id`);
      }
    },
  };
}

/** A writer for one transaction's articles; `preload` them, `store` each in order, then `flush` before committing. */
export function createBatchWriter(tx: Db) {
  let waiting: WaitingArticle[] = [];
  const waitingUrls = new Set<string>();
  const storedUrls = new Set<string>();
  const checkedUrls = new Set<string>();
  const mentions = new Map<number, number>();
  let batchPeople = createBatchPeople(tx, mentions);
  /** Stored people the extractor knows by each name candidate, as read at the batch's start. */
  let knownByCandidate = new Map<string, KnownPerson[]>();
  // A body's name candidates are read up to four times per batch (preload, names, known people): once is enough.
  let candidatesByBody = new Map<string, string[]>();
  const candidatesOf = (body: string): string[] => {
    let candidates = candidatesByBody.get(body);
    if (candidates === undefined) candidatesByBody.set(body, (candidates = nameCandidates(body)));
    return candidates;
  };
  let locked = false;

  const lock = async () => {
    if (!locked) await lockPeopleShared(tx);
    locked = true;
  };

  async function loadKnown(candidates: string[]): Promise<void> {
    const missing = [...new Set(candidates)].filter((c) => !knownByCandidate.has(c));
    if (missing.length === 0) return;
    const found = await knownPeopleByCandidate(tx, missing);
    for (const c of missing) knownByCandidate.set(c, found.get(c) ?? []);
  }

  async function loadUrls(urls: string[]): Promise<void> {
    const missing = [...new Set(urls)].filter((u) => !checkedUrls.has(u));
    if (missing.length === 0) return;
    const rows = rowsOf<{ url: string }>(await tx.execute(sql`select url from ${articles} where url = any(${textArray(missing)})`));
    for (const u of missing) checkedUrls.add(u);
    for (const row of rows) storedUrls.add(row.url);
  }

  /**
   * Reads what the articles will look up, all at once (what is not read here is read when
   * needed): for an article still to be extracted, every name its body could yield (the word
   * runs the extractor reads names from, as they are and cleaned) and the people it knows there.
   */
  async function preload(batch: { input: IngestInput; extract: boolean }[]): Promise<void> {
    await lock();
    await loadUrls(batch.map((a) => a.input.url));
    const bodies = batch.filter((a) => a.extract).map((a) => a.input.body);
    await loadKnown(bodies.flatMap(candidatesOf));
    const names = batch.map((a) =>
      a.extract
        ? namesToLoad({
            ...a.input,
            // The extractor writes an initial with a dot ("Ruth Q. Hunt").
            people: candidatesOf(a.input.body).flatMap((name) => [{ name }, { name: name.replace(/\b(\p{Lu})\b(?!\.)/gu, '$1.') }]),
          })
        : namesToLoad(a.input),
    );
    const knownIds = bodies.flatMap((body) => knownPeopleOf(candidatesOf(body), knownByCandidate).map((p) => p.id));
    await batchPeople.preload(
      [...new Set(names.flatMap((n) => n.keys))],
      [...new Set(names.flatMap((n) => n.surnames))],
      [...new Set([...names.flatMap((n) => n.matchIds), ...knownIds])],
      [...new Set(names.flatMap((n) => n.slugs))],
    );
  }

  /** The stored people the extractor should know reading `body` now: loadKnownPeople with the batch's changes. */
  async function knownPeople(body: string): Promise<KnownPerson[]> {
    const candidates = candidatesOf(body);
    await loadKnown(candidates);
    const changed = batchPeople.changed();
    const changedIds = new Set(changed.map((p) => p.id));
    const found = new Map<number, KnownPerson>();
    for (const p of knownPeopleOf(candidates, knownByCandidate)) if (!changedIds.has(p.id)) found.set(p.id, p);
    // What the batch created or taught a name is compared here, lowercased as the database would.
    const forms = new Set(candidates.map((c) => c.toLowerCase()));
    for (const p of changed) {
      if (forms.has(p.lname) || p.laliases.some((a) => forms.has(a))) found.set(p.id, { id: p.id, name: p.name, aliases: [...p.aliases] });
    }
    return [...found.values()].sort((a, b) => a.id - b.id);
  }

  function reset(): void {
    waiting = [];
    waitingUrls.clear();
    mentions.clear();
    batchPeople = createBatchPeople(tx, mentions);
    knownByCandidate = new Map();
    candidatesByBody = new Map();
  }

  async function flush(): Promise<void> {
    if (waiting.length === 0) return;
    const batch = waiting;
    const writtenPeople = batchPeople;
    reset();
    try {
      await writtenPeople.write();
      const articleIds = await insertIds(
        tx,
        articles,
        batch.map(({ input }) => ({ url: input.url, headline: input.headline, source: input.source, publishedAt: input.publishedAt, body: input.body })),
      );
      batch.forEach((a, i) => {
        a.articleId = articleIds[i]!;
      });
      // Quotations: the stored ones all the batch's reports can match in one query, then each article in order.
      const quotes = createQuotationBatch(tx);
      await quotes.load(
        batch.flatMap((a) => statementReports(a.input, a.resolved.resolutionOf)),
        writtenPeople.fresh(),
      );
      const quotationCounts = new Map<number, number>();
      for (const a of batch) {
        a.statements = await statementRows(a.articleId, a.input, a.resolved.resolutionOf, (reports) => quotes.link(reports, quotationCounts));
        for (const row of a.statements) {
          const id = row.values.quotationId;
          if (id != null) quotationCounts.set(id, (quotationCounts.get(id) ?? 0) + 1);
        }
      }
      await quotes.write();
      const eventIds = await insertIds(
        tx,
        events,
        batch.flatMap((a) => a.events.map((e) => e.values)),
      );
      let next = 0;
      for (const a of batch) a.eventIds = a.events.map(() => eventIds[next++]!);
      const statementIds = await insertIds(
        tx,
        statements,
        batch.flatMap((a) =>
          a.statements.map(({ values, eventKey }) => ({ ...values, eventId: eventKey != null ? a.eventIds[a.eventIndex.get(eventKey)!]! : null })),
        ),
      );
      next = 0;
      for (const a of batch) a.statementIds = a.statements.map(() => statementIds[next++]!);
      await Promise.all([
        insertRows(
          tx,
          articlePeople,
          batch.flatMap((a) => a.personIds.map((personId) => ({ articleId: a.articleId, personId, mentionCount: a.resolved.mentionsById.get(personId)! }))),
        ),
        insertRows(
          tx,
          articleEvents,
          batch.flatMap((a) => a.eventIds.map((eventId) => ({ articleId: a.articleId, eventId }))),
        ),
        insertRows(
          tx,
          eventParticipants,
          batch.flatMap((a) => a.events.flatMap((e, i) => [...e.roles].map(([personId, role]) => ({ eventId: a.eventIds[i]!, personId, role })))),
        ),
        insertRows(
          tx,
          statementMentions,
          batch.flatMap((a) => a.statements.flatMap((s, i) => s.mentionIds.map((personId) => ({ statementId: a.statementIds[i]!, personId })))),
        ),
      ]);
    } catch (error) {
      throw new BatchWriteFailed(error);
    }
    for (const a of batch) storedUrls.add(a.input.url);
  }

  /** Stores one article (its rows still waiting); the result is complete once `flush` has run. */
  async function store(input: IngestInput, now: Date): Promise<() => IngestResult> {
    await loadUrls([input.url]);
    // A URL stored before, or earlier in this batch, is updated by the core, which reads its rows.
    if (storedUrls.has(input.url) || waitingUrls.has(input.url)) {
      await flush();
      const result = await ingestInTransaction(tx, input, now);
      reset(); // the core wrote people and mentions the batch's copies do not have
      return () => result;
    }
    await lock();
    const resolved = await resolveNames(input, now, batchPeople.source);
    for (const [personId, n] of resolved.mentionsById) mentions.set(personId, (mentions.get(personId) ?? 0) + n);
    const inputEvents = input.events ?? [];
    const entry: WaitingArticle = {
      input,
      resolved,
      personIds: [...resolved.mentionsById.keys()],
      events: inputEvents.map((event) => ({ values: eventValues(event), roles: eventParticipantRoles(event, resolved.personIdOf) })),
      eventIndex: new Map(inputEvents.map((event, i) => [nameKey(event.name), i])),
      articleId: 0,
      statements: [],
      eventIds: [],
      statementIds: [],
    };
    waiting.push(entry);
    waitingUrls.add(input.url);
    return () => ({
      articleId: entry.articleId,
      created: true,
      personIds: entry.personIds,
      newPersonIds: entry.resolved.newPersonIds,
      eventIds: entry.eventIds,
      statementIds: entry.statementIds,
      newStatementIds: entry.statementIds,
    });
  }

  /** Reads the people the extractor knows in these bodies, so knownPeople answers them without a query. */
  const preloadKnown = (bodies: string[]) => loadKnown(bodies.flatMap(candidatesOf));

  return { preload, preloadKnown, knownPeople, store, flush };
}

export type BatchWriter = ReturnType<typeof createBatchWriter>;
