// npm run ingest -- [--url <graphql url> --token <editor token>] <file.txt | folder | file.jsonl> ...
// Bulk ingest into DATABASE_URL (or the embedded PGLITE_DIR), migrating first; or, with --url,
// through a running service's API (the way in while an embedded service owns its directory).
// Into a database, articles are extracted on worker threads (EXTRACT_WORKERS) ahead of the writer,
// which stores them in batches of --batch (default 50), one transaction each (src/ingest/bulk.ts);
// through --url each article is one ingestArticle call. Bad inputs are reported with their reason and skipped.
// Exit code: 0 all stored, 1 some inputs failed (the rest are stored), 2 nothing could run (usage,
// configuration, database), 130 interrupted (Ctrl-C: the article in hand finishes first).
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { readConfigOrExit } from '../src/config.js';
import type { Database } from '../src/db/index.js';
import { createExtractorPool, defaultPoolSize } from '../src/extract-pool.js';
import {
  type BulkSummary,
  type ItemOutcome,
  type PipelineStats,
  bulkItems,
  itemCount,
  planSources,
  runBulkIngest,
  runBulkPipeline,
} from '../src/ingest/bulk.js';
import { openDatabaseOrExit } from './cli-database.js';
import { remoteStore } from './ingest-remote.js';

const USAGE = `usage: npm run ingest -- [--url <graphql url> --token <editor token>] <file.txt | folder | file.jsonl> ...

  .txt     one article; optional header lines first (URL:, Headline:, Source:, Published:), then
           a blank line, then the body; or the same fields in a sidecar <name>.json
  folder   every .txt and .jsonl file in it and its subfolders
  .jsonl   one article per line: {"url", "headline", "source", "publishedAt", "body"}, optionally
           with "people", "statements" and "events" to store as given instead of extracting

Stores into DATABASE_URL, or the embedded database in PGLITE_DIR (default ./data).
--url    send each article to a running service's ingestArticle instead (e.g.
         http://localhost:4000/graphql), with --token or NEWSGRAPH_TOKEN as its editor token: the
         way to ingest while an embedded service owns PGLITE_DIR, and on PostgreSQL too.
--batch  articles per transaction when storing into the database (default 50); extraction runs
         on EXTRACT_WORKERS worker threads (default: the cores less one, one to four) meanwhile.
Exit code: 0 all stored, 1 some inputs failed, 2 could not run.`;

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' }, url: { type: 'string' }, token: { type: 'string' }, batch: { type: 'string' } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const token = values.token ?? process.env.NEWSGRAPH_TOKEN;
const batchSize = values.batch === undefined ? 50 : Number(values.batch);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
  console.error(`--batch must be a whole number from 1 to 1000\n\n${USAGE}`);
  process.exit(2);
}
if (positionals.length === 0 || (values.url && !token) || (values.token && !values.url)) {
  console.error(values.url && !token ? `--url needs an editor token: --token <token> or NEWSGRAPH_TOKEN\n\n${USAGE}` : USAGE);
  process.exit(2);
}

let database: Database | undefined;
let run: (
  items: AsyncIterable<import('../src/ingest/bulk.js').BulkItem>,
  options: Parameters<typeof runBulkIngest>[2],
) => Promise<BulkSummary & { pipeline?: PipelineStats }>;
let via: string;
let closeExtractor = async () => {};
if (values.url) {
  const store = remoteStore(values.url, token!);
  run = (items, options) => runBulkIngest(store, items, options);
  via = values.url;
} else {
  const config = readConfigOrExit();
  database = await openDatabaseOrExit(
    config,
    { maxConnections: 2, statementTimeoutMs: 0 },
    (url) =>
      `Send the files through it instead: npm run ingest -- --url ${url ?? 'http://localhost:4000/graphql'} --token <editor token> <files>\n` +
      'Or stop it first and run this again.',
  );
  try {
    await database.migrate();
  } catch (error) {
    console.error(`cannot open the database: ${(error as Error).message}`);
    await database.close().catch(() => {});
    process.exit(2);
  }
  const db = database.db;
  const pool = createExtractorPool({ size: config.EXTRACT_WORKERS ?? defaultPoolSize(), maxQueued: 4 * batchSize });
  closeExtractor = () => pool.close();
  run = (items, options) => runBulkPipeline(db, items, { ...options, extract: (input, known) => pool.extract(input, known), batchSize });
  via = database.driver;
}

