// Quotations: one saying of one person, however many articles report it. Every quoted statement
// with a speaker points at the quotation of its speaker and normalised words; the quotation's
// count and first report are kept by a trigger on statements (drizzle/0007).
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
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
const isQuotation = (r: Report): r is Report & { speakerId: number } =>
  r.speakerId != null && r.kind !== 'PARAPHRASE' && normalizeQuote(r.text).length > 0;

/**
 * The quotation of each report (null for none), found or created in one statement: concurrent
 * reports of one quotation meet on its unique key, the second waiting for the first to commit.
 * Rows go in key order, so two ingests never wait for each other in a cycle.
 */
export async function linkQuotations(tx: Db, reports: Report[]): Promise<(number | null)[]> {
  const wanted = new Map<string, { speakerId: number; key: string; text: string; saidAt: Date }>();
  for (const report of reports.filter(isQuotation)) {
    const key = quotationKey(report.text);
    const id = `${report.speakerId}|${key}`;
    const current = wanted.get(id);
    if (!current) wanted.set(id, { speakerId: report.speakerId, key, text: report.text, saidAt: report.saidAt });
    else if (report.saidAt < current.saidAt) current.saidAt = report.saidAt;
  }
  if (wanted.size === 0) return reports.map(() => null);
  const rows = [...wanted.values()].sort((a, b) => a.speakerId - b.speakerId || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const found = await tx
    .insert(quotations)
    .values(rows.map((r) => ({ speakerId: r.speakerId, key: r.key, text: r.text, firstReportedAt: r.saidAt })))
    .onConflictDoUpdate({
      target: [quotations.speakerId, quotations.key],
      set: { firstReportedAt: sql`least(${quotations.firstReportedAt}, excluded.first_reported_at)` },
    })
    .returning({ id: quotations.id, speakerId: quotations.speakerId, key: quotations.key });
  const idOf = new Map(found.map((q) => [`${q.speakerId}|${q.key}`, q.id]));
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
