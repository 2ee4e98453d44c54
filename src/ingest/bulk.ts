// Bulk ingest (`npm run ingest`): articles from .txt files, folders of them and .jsonl files, each
// checked, extracted (unless it carries its entities) and stored through the ingest core in its own
// transaction. A bad input is reported with its reason and skipped; it never stops the run.
import { createReadStream } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { Db } from '../db/index.js';
import { describeIssue, rules } from '../domain/validation.js';
import { parseDateTimeInput } from '../domain/text.js';
import { translateDbError } from '../domain/db-errors.js';
import { STATEMENT_KINDS } from '../domain/statement-kinds.js';
import { MAX_EXTRACT_BODY } from '../extract-pool.js';
import type { ExtractInput, Extraction, KnownPerson } from '../extract/types.js';
import { type ExtractedIngestInput, loadKnownPeople, sameRecognition, withExtractedEntities } from './from-extraction.js';
import { type BatchWriter, BatchWriteFailed, createBatchWriter } from './batch.js';
import { type IngestInput, type IngestResult, checkIngestInput, ingestArticle, ingestInTransaction } from './index.js';

// ---------------------------------------------------------------------------------------------
// Input validation: the API's rules (src/domain/validation.ts), for values read from files.

const isoDate = z
  .string()
  .trim()
  .refine((value) => parseDateTimeInput(value) !== null, 'must be an ISO 8601 date or date-time')
  .transform((value) => parseDateTimeInput(value)!);
const day = z.string().refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)), 'must be a date (YYYY-MM-DD)');
const optional = <T extends z.ZodType>(schema: T) => schema.nullish();
const kind = z.enum(STATEMENT_KINDS, `must be ${STATEMENT_KINDS.slice(0, -1).join(', ')} or ${STATEMENT_KINDS.at(-1)}`);
const textSpan = z
  .object({ start: z.number().int().min(0, 'must not be negative'), end: z.number().int().min(1, 'must be positive') })
  .refine((span) => span.end > span.start, { message: 'end must be after start', path: ['end'] });
const body = rules.body.refine((value) => value.trim().length > 0, 'must not be empty');

const articleFields = {
  url: rules.url,
  headline: rules.shortText,
  source: rules.name,
  publishedAt: isoDate,
  body,
};

/** One line of a .jsonl file: the article, and optionally its entities as `ingestArticle` takes them. */
const jsonArticle = z.object({
  ...articleFields,
  people: optional(
    z.array(z.object({ name: rules.name, aliases: optional(rules.aliases), description: optional(rules.description) })).max(500, 'at most 500 people'),
  ),
  statements: optional(
    z
      .array(
        z.object({
          text: rules.statementText,
          kind,
          speakerName: optional(rules.name),
          speakerLabel: optional(rules.optionalShortText),
          channel: optional(rules.optionalShortText),
          saidAt: optional(isoDate),
          span: optional(textSpan),
          spans: optional(z.array(textSpan).max(50, 'at most 50 fragments')),
          mentions: optional(z.array(rules.name).max(100, 'at most 100 mentions')),
          eventName: optional(rules.shortText),
        }),
      )
      .max(2_000, 'at most 2000 statements'),
  ),
  events: optional(
    z
      .array(
        z
          .object({
            name: rules.shortText,
            kind: rules.name,
            startDate: optional(day),
            endDate: optional(day),
            location: optional(rules.optionalShortText),
            description: optional(rules.description),
            participants: optional(z.array(z.object({ name: rules.name, role: rules.name })).max(200, 'at most 200 participants')),
          })
          .refine((e) => !(e.startDate && e.endDate && e.endDate < e.startDate), { message: 'must not be before startDate', path: ['endDate'] }),
      )
      .max(200, 'at most 200 events'),
  ),
});

/** What a .txt file's header lines or its sidecar .json may set. */
const textMetadata = z.object({
  url: optional(rules.url),
  headline: optional(rules.shortText),
  source: optional(rules.name),
  publishedAt: optional(isoDate),
});

/** An article ready for the ingest core; `extract` when its entities are to come from the body. */
export interface BulkArticle {
  input: IngestInput;
  extract: boolean;
}