const sources = await planSources(positionals);
const total = itemCount(sources);
const tty = Boolean(process.stdout.isTTY);
const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort());
process.once('SIGTERM', () => interrupted.abort());

const bars = tty
  ? new cliProgress.MultiBar(
      {
        stream: process.stdout,
        format: ' {bar} {value}/{total} | {rate} articles/s | ETA {eta_formatted} | {label}',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    )
  : null;
const bar = bars?.create(total, 0, { label: '', rate: '0.0' });
const started = performance.now();
let done = 0;

const describe = (outcome: ItemOutcome) => {
  if (!outcome.ok) return `FAILED ${outcome.label}: ${outcome.reason}`;
  const r = outcome.result;
  return (
    `${r.created ? 'created' : 'updated'} ${outcome.label}: ${r.personIds.length} people (${r.newPersonIds.length} new), ` +
    `${r.statementIds.length} statements (${r.newStatementIds.length} new), ${r.eventIds.length} events` +
    r.warnings.map((warning) => `; warning: ${warning}`).join('')
  );
};

let summary: BulkSummary & { pipeline?: PipelineStats };
try {
  summary = await run(bulkItems(sources), {
    signal: interrupted.signal,
    onItem(outcome) {
      done++;
      if (bars && bar) {
        if (!outcome.ok || outcome.result.warnings.length > 0) bars.log(`${describe(outcome)}\n`);
        const rate = (done / ((performance.now() - started) / 1000)).toFixed(1);
        bar.update(done, { label: outcome.label.length > 40 ? `…${outcome.label.slice(-39)}` : outcome.label, rate });
      } else {
        console.log(`[${done}/${total}] ${describe(outcome)}`);
      }
    },
  });
} catch (error) {
  bars?.stop();
  console.error(`ingest stopped: ${(error as Error).message}`);
  await closeExtractor().catch(() => {});
  await database?.close().catch(() => {});
  process.exit(2);
}
bars?.stop();
await closeExtractor();
await database?.close();

const s = summary;
const stored = s.created + s.updated;
const rate = s.seconds > 0 ? (s.inputs / s.seconds).toFixed(1) : '-';
const remote = database === undefined;
const lines = [
  `${interrupted.signal.aborted ? `interrupted after ${s.inputs} of ${total} inputs: stored ${stored}` : `ingested ${stored} of ${total} inputs`}, ` +
    `${s.failures.length} failed, in ${s.seconds.toFixed(1)} s (${rate} articles/s, ${via})`,
  `  articles:   ${stored} (${s.created} created, ${s.updated} updated)`,
  // Through the API, new and already-stored people and statements are not told apart.
  remote
    ? `  people:     ${s.newPeople + s.matchedPeople} (new and matched not told apart through the API)`
    : `  people:     ${s.newPeople} new, ${s.matchedPeople} matched (stored before this run); ${s.resolvedToStored} names resolved to a person stored before their article`,
  remote ? `  statements: ${s.statements}` : `  statements: ${s.statements} (${s.newStatements} new)`,
  `  events:     ${s.events}`,
  `  failed:     ${s.failures.length}`,
  ...(s.pipeline
    ? [
        `  pipeline:   ${s.pipeline.batches} transactions, ${s.pipeline.retries} retried without a failed article, ${s.pipeline.reextracted} articles extracted again`,
      ]
    : []),
  ...s.failures.map((f) => `    ${f.label}: ${f.reason}`),
];
console.log(lines.join('\n'));
process.exit(interrupted.signal.aborted ? 130 : s.failures.length > 0 ? 1 : 0);
