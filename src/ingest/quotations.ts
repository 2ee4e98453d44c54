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

/**
 * The quotation of each report (null for none). First one lookup for all of them: the speaker's
 * quotation of the same words, or else one that contains them or that they contain (a partial
 * quote of a longer one) with enough overlap. The rest are created in one statement: concurrent
 * reports of one quotation meet on its unique key, the second waiting for the first to commit.
 * Rows go in key order, so two ingests never wait for each other in a cycle. `unwritten`: statements
 * per quotation a batch has yet to write (src/ingest/batch.ts).
 */
export async function linkQuotations(tx: Db, reports: Report[], unwritten?: ReadonlyMap<number, number>): Promise<(number | null)[]> {
  const wanted = new Map<string, { speakerId: number; key: string; words: string; text: string; saidAt: Date }>();
  for (const report of reports.filter(isQuotation)) {
    const words = normalizeQuote(report.text);
    const key = quotationKey(report.text);
    const id = `${report.speakerId}|${key}`;
    const current = wanted.get(id);
    if (!current) wanted.set(id, { speakerId: report.speakerId, key, words, text: report.text, saidAt: report.saidAt });
    else if (report.saidAt < current.saidAt) current.saidAt = report.saidAt;
  }
  if (wanted.size === 0) return reports.map(() => null);
  const idOf = new Map<string, number>();
  const entries = [...wanted.entries()];
  const given = sql`jsonb_to_recordset(${JSON.stringify(entries.map(([, w], i) => ({ i, speaker_id: w.speakerId, key: w.key, words: w.words })))}::jsonb)
        as w(i int, speaker_id int, key text, words text)`;
  if (unwritten && unwritten.size > 0) {
    // A batch's statements not written yet count for their quotations: every match is read, and
    // the order (same words, most reported, oldest) applied here with those counts added.
    const found = rowsOf<{ i: number; id: number; exact: boolean; count: number }>(
      await tx.execute(sql`
        select w.i, q.id, q.key = w.key as exact, q.occurrence_count as count from ${given}
        join ${quotations} q on ${quotationMatches(sql`w.speaker_id`, sql`w.key`, sql`w.words`)}`),
    );
    const best = new Map<number, { id: number; exact: boolean; count: number }>();
    for (const row of found) {
      const match = { id: Number(row.id), exact: Boolean(row.exact), count: Number(row.count) + (unwritten.get(Number(row.id)) ?? 0) };
      const current = best.get(Number(row.i));
      if (!current || matchOrder(match, current) < 0) best.set(Number(row.i), match);
    }
    for (const [i, match] of best) idOf.set(entries[i]![0], match.id);
  } else {
    const found = rowsOf<{ i: number; id: number }>(
      await tx.execute(sql`
      select w.i, q.id from ${given}
      cross join lateral (${matchingQuotation(sql`w.speaker_id`, sql`w.key`, sql`w.words`)}) q`),
    );
    for (const row of found) idOf.set(entries[Number(row.i)]![0], Number(row.id));
  }
  const rows = entries
    .filter(([id]) => !idOf.has(id))
    .map(([, w]) => w)
    .sort((a, b) => a.speakerId - b.speakerId || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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
