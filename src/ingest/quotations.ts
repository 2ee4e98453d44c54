// Quotations: one saying of one person, however many articles report it. Every quoted statement
// with a speaker points at the quotation of its speaker and normalised words (or of a longer
// saying it quotes part of); the quotation's count and first report are kept by a trigger on
// statements (drizzle/0007).
import { createHash } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/index.js';
import { quotations, statements } from '../db/schema.js';
import type { StatementKindValue } from './index.js';

/** The words of a quote, without case, punctuation, quote marks or spacing: what makes two reports one. */
export function normalizeQuote(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The quotation key of some words (md5 of the normalised text: an index entry of fixed size). */
export const quotationKey = (text: string) => createHash('md5').update(normalizeQuote(text)).digest('hex');

export interface Report {
  speakerId: number | null;
  kind: StatementKindValue;
  text: string;
  saidAt: Date;
}

/** Quotes with a speaker are quotations; paraphrases and unattributed words are not. */
const isQuotation = (r: Report): r is Report & { speakerId: number } => r.speakerId != null && r.kind !== 'PARAPHRASE' && normalizeQuote(r.text).length > 0;

/** A partial report joins a longer quotation of its speaker when it is at least this share of it... */
export const MIN_OVERLAP = 0.5;
/** ... and at least this long (normalised characters): a word or two is no quotation of its own. */
export const MIN_PARTIAL_LENGTH = 20;

/** The speaker's quotations some words report: the same words, or one that contains them or that they contain with enough overlap. */
const quotationMatches = (speakerId: SQL, key: SQL, words: SQL) => sql`q.speaker_id = ${speakerId}
    and (q.key = ${key}
      or (least(length(q.words), length(${words})) >= ${MIN_PARTIAL_LENGTH}::int
        and least(length(q.words), length(${words})) >= ${MIN_OVERLAP}::float8 * greatest(length(q.words), length(${words}))
        and (strpos(q.words, ${words}) > 0 or strpos(${words}, q.words) > 0)))`;

/**
 * The speaker's quotation some words report (a query of its id, at most one row): the same words,
 * or else one that contains them or that they contain with enough overlap, the most reported first.
 */
export const matchingQuotation = (speakerId: SQL, key: SQL, words: SQL) => sql`
  select q.id from ${quotations} q
  where ${quotationMatches(speakerId, key, words)}
  order by (q.key = ${key}) desc, q.occurrence_count desc, q.id
  limit 1`;

/** The quotation a report belongs to, for a new statement (null when it is none). */
export function quotationOf(report: Report): { key: string; words: string } | null {
  return isQuotation(report) ? { key: quotationKey(report.text), words: normalizeQuote(report.text) } : null;
}

/** matchingQuotation's order: the same words first, then the most reported, then the oldest. */
const matchOrder = (a: { id: number; exact: boolean; count: number }, b: { id: number; exact: boolean; count: number }) =>
  Number(b.exact) - Number(a.exact) || b.count - a.count || a.id - b.id;

/** The speakers' quotations of distinct reports, keyed `speaker|key`. */
function wantedQuotations(reports: Report[]) {
  const wanted = new Map<string, { speakerId: number; key: string; words: string; text: string; saidAt: Date }>();
  for (const report of reports.filter(isQuotation)) {
    const key = quotationKey(report.text);
    const id = `${report.speakerId}|${key}`;
    const current = wanted.get(id);
    if (!current) wanted.set(id, { speakerId: report.speakerId, key, words: normalizeQuote(report.text), text: report.text, saidAt: report.saidAt });
    else if (report.saidAt < current.saidAt) current.saidAt = report.saidAt;
  }
  return wanted;
}

const byKeyOrder = (a: { speakerId: number; key: string }, b: { speakerId: number; key: string }) =>
  a.speakerId - b.speakerId || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The quotation of each report (null for none). First one lookup for all of them: the speaker's
 * quotation of the same words, or else one that contains them or that they contain (a partial
 * quote of a longer one) with enough overlap. The rest are created in one statement: concurrent
 * reports of one quotation meet on its unique key, the second waiting for the first to commit.
 * Rows go in key order, so two ingests never wait for each other in a cycle.
 */
export async function linkQuotations(tx: Db, reports: Report[]): Promise<(number | null)[]> {
  const wanted = wantedQuotations(reports);
  if (wanted.size === 0) return reports.map(() => null);
  const idOf = new Map<string, number>();
  const entries = [...wanted.entries()];
  const found = rowsOf<{ i: number; id: number }>(
    await tx.execute(sql`
      select w.i, q.id from ${givenQuotations(entries.map(([, w]) => w))}
      cross join lateral (${matchingQuotation(sql`w.speaker_id`, sql`w.key`, sql`w.words`)}) q`),
  );
  for (const row of found) idOf.set(entries[Number(row.i)]![0], Number(row.id));
  const rows = entries
    .filter(([id]) => !idOf.has(id))
    .map(([, w]) => w)
    .sort(byKeyOrder);
  if (rows.length > 0) {
    const created = await tx
      .insert(quotations)
      .values(rows.map((r) => ({ speakerId: r.speakerId, key: r.key, words: r.words, text: r.text, firstReportedAt: r.saidAt })))
      .onConflictDoUpdate({
        target: [quotations.speakerId, quotations.key],
        set: { firstReportedAt: sql`least(${quotations.firstReportedAt}, excluded.first_reported_at)` },
      })
      .returning({ id: quotations.id, speakerId: quotations.speakerId, key: quotations.key });
    for (const q of created) idOf.set(`${q.speakerId}|${q.key}`, q.id);
  }
  return reports.map((r) => (isQuotation(r) ? idOf.get(`${r.speakerId}|${quotationKey(r.text)}`)! : null));
}

const givenQuotations = (wanted: { speakerId: number; key: string; words: string }[]) =>
  sql`jsonb_to_recordset(${JSON.stringify(wanted.map((w, i) => ({ i, speaker_id: w.speakerId, key: w.key, words: w.words })))}::jsonb)
        as w(i int, speaker_id int, key text, words text)`;

/** PostgreSQL's length(): characters, not UTF-16 units. */
const characters = (text: string) => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

/** quotationMatches, in memory: for quotations a batch has created but not yet written. */
function matchesInMemory(q: { key: string; words: string }, w: { key: string; words: string }): boolean {
  if (q.key === w.key) return true;
  const [a, b] = [characters(q.words), characters(w.words)];
  const shorter = Math.min(a, b);
  return shorter >= MIN_PARTIAL_LENGTH && shorter >= MIN_OVERLAP * Math.max(a, b) && (q.words.includes(w.words) || w.words.includes(q.words));
}

/**
 * A batch's quotations (src/ingest/batch.ts): the stored ones its reports can match are read in
 * one query (`load`), new ones get ids from the sequence and are written in one insert (`write`),
 * and each article links as linkQuotations would, with the batch's unwritten statements counted.
 */
export function createQuotationBatch(tx: Db) {
  /** Stored matches per `speaker|key` looked up so far. */
  const stored = new Map<string, { id: number; exact: boolean; count: number }[]>();
  const created: { id: number; speakerId: number; key: string; words: string; text: string; saidAt: Date }[] = [];
  const reserved: number[] = [];
  return {
    /** Reads the stored quotations these reports can match; `fresh`: speakers created in the batch (none stored). */
    async load(reports: Report[], fresh: ReadonlySet<number>): Promise<void> {
      const wanted = [...wantedQuotations(reports)].filter(([id]) => !stored.has(id));
      for (const [id] of wanted) stored.set(id, []);
      const lookup = wanted.filter(([, w]) => !fresh.has(w.speakerId));
      if (lookup.length > 0) {
        const found = rowsOf<{ i: number; id: number; exact: boolean; count: number }>(
          await tx.execute(sql`
            select w.i, q.id, q.key = w.key as exact, q.occurrence_count as count from ${givenQuotations(lookup.map(([, w]) => w))}
            join ${quotations} q on ${quotationMatches(sql`w.speaker_id`, sql`w.key`, sql`w.words`)}`),
        );
        for (const row of found) {
          stored.get(lookup[Number(row.i)]![0])!.push({ id: Number(row.id), exact: Boolean(row.exact), count: Number(row.count) });
        }
      }
      // Ids for as many new quotations as there can be, in one round trip.
      if (wanted.length > reserved.length) reserved.push(...(await reserveIds(tx, 'quotations', wanted.length - reserved.length)));
    },
    /** linkQuotations for one article; `unwritten`: statements per quotation the batch has yet to write. */
    async link(reports: Report[], unwritten: ReadonlyMap<number, number>): Promise<(number | null)[]> {
      await this.load(reports, new Set());
      const idOf = new Map<string, number>();
      const fresh: { speakerId: number; key: string; words: string; text: string; saidAt: Date }[] = [];
      for (const [id, w] of wantedQuotations(reports)) {
        const matches = [
          ...stored.get(id)!.map((m) => ({ ...m, count: m.count + (unwritten.get(m.id) ?? 0) })),
          ...created
            .filter((q) => q.speakerId === w.speakerId && matchesInMemory(q, w))
            .map((q) => ({ id: q.id, exact: q.key === w.key, count: unwritten.get(q.id) ?? 0 })),
        ].sort(matchOrder);
        if (matches[0]) idOf.set(id, matches[0].id);
        else fresh.push(w);
      }
      for (const w of fresh.sort(byKeyOrder)) {
        if (reserved.length === 0) reserved.push(...(await reserveIds(tx, 'quotations', 64)));
        const q = { ...w, id: reserved.shift()! };
        created.push(q);
        idOf.set(`${q.speakerId}|${q.key}`, q.id);
      }
      return reports.map((r) => (isQuotation(r) ? idOf.get(`${r.speakerId}|${quotationKey(r.text)}`)! : null));
    },
    /** Inserts the quotations created; throws when one was created meanwhile by another transaction. */
    async write(): Promise<void> {
      if (created.length === 0) return;
      const rows = created.map((q) => ({ id: q.id, speakerId: q.speakerId, key: q.key, words: q.words, text: q.text, firstReportedAt: q.saidAt }));
      const inserted = await tx
        .insert(quotations)
        .overridingSystemValue()
        .values(rows)
        .onConflictDoNothing({ target: [quotations.speakerId, quotations.key] })
        .returning({ id: quotations.id });
      if (inserted.length !== rows.length) throw new Error('a quotation of the batch was stored meanwhile');
    },
  };
}

/** `n` ids from a table's identity sequence, ascending (a batch writes its rows with them). */
export async function reserveIds(tx: Db, table: 'people' | 'quotations', n: number): Promise<number[]> {
  const rows = rowsOf<{ id: number }>(
    await tx.execute(sql`select nextval(pg_get_serial_sequence(${table}, 'id'))::int as id from generate_series(1, ${n}::int)`),
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** Points the given statements at the quotations their current speaker, kind and words make. */
export async function relinkQuotations(tx: Db, statementIds: number[]): Promise<void> {
  if (statementIds.length === 0) return;
  const rows = rowsOf<{ id: number; speakerId: number | null; kind: StatementKindValue; text: string; saidAt: string | Date; quotationId: number | null }>(
    await tx.execute(sql`select id, speaker_id as "speakerId", kind, text, said_at as "saidAt", quotation_id as "quotationId"
      from ${statements} where id = any(string_to_array(${statementIds.join(',')}, ',')::int[]) order by id`),
  );
  const ids = await linkQuotations(
    tx,
    rows.map((r) => ({ speakerId: r.speakerId, kind: r.kind, text: r.text, saidAt: new Date(r.saidAt) })),
  );
  const changes = rows.map((r, i) => ({ id: r.id, quotationId: ids[i]! })).filter((c, i) => c.quotationId !== rows[i]!.quotationId);
  if (changes.length === 0) return;
  await tx.execute(sql`update ${statements} s set quotation_id = c.quotation_id
    from jsonb_to_recordset(${JSON.stringify(changes.map((c) => ({ id: c.id, quotation_id: c.quotationId })))}::jsonb) as c(id int, quotation_id int)
    where s.id = c.id`);
}