/** A reason an input is skipped (shown to the user as is). */
export class InputError extends Error {}

function check<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new InputError(describeIssue(parsed.error.issues[0]!).message);
}

/** Decodes UTF-8 strictly: a file that is not text is refused, not stored as replacement characters. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new InputError('not valid UTF-8 text');
  }
}

export function parseJsonLine(line: string): BulkArticle {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new InputError(`invalid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError('not a JSON object');
  const article = check(jsonArticle, value);
  const given = article.people != null || article.statements != null || article.events != null;
  const input: IngestInput = {
    ...article,
    statements: article.statements?.map((s) => ({ ...s, saidAt: s.saidAt ?? null })),
  };
  if (given) checkInput(input);
  return { input, extract: !given };
}

/** The core's own checks (event names, spans inside the body), as an input error without "input.". */
function checkInput(input: IngestInput): void {
  try {
    checkIngestInput(input);
  } catch (error) {
    if (error instanceof GraphQLError) throw new InputError(error.message.replace(/"input\./g, '"'));
    throw error;
  }
}

const HEADER = /^(url|source|published|headline)[ \t]*:[ \t]*(.*)$/i;
const HEADER_FIELD = { url: 'url', source: 'source', published: 'publishedAt', headline: 'headline' } as const;

/**
 * A .txt article: optional header lines at the top (`URL:`, `Headline:`, `Source:`, `Published:`,
 * any case, any order), then a blank line, then the body. Without header lines the whole file is
 * the body. Header lines win over the sidecar `<name>.json`; without either, the URL is the file's
 * own `file://` URL (so ingesting it again updates it), the headline its first line, the source
 * "file" and the publication time the file's modification time.
 */
export function parseTextArticle(text: string, defaults: { fileUrl: string; modifiedAt: Date; sidecar?: Record<string, unknown> }): BulkArticle {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const header: Record<string, string> = {};
  let first = 0;
  for (; first < lines.length; first++) {
    const match = HEADER.exec(lines[first]!);
    if (!match) break;
    header[HEADER_FIELD[match[1]!.toLowerCase() as keyof typeof HEADER_FIELD]] = match[2]!.trim();
  }
  const body = lines.slice(first).join('\n').trim();
  if (body.length === 0) throw new InputError('empty body');
  const meta = check(textMetadata, { ...defaults.sidecar, ...header });
  const firstLine = body.split('\n', 1)[0]!.replace(/\s+/g, ' ').trim();
  const input: IngestInput = {
    url: meta.url ?? defaults.fileUrl,
    headline: meta.headline ?? (firstLine.length > 500 ? `${firstLine.slice(0, 499)}…` : firstLine),
    source: meta.source ?? 'file',
    publishedAt: meta.publishedAt ?? defaults.modifiedAt,
    body: check(rules.body, body),
  };
  return { input, extract: true };
}

async function readTextArticle(file: string): Promise<BulkArticle> {
  let bytes: Buffer;
  let modifiedAt: Date;
  let fileUrl: string;
  try {
    bytes = await readFile(file);
    modifiedAt = (await stat(file)).mtime;
    fileUrl = pathToFileURL(await realpath(file)).href;
  } catch (error) {
    throw new InputError(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const sidecarPath = file.replace(/\.txt$/i, '.json');
  let sidecar: Record<string, unknown> | undefined;
  const sidecarText = await readFile(sidecarPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new InputError(`cannot read ${path.basename(sidecarPath)} (${error.code ?? error.message})`);
  });
  if (sidecarText !== undefined) {
    try {
      sidecar = JSON.parse(sidecarText);
    } catch (error) {
      throw new InputError(`${path.basename(sidecarPath)}: invalid JSON (${(error as Error).message})`);
    }
    if (typeof sidecar !== 'object' || sidecar === null || Array.isArray(sidecar)) throw new InputError(`${path.basename(sidecarPath)}: not a JSON object`);
  }
  return parseTextArticle(decodeText(bytes), { fileUrl, modifiedAt, ...(sidecar ? { sidecar } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Sources: what the paths on the command line hold.

export type Source = { kind: 'text'; file: string } | { kind: 'jsonl'; file: string; lines: number } | { kind: 'error'; file: string; reason: string };

/** One article to ingest, or one that could not even be read. */
export interface BulkItem {
  label: string;
  load: () => Promise<BulkArticle>;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else if (/\.(txt|jsonl)$/i.test(entry.name)) files.push(full);
  }
  return files;
}

/** Counts the non-blank lines of a file without holding it in memory. */
async function countLines(file: string): Promise<number> {
  let count = 0;
  for await (const line of readLines(file)) if (line.bytes.some((b) => b !== 0x20 && b !== 0x09 && b !== 0x0d)) count++;
  return count;
}

/** A file's lines as raw bytes (decoded later, strictly), with 1-based line numbers. */
async function* readLines(file: string): AsyncGenerator<{ number: number; bytes: Buffer }> {
  let rest = Buffer.alloc(0);
  let number = 0;
  for await (const chunk of createReadStream(file)) {
    let buffer = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let newline;
    while ((newline = buffer.indexOf(0x0a)) >= 0) {
      yield { number: ++number, bytes: buffer.subarray(0, newline) };
      buffer = buffer.subarray(newline + 1);
    }
    rest = Buffer.from(buffer);
  }
  if (rest.length > 0) yield { number: ++number, bytes: rest };
}

/** Resolves the command line's paths into sources, in order; a missing or unknown path is an error source. */
export async function planSources(paths: readonly string[]): Promise<Source[]> {
  const sources: Source[] = [];
  const add = async (file: string) => {
    if (/\.jsonl$/i.test(file)) {
      try {
        sources.push({ kind: 'jsonl', file, lines: await countLines(file) });
      } catch (error) {
        sources.push({ kind: 'error', file, reason: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
      }
    } else sources.push({ kind: 'text', file });
  };
  for (const given of paths) {
    const info = await stat(given).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) {
      sources.push({ kind: 'error', file: given, reason: info.code === 'ENOENT' ? 'no such file or folder' : `cannot read (${info.code ?? info.message})` });
    } else if (info.isDirectory()) {
      const files = await walk(given).catch((error: NodeJS.ErrnoException) => error);
      if (files instanceof Error) sources.push({ kind: 'error', file: given, reason: `cannot read the folder (${files.code ?? files.message})` });
      else for (const file of files) await add(file);
    } else if (/\.(txt|jsonl)$/i.test(given)) await add(given);
    else sources.push({ kind: 'error', file: given, reason: 'not a .txt file, a .jsonl file or a folder' });
  }
  return sources;
}

export const itemCount = (sources: readonly Source[]) => sources.reduce((n, s) => n + (s.kind === 'jsonl' ? s.lines : 1), 0);

/** Every article the sources hold, read one at a time. */
export async function* bulkItems(sources: readonly Source[]): AsyncGenerator<BulkItem> {
  for (const source of sources) {
    const label = source.file; // as given on the command line, joined with the folder's own paths
    if (source.kind === 'error') {
      yield { label, load: () => Promise.reject(new InputError(source.reason)) };
    } else if (source.kind === 'text') {
      yield { label, load: () => readTextArticle(source.file) };
    } else {
      try {
        for await (const line of readLines(source.file)) {
          const text = (() => {
            try {
              return decodeText(line.bytes);
            } catch (error) {
              return error as InputError;
            }
          })();
          if (typeof text === 'string' && text.trim() === '') continue;
          yield { label: `${label}:${line.number}`, load: async () => (typeof text === 'string' ? parseJsonLine(text) : Promise.reject(text)) };
        }
      } catch (error) {
        yield {
          label,
          load: () => Promise.reject(new InputError(`cannot read the rest of the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)),
        };
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The run.

/** A stored article, and what its extraction warned about ("language de is not supported; …"). */
export type BulkResult = IngestResult & { warnings: string[] };

export type ItemOutcome = { label: string; ok: true; result: BulkResult } | { label: string; ok: false; reason: string };

export interface BulkSummary {
  inputs: number;
  created: number;
  updated: number;
  newPeople: number;
  /** Distinct people already stored before the run whom its articles name. */
  matchedPeople: number;
  /** Times an article's person resolved to someone stored before that article (earlier in the run too). */
  resolvedToStored: number;
  statements: number;
  newStatements: number;
  events: number;
  failures: { label: string; reason: string }[];
  seconds: number;
}

/** The same cap as the API's `extract` and `ingestArticle` (src/extract-pool.ts). */
function checkExtractable(article: BulkArticle): void {
  if (article.extract && article.input.body.length > MAX_EXTRACT_BODY) {
    throw new InputError(`"body": must be at most ${MAX_EXTRACT_BODY} characters to be extracted`);
  }
}

/** Stores one article: extraction (outside the transaction), then the core in one transaction. */
export async function ingestBulkArticle(db: Db, article: BulkArticle, now: Date = new Date()): Promise<BulkResult> {
  checkExtractable(article);
  const input = article.extract
    ? await withExtractedEntities(article.input, await loadKnownPeople(db, article.input.body))
    : { ...article.input, warnings: [] };
  return { ...(await ingestArticle(db, input, now)), warnings: input.warnings };
}

/** Why an article was not stored, in words for the summary. */
export function failureReason(error: unknown): string {
  if (error instanceof InputError) return error.message;
  const translated = error instanceof GraphQLError ? error : translateDbError(error);
  if (translated) return translated.message.replace(/"input\./g, '"');
  // The database's own words, not the query and its parameters a driver error wraps them in.
  const cause = (error as { cause?: unknown })?.cause;
  return `not stored: ${cause instanceof Error ? cause.message : ((error as Error)?.message ?? String(error))}`;
}

/** The summary's counts, kept as outcomes come in (only stored articles count). */
function createTally() {
  const started = performance.now();
  const created = new Set<number>();
  const updated = new Set<number>();
  const newPeople = new Set<number>();
  const seenPeople = new Set<number>();
  const events = new Set<number>();
  let statements = 0;
  let newStatements = 0;
  let inputs = 0;
  let resolvedToStored = 0;
  const failures: BulkSummary['failures'] = [];
  return {
    add(outcome: ItemOutcome) {
      inputs++;
      if (!outcome.ok) {
        failures.push({ label: outcome.label, reason: outcome.reason });
        return;
      }
      const result = outcome.result;
      (result.created ? created : updated).add(result.articleId);
      for (const id of result.newPersonIds) newPeople.add(id);
      for (const id of result.personIds) seenPeople.add(id);
      resolvedToStored += result.personIds.length - result.newPersonIds.length;
      for (const id of result.eventIds) events.add(id);
      statements += result.statementIds.length;
      newStatements += result.newStatementIds.length;
    },
    summary(): BulkSummary {
      return {
        inputs,
        created: created.size,
        updated: [...updated].filter((id) => !created.has(id)).length,
        newPeople: newPeople.size,
        matchedPeople: [...seenPeople].filter((id) => !newPeople.has(id)).length,
        resolvedToStored,
        statements,
        newStatements,
        events: events.size,
        failures,
        seconds: (performance.now() - started) / 1000,
      };
    },
  };
}

/** Ingests every item through `store` (the database, or a running service's API), one after the other, reporting each; stops early (between articles) when `signal` aborts. */
export async function runBulkIngest(
  store: (article: BulkArticle, now: Date) => Promise<BulkResult>,
  items: AsyncIterable<BulkItem>,
  options: { onItem?: (outcome: ItemOutcome) => void; signal?: AbortSignal; now?: () => Date } = {},
): Promise<BulkSummary> {
  const tally = createTally();
  for await (const item of items) {
    if (options.signal?.aborted) break;
    let outcome: ItemOutcome;
    try {
      const article = await item.load();
      outcome = { label: item.label, ok: true, result: await store(article, options.now?.() ?? new Date()) };
    } catch (error) {
      outcome = { label: item.label, ok: false, reason: failureReason(error) };
    }
    tally.add(outcome);
    options.onItem?.(outcome);
  }
  return tally.summary();
}

// ---------------------------------------------------------------------------------------------
// The pipeline (`npm run ingest` into a database): a batch's articles are read, then stored in
// one transaction, each extracted on the extractor's worker threads a few ahead of the writer.
// The stored graph is the one ingesting them one by one gives:
//  - an article's extraction sees the people stored before it (`loadKnownPeople`), here the batch
//    writer's copy of them (src/ingest/batch.ts: read once for all the batch's bodies, with what
//    earlier articles of the batch created or renamed). It starts early, against what the batch
//    has stored by then; just before the article is stored its known people are taken again and,
//    when the extractor would read one of its names differently with them (an article just ahead
//    of it created or renamed that person: `sameRecognition`), it is extracted again with the
//    current ones. Few are, because it starts only a few articles ahead (`lookahead`);
//  - the batch writer resolves each article in order, so resolution sees the people every earlier
//    article created or taught a name, and writes the batch in a constant number of statements;
//  - an article the database refuses fails alone: the transaction is rolled back and the batch
//    written again without it (its neighbours re-checked against a run without it), so nothing of
//    a failed article is ever stored and nothing of a batch is half-stored.

/** What the pipeline did besides storing, for the summary. */
export interface PipelineStats {
  /** Transactions committed. */
  batches: number;
  /** Batches rolled back because one article failed, and written again without it. */
  retries: number;
  /** Articles extracted a second time because an earlier article of the run changed whom they name. */
  reextracted: number;
}

export interface PipelineOptions {
  /** Runs the extractor: the CLI's worker pool (src/extract-pool.ts). */
  extract: (input: ExtractInput, knownPeople: KnownPerson[]) => Promise<Extraction>;
  /** Articles per transaction (default 50). */
  batchSize?: number;
  /** Articles extracted ahead of the one being stored (default 3: the pool's workers and one). */
  lookahead?: number;
  onItem?: (outcome: ItemOutcome) => void;
  /** Stops reading between articles; what the open batch holds is stored first. */
  signal?: AbortSignal;
  now?: () => Date;
}

/** An article extracted (or given) and checked, waiting for the writer. */
interface PreparedArticle {
  input: ExtractedIngestInput;
  /** The stored people its extraction saw; null when it was not extracted. */
  known: KnownPerson[] | null;
  fields: IngestInput;
}

type Prepared = PreparedArticle | { failed: string };
/** An article read from its file (or why it could not be), and its extraction once started. */
type Entry = { label: string; loaded: { article: BulkArticle } | { failed: string }; prepared?: Promise<Prepared> };

/** Stores every item in batches through the pipeline above, reporting each in input order once its batch is committed. */
export async function runBulkPipeline(db: Db, items: AsyncIterable<BulkItem>, options: PipelineOptions): Promise<BulkSummary & { pipeline: PipelineStats }> {
  const batchSize = Math.max(1, options.batchSize ?? 50);
  const lookahead = Math.max(1, options.lookahead ?? 3);
  const stats: PipelineStats = { batches: 0, retries: 0, reextracted: 0 };
  const tally = createTally();
  const iterator = items[Symbol.asyncIterator]();

  /** The next `n` articles, read (not yet extracted); fewer at the end or once stopped. */
  const read = async (n: number): Promise<Entry[]> => {
    const chunk: BulkItem[] = [];
    while (chunk.length < n && !options.signal?.aborted) {
      const step = await iterator.next();
      if (step.done) break;
      chunk.push(step.value);
    }
    return Promise.all(
      chunk.map(async (item): Promise<Entry> => {
        try {
          return { label: item.label, loaded: { article: await item.load() } };
        } catch (error) {
          return { label: item.label, loaded: { failed: failureReason(error) } };
        }
      }),
    );
  };

  /** Extracts (and checks) one article, knowing the people `known` gives for its body. */
  const prepare = async (article: BulkArticle, known: (body: string) => Promise<KnownPerson[]>): Promise<Prepared> => {
    try {
      if (!article.extract) return { input: { ...article.input, warnings: [] }, known: null, fields: article.input };
      checkExtractable(article);
      const people = await known(article.input.body);
      const input = await withExtractedEntities(article.input, people, options.extract);
      checkInput(input);
      return { input, known: people, fields: article.input };
    } catch (error) {
      return { failed: failureReason(error) };
    }
  };

  /** Stores one article inside the batch's transaction (through `writer` unless written one by one), extracting it again if what it saw has changed. */
  const store = async (
    writer: BatchWriter | null,
    known: (body: string) => Promise<KnownPerson[]>,
    tx: Db,
    article: PreparedArticle,
    now: Date,
  ): Promise<() => BulkResult> => {
    let input = article.input;
    if (article.known) {
      const current = await known(article.fields.body);
      if (!sameRecognition(article.fields.body, article.known, current)) {
        input = await withExtractedEntities(article.fields, current, options.extract);
        checkInput(input);
        stats.reextracted++;
      }
    }
    const { warnings } = input;
    if (!writer) {
      const result = { ...(await ingestInTransaction(tx, input, now)), warnings };
      return () => result;
    }
    const result = await writer.store(input, now);
    return () => ({ ...result(), warnings });
  };

  let pending: Entry[] = []; // read and not yet stored: a rolled-back batch's articles (to write again first), the next batch's
  let oneByOne = false; // the last batch's rows were refused together: write them one article at a time, to find whose
  for (;;) {
    const now = options.now?.() ?? new Date();
    if (pending.length === 0) pending = await read(batchSize);
    const entries = pending.splice(0, batchSize);
    if (entries.length === 0) break;
    const results = new Map<Entry, () => BulkResult>();
    let failedAt: Entry | null = null;
    const singly = oneByOne;
    oneByOne = false;
    try {
      await db.transaction(async (t) => {
        const tx = t as unknown as Db;
        const writer = singly ? null : createBatchWriter(tx);
        // The batch's known people: its copy of them (what earlier articles created or renamed counts), or the database's.
        const known = (body: string) => (writer ? writer.knownPeople(body) : loadKnownPeople(tx, body));
        await writer?.preload(entries.flatMap((e) => ('article' in e.loaded ? [e.loaded.article] : [])));
        // Extraction runs `lookahead` articles ahead of the one being stored, knowing what the batch has stored so far.
        const start = (entry: Entry | undefined) => {
          if (entry && !entry.prepared && 'article' in entry.loaded) entry.prepared = prepare(entry.loaded.article, known);
        };
        for (const [i, entry] of entries.entries()) {
          for (let j = i; j <= i + lookahead; j++) start(entries[j]);
          if (!entry.prepared) continue;
          const prepared = await entry.prepared;
          if ('failed' in prepared) {
            entry.loaded = prepared;
            continue;
          }
          failedAt = entry;
          results.set(entry, await store(writer, known, tx, prepared, now));
          failedAt = null;
        }
        if (writer) {
          // The next batch's first articles are extracted while this one is written, knowing the people as this batch leaves them.
          if (pending.length === 0) pending = await read(batchSize);
          const ahead = pending.slice(0, lookahead).flatMap((e) => (!e.prepared && 'article' in e.loaded ? [{ e, article: e.loaded.article }] : []));
          await writer.preloadKnown(ahead.map(({ article }) => article.input.body));
          // Taken before the flush, which lets go of the batch's copy of the people.
          const known = await Promise.all(ahead.map(({ article }) => writer.knownPeople(article.input.body)));
          ahead.forEach(({ e, article }, i) => {
            e.prepared = prepare(article, async () => known[i]!);
          });
        }
        await writer?.flush();
      });
    } catch (error) {
      if (error instanceof BatchWriteFailed) {
        // Nothing of the batch is stored; which article's rows were refused shows when they go one by one.
        pending = [...entries, ...pending];
        oneByOne = true;
        continue;
      }
      // Not an article's fault (the connection went away, the commit failed): nothing of the batch is stored; stop.
      if (!failedAt) throw error;
      const bad: Entry = failedAt;
      bad.loaded = { failed: failureReason(error) };
      bad.prepared = undefined;
      pending = [...entries, ...pending];
      stats.retries++;
      continue;
    }
    if (results.size > 0) stats.batches++;
    for (const entry of entries) {
      const result = results.get(entry)?.();
      const outcome: ItemOutcome = result
        ? { label: entry.label, ok: true, result }
        : { label: entry.label, ok: false, reason: (entry.loaded as { failed: string }).failed };
      tally.add(outcome);
      options.onItem?.(outcome);
    }
  }
  return { ...tally.summary(), pipeline: stats };
}
