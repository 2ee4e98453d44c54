// Many articles in one transaction (the bulk pipeline, src/ingest/bulk.ts). Each article's article
// row, people and quotations are written as the core writes them (later articles resolve against
// them), but the rows nothing later in the batch reads (events, statements, mentions, link rows)
// wait, and go in one multi-row insert per table when the batch ends. What resolution reads of
// them, mentions per person and statements per quotation, is counted in memory meanwhile, so each
// article resolves exactly as the core, one article at a time, would have it.
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/index.js';
import { articleEvents, articlePeople, eventParticipants, events, statementMentions, statements } from '../db/schema.js';
import {
  type IngestInput,
  type IngestResult,
  eventParticipantRoles,
  eventValues,
  ingestIntoArticle,
  lockPeopleShared,
  resolveNames,
  statementRows,
  upsertArticle,
} from './index.js';
import { nameKey } from './resolve.js';

type StatementRow = Awaited<ReturnType<typeof statementRows>>[number];

interface WaitingArticle {
  articleId: number;
  personIds: number[];
  newPersonIds: number[];
  mentionCounts: Map<number, number>;
  events: { values: ReturnType<typeof eventValues>; roles: Map<number, string> }[];
  eventIndex: Map<string, number>;
  statements: StatementRow[];
  /** Filled in when the rows are written. */
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

async function insertIds(tx: Db, table: typeof events | typeof statements, rows: (typeof events.$inferInsert | typeof statements.$inferInsert)[]) {
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

/** A writer for one transaction's articles; `store` each in order, then `flush` before committing. */
export function createBatchWriter(tx: Db) {
  let waiting: WaitingArticle[] = [];
  const waitingUrls = new Set<string>();
  const mentions = new Map<number, number>();
  const quotationCounts = new Map<number, number>();
  let locked = false;

  async function flush(): Promise<void> {
    if (waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    waitingUrls.clear();
    mentions.clear();
    quotationCounts.clear();
    try {
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
          batch.flatMap((a) => a.personIds.map((personId) => ({ articleId: a.articleId, personId, mentionCount: a.mentionCounts.get(personId)! }))),
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
  }

  /** Stores one article (its rows maybe still waiting); the result is complete once `flush` has run. */
  async function store(input: IngestInput, now: Date): Promise<() => IngestResult> {
    // A URL stored before, or earlier in this batch, is updated by the core, which reads its rows.
    if (waitingUrls.has(input.url)) await flush();
    const article = await upsertArticle(tx, input, now);
    if (!article.created) {
      await flush();
      const result = await ingestIntoArticle(tx, article, input, now);
      return () => result;
    }
    if (!locked) {
      await lockPeopleShared(tx);
      locked = true;
    }
    const { mentionsById, newPersonIds, resolutionOf, personIdOf } = await resolveNames(tx, input, now, mentions);
    for (const [personId, n] of mentionsById) mentions.set(personId, (mentions.get(personId) ?? 0) + n);
    const inputEvents = input.events ?? [];
    const rows = await statementRows(tx, article.id, input, resolutionOf, quotationCounts);
    for (const row of rows) {
      const id = row.values.quotationId;
      if (id != null) quotationCounts.set(id, (quotationCounts.get(id) ?? 0) + 1);
    }
    const entry: WaitingArticle = {
      articleId: article.id,
      personIds: [...mentionsById.keys()],
      newPersonIds,
      mentionCounts: mentionsById,
      events: inputEvents.map((event) => ({ values: eventValues(event), roles: eventParticipantRoles(event, personIdOf) })),
      eventIndex: new Map(inputEvents.map((event, i) => [nameKey(event.name), i])),
      statements: rows,
      eventIds: [],
      statementIds: [],
    };
    waiting.push(entry);
    waitingUrls.add(input.url);
    return () => ({
      articleId: entry.articleId,
      created: true,
      personIds: entry.personIds,
      newPersonIds: entry.newPersonIds,
      eventIds: entry.eventIds,
      statementIds: entry.statementIds,
      newStatementIds: entry.statementIds,
    });
  }

  return { store, flush };
}

export type BatchWriter = ReturnType<typeof createBatchWriter>;
