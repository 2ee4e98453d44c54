// EXPLAIN ANALYZE the statements a system actually sent (captured by the counting proxy, all reads)
// and flag every sequential scan of a corpus table and every large sort. Actual rows, not estimates:
// a much-quoted person's thousands of events are estimated like anyone's handful.
import postgres from 'postgres';
import type { CapturedQuery } from './pgproxy.js';

const TABLES = new Set(['articles', 'people', 'events', 'statements', 'article_people', 'article_events', 'event_participants', 'statement_mentions']);

export interface ExplainFinding {
  query: string;
  seqScans: string[];
  /** Sorts fed by more than 1,000 rows (per loop, as executed): an ordering no index serves. */
  bigSorts: string[];
  nodes: string[];
  error?: string;
}

function walk(plan: any, out: { seq: string[]; sorts: string[]; nodes: string[] }) {
  const type = plan['Node Type'] as string;
  const rel = plan['Relation Name'] as string | undefined;
  out.nodes.push(rel ? `${type} on ${rel}${plan['Index Name'] ? ` using ${plan['Index Name']}` : ''}` : type);
  if (type === 'Seq Scan' && rel && TABLES.has(rel)) out.seq.push(rel);
  const input = (plan.Plans?.[0]?.['Actual Rows'] ?? plan.Plans?.[0]?.['Plan Rows']) as number | undefined;
  if ((type === 'Sort' || type === 'Incremental Sort') && input != null && input > 1000)
    out.sorts.push(`${(plan['Sort Key'] ?? []).join(', ')} (~${input} rows)`);
  for (const child of plan.Plans ?? []) walk(child, out);
}

const literal = (v: string | null) => (v == null ? 'null' : `'${v.replace(/'/g, "''")}'`);

export async function explainAll(databaseUrl: string, queries: CapturedQuery[]): Promise<ExplainFinding[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const findings: ExplainFinding[] = [];
  try {
    for (const q of queries) {
      if (
        !/^\s*(select|with)\b/i.test(q.text) ||
        (/\b(pg_catalog|information_schema|__typename)\b/i.test(q.text) && !/statements|articles|people|events/.test(q.text))
      )
        continue;
      try {
        let plan: any;
        if (q.params && q.params.length) {
          await sql.unsafe(`prepare bench_explain as ${q.text}`).simple();
          try {
            [{ 'QUERY PLAN': plan }] = (await sql
              .unsafe(`explain (analyze, format json) execute bench_explain(${q.params.map(literal).join(', ')})`)
              .simple()) as any;
          } finally {
            await sql.unsafe('deallocate bench_explain').simple();
          }
        } else if (q.params === null && /\$1/.test(q.text)) {
          findings.push({ query: q.text, seqScans: [], bigSorts: [], nodes: [], error: 'binary parameters; not explained' });
          continue;
        } else {
          [{ 'QUERY PLAN': plan }] = (await sql.unsafe(`explain (analyze, format json) ${q.text}`).simple()) as any;
        }
        const root = (typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan;
        const out = { seq: [] as string[], sorts: [] as string[], nodes: [] as string[] };
        walk(root, out);
        findings.push({ query: q.text, seqScans: out.seq, bigSorts: out.sorts, nodes: out.nodes });
      } catch (e) {
        findings.push({ query: q.text, seqScans: [], bigSorts: [], nodes: [], error: (e as Error).message });
      }
    }
  } finally {
    await sql.end();
  }
  return findings;
}
