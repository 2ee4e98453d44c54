// npm run ingest -- <file.txt | folder | file.jsonl> ...
// Bulk ingest into DATABASE_URL (or the embedded PGLITE_DIR), migrating first. Each article is
// stored in its own transaction; bad inputs are reported with their reason and skipped.
// Exit code: 0 all stored, 1 some inputs failed (the rest are stored), 2 nothing could run (usage,
// configuration, database), 130 interrupted (Ctrl-C: the article in hand finishes first).
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { readConfig } from '../src/config.js';
import { type Database, createDb } from '../src/db/index.js';
import { type BulkSummary, type ItemOutcome, bulkItems, itemCount, planSources, runBulkIngest } from '../src/ingest/bulk.js';

const USAGE = `usage: npm run ingest -- <file.txt | folder | file.jsonl> ...

  .txt     one article; optional header lines first (URL:, Headline:, Source:, Published:), then
           a blank line, then the body; or the same fields in a sidecar <name>.json
  folder   every .txt and .jsonl file in it and its subfolders
  .jsonl   one article per line: {"url", "headline", "source", "publishedAt", "body"}, optionally
           with "people", "statements" and "events" to store as given instead of extracting

Stores into DATABASE_URL, or the embedded database in PGLITE_DIR (default ./data).
Exit code: 0 all stored, 1 some inputs failed, 2 could not run.`;

const { positionals, values } = (() => {
  try {
    return parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length === 0) {
  console.error(USAGE);
  process.exit(2);
}

let database: Database;
try {
  const config = readConfig();
  database = await createDb({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR, maxConnections: 2, statementTimeoutMs: 0 });
  await database.migrate();
} catch (error) {
  console.error(`cannot open the database: ${(error as Error).message}`);
  process.exit(2);
}

const sources = await planSources(positionals);
const total = itemCount(sources);
const tty = Boolean(process.stdout.isTTY);
const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort());
process.once('SIGTERM', () => interrupted.abort());

const bars = tty
  ? new cliProgress.MultiBar(
      { stream: process.stdout, format: ' {bar} {value}/{total} | {rate} articles/s | ETA {eta_formatted} | {label}', hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
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
    `${r.statementIds.length} statements (${r.newStatementIds.length} new), ${r.eventIds.length} events`
  );
};

let summary: BulkSummary;
try {
  summary = await runBulkIngest(database!.db, bulkItems(sources), {
    signal: interrupted.signal,
    onItem(outcome) {
      done++;
      if (bars && bar) {
        if (!outcome.ok) bars.log(`${describe(outcome)}\n`);
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
  await database!.close().catch(() => {});
  process.exit(2);
}
bars?.stop();
await database!.close();

const s = summary;
const rate = s.seconds > 0 ? (s.inputs / s.seconds).toFixed(1) : '-';
const lines = [
  `${interrupted.signal.aborted ? 'interrupted after' : 'ingested'} ${s.inputs} of ${total} inputs in ${s.seconds.toFixed(1)} s (${rate} articles/s, ${database!.driver})`,
  `  articles:   ${s.created + s.updated} (${s.created} created, ${s.updated} updated)`,
  `  people:     ${s.newPeople} new, ${s.matchedPeople} matched (stored before this run); ${s.resolvedToStored} names resolved to a person stored before their article`,
  `  statements: ${s.statements} (${s.newStatements} new)`,
  `  events:     ${s.events}`,
  `  failed:     ${s.failures.length}`,
  ...s.failures.map((f) => `    ${f.label}: ${f.reason}`),
];
console.log(lines.join('\n'));
process.exit(interrupted.signal.aborted ? 130 : s.failures.length > 0 ? 1 : 0);
