// A batch of articles written in one transaction, resolved in memory against what it read for all
// its articles at once and written at the end (src/ingest/batch.ts), stores what the core gives
// writing them one at a time: what resolution reads of the rows still waiting (the people earlier
// articles created or taught a name, how often each person is named, how often each quotation is
// reported) counts as written. The articles are written for this test, with their entities given
// as the extractor would give them: a bare surname only salience resolves, a partial quote two
// quotations contain (the more reported one wins, though the other is older), an article whose
// URL comes again later in the batch, and one updating an article stored before the batch. A
// second test counts the batch's SQL statements: as many for 12 articles as for 4.
import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/index.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchWriteFailed, createBatchWriter } from '../src/ingest/batch.js';
import { bulkItems, planSources, runBulkPipeline } from '../src/ingest/bulk.js';
import { type IngestInput, type IngestResult, ingestArticle } from '../src/ingest/index.js';
import { quotationKey } from '../src/ingest/quotations.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName, createTestDatabase } from './support/database.js';
import { storedGraph } from './support/stored-graph.js';

// Neither contains the other; both contain PART.
const LONG = 'rebuild the old bridge before the winter comes and the river rises';
const SHORT = 'the council will rebuild the old bridge before the winter comes';
const PART = 'rebuild the old bridge before the winter comes';

const article = (slug: string, day: number, body: string, rest: Partial<IngestInput>): IngestInput => ({
  url: `https://example.test/valley/${slug}`,
  headline: `valley news ${slug}`,
  source: 'Valley Courier',
  publishedAt: new Date(`2026-05-${String(day).padStart(2, '0')}T08:00:00Z`),
  body,
  extracted: true,
  ...rest,
});
const quote = (text: string, speakerName: string) => ({ text, kind: 'DIRECT_QUOTE' as const, speakerName });
const named = (name: string, times: number) => ({ name, mentions: Array.from({ length: times }, (_, i) => ({ start: 40 + i, end: 41 + i })) });

/** Stored before the batch: its update inside the batch goes through the core. */
const BEFORE = article('dam', 1, 'the dam council met on monday. Tomas Ortega spoke.', {
  people: [named('Tomas Ortega', 1)],
  statements: [{ text: 'the dam is safe', kind: 'PARAPHRASE', speakerName: 'Tomas Ortega' }],
});

const BATCH: IngestInput[] = [
  article('bridge', 2, `the bridge plan was shown on tuesday. Elena Moreno said "${LONG}."`, {
    people: [named('Elena Moreno', 3)],
    statements: [quote(LONG, 'Elena Moreno')],
    events: [{ name: 'bridge plan shown', kind: 'announcement', startDate: '2026-05-02', participants: [{ name: 'Elena Moreno', role: 'speaker' }] }],
  }),
  // Only Elena Moreno's three mentions, still waiting, make her the dominant Moreno.
  article('winter', 3, `the works start soon. "${SHORT}," Moreno said.`, {
    people: [named('Moreno', 1)],
    statements: [quote(SHORT, 'Moreno')],
  }),
  article('river', 4, `the river rose on thursday. Elena Moreno said "${SHORT}" again.`, {
    people: [named('Elena Moreno', 1), named('Tomas Ortega', 1)],
    statements: [quote(SHORT, 'Elena Moreno'), { text: 'the river is high', kind: 'PARAPHRASE', speakerName: 'Tomas Ortega', mentions: ['Elena Moreno'] }],
  }),
  // Two quotations contain it: SHORT has two reports waiting, the older LONG one.
  article('works', 5, `the works were approved. Elena Moreno said they would "${PART}."`, {
    people: [named('Elena Moreno', 2)],
    statements: [quote(PART, 'Elena Moreno')],
  }),
  { ...BEFORE, headline: 'dam council meets again', statements: [{ text: 'the dam is still safe', kind: 'PARAPHRASE', speakerName: 'Tomas Ortega' }] },
  // The first article's URL again, later in the same batch.
  article('bridge', 2, `the bridge plan was shown on tuesday. Elena Moreno said "${LONG}." Tomas Ortega agreed.`, {
    people: [named('Elena Moreno', 3), named('Tomas Ortega', 1)],
    statements: [quote(LONG, 'Elena Moreno'), { text: 'agreed', kind: 'PARAPHRASE', speakerName: 'Tomas Ortega' }],
  }),
  article('school', 6, 'a new school opens. Ana Lima, the principal, welcomed pupils.', {
    people: [named('Ana Lima', 1)],
    statements: [{ text: 'welcomed pupils', kind: 'PARAPHRASE', speakerName: 'Ana Lima', mentions: ['Moreno'] }],
  }),
];

const NOW = new Date('2026-05-10T00:00:00Z');
const summary = (r: IngestResult) => ({
  created: r.created,
  people: r.personIds.length,
  newPeople: r.newPersonIds.length,
  events: r.eventIds.length,
  statements: r.statementIds.length,
  newStatements: r.newStatementIds.length,
});

describe(`a batch written at once = one article at a time (${backendName})`, () => {
  let single: Awaited<ReturnType<typeof createTestDatabase>>;
  let batched: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    [single, batched] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    for (const database of [single, batched]) {
      await database.migrate();
      await ingestArticle(database.db, BEFORE, NOW);
    }
  }, 60_000);
  afterAll(async () => {
    await single?.drop();
    await batched?.drop();
  });

  it('stores the same people, statements, quotations, links and live log, and reports the same', async () => {
    const one: IngestResult[] = [];
    for (const input of BATCH) one.push(await ingestArticle(single.db, input, NOW));

    const handles: (() => IngestResult)[] = [];
    await batched.db.transaction(async (tx) => {
      const writer = createBatchWriter(tx as unknown as Db);
      await writer.preload(BATCH.map((input) => ({ input, extract: false })));
      for (const input of BATCH) handles.push(await writer.store(input, NOW));
      await writer.flush();
    });

    const graph = await storedGraph(single.db);
    // The fixture does what it is for.
    const speakerOf = (text: string) => graph.statements.filter((s) => s.text === text).map((s) => s.speaker);
    expect(speakerOf(SHORT)).toEqual(['elena-moreno', 'elena-moreno']);
    const part = graph.statements.find((s) => s.text === PART);
    expect(part?.quotation).toBe(quotationKey(SHORT));
    expect(graph.quotations.find((q) => q.key === quotationKey(SHORT))?.occurrence_count).toBe(3);
    expect(graph.statements.filter((s) => String(s.url).endsWith('/dam')).map((s) => s.text)).toEqual(['the dam is still safe']);
    expect(one.map((r) => r.created)).toEqual([true, true, true, true, false, false, true]);

    expect(await storedGraph(batched.db)).toEqual(graph);
    expect(handles.map((h) => summary(h()))).toEqual(one.map(summary));
  }, 60_000);
});

// Articles naming a new person each, and the one before them by a short form and in a mention;
// each quotes its new person, and part of the previous article's quotation.
const GIVEN_NAMES = ['Amara', 'Bruno', 'Celia', 'Dario', 'Elif', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Luca', 'Mira', 'Nils', 'Olga', 'Pavel'];
const SURNAMES = [
  'Abara',
  'Brandt',
  'Castell',
  'Dumont',
  'Eklund',
  'Faro',
  'Gallo',
  'Haddad',
  'Ivers',
  'Janssen',
  'Kowal',
  'Lindqvist',
  'Moretti',
  'Novak',
  'Orsini',
  'Petrov',
];
const SAYINGS = SURNAMES.map((s, i) => `the ${s.toLowerCase()} district will get ${i + 2} new clinics and a library before the end of the year`);
function generated(run: string, from: number, to: number) {
  return Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    const name = `${GIVEN_NAMES[i]} ${SURNAMES[i]}`;
    const before = i > from ? `${GIVEN_NAMES[i - 1]} ${SURNAMES[i - 1]}` : null;
    const saying = SAYINGS[i]!;
    const body = `${name} said "${saying}."${before ? ` ${SURNAMES[i - 1]} agreed that "${SAYINGS[i - 1]!.slice(0, 60)}".` : ''}`;
    return {
      url: `https://example.test/${run}/${i}`,
      headline: `district plans ${i}`,
      source: 'Valley Courier',
      publishedAt: `2026-06-${String(k + 1).padStart(2, '0')}T08:00:00Z`,
      body,
      people: [{ name }, ...(before ? [{ name: before, aliases: [SURNAMES[i - 1]!] }] : [])],
      statements: [
        { text: saying, kind: 'DIRECT_QUOTE', speakerName: name, mentions: before ? [before] : [] },
        ...(before ? [{ text: SAYINGS[i - 1]!.slice(0, 60), kind: 'DIRECT_QUOTE', speakerName: SURNAMES[i - 1], eventName: 'district meeting' }] : []),
      ],
      events: before
        ? [
            {
              name: 'district meeting',
              kind: 'meeting',
              participants: [
                { name, role: 'host' },
                { name: before, role: 'guest' },
              ],
            },
          ]
        : [],
    };
  });
}

describe(`a batch costs a constant number of SQL statements (${backendName})`, () => {
  let dir: string;
  let single: Awaited<ReturnType<typeof createTestDatabase>>;
  let bulk: Awaited<ReturnType<typeof createTestDatabase>>;
  let statements = 0;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'newsgraph-batch-'));
    [single, bulk] = await Promise.all([
      createTestDatabase(),
      createTestDatabase(() => {
        statements++;
      }),
    ]);
    await Promise.all([single.migrate(), bulk.migrate()]);
  }, 60_000);
  afterAll(async () => {
    await single?.drop();
    await bulk?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes 12 articles in as many statements as 4, and stores what one by one stores', async () => {
    const run = async (name: string, articles: ReturnType<typeof generated>) => {
      const file = path.join(dir, `${name}.jsonl`);
      await writeFile(file, `${articles.map((a) => JSON.stringify(a)).join('\n')}\n`);
      const items = async () => bulkItems(await planSources([file]));
      const options = { extract: () => Promise.reject(new Error('nothing to extract')), batchSize: 50, now: () => NOW };
      await runBulkPipeline(single.db, await items(), { ...options, batchSize: 1 });
      statements = 0;
      const summary = await runBulkPipeline(bulk.db, await items(), options);
      expect(summary).toMatchObject({ created: articles.length, failures: [], pipeline: { batches: 1, retries: 0 } });
      return statements;
    };
    const four = await run('four', generated('four', 0, 4));
    const twelve = await run('twelve', generated('twelve', 4, 16));

    const graph = await storedGraph(single.db);
    // The fixture does what it is for: short forms resolved, partial quotes joined to the quotation before.
    expect(graph.people).toHaveLength(16);
    expect(graph.quotations).toHaveLength(16);
    expect(graph.quotations.filter((q) => q.occurrence_count === 2)).toHaveLength(14);
    expect(graph.participants).toHaveLength(28);
    expect(await storedGraph(bulk.db)).toEqual(graph);
    // Per batch, not per article: a statement more per article would make it 8 more.
    expect(twelve).toBe(four);
    expect(twelve).toBeLessThanOrEqual(16);
  }, 60_000);
});

describe(`a batch whose new person someone else stored meanwhile (${backendName})`, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    await database.migrate();
  }, 60_000);
  afterAll(() => database?.drop());

  it('refuses to write the batch (the pipeline then writes it one article at a time), storing nothing', async () => {
    const input = article('quill', 7, 'Zed Quill opened the fair. Zed Quill said it was the biggest yet.', {
      people: [named('Zed Quill', 2)],
      statements: [{ text: 'it was the biggest yet', kind: 'PARAPHRASE', speakerName: 'Zed Quill' }],
    });
    const written = database.db.transaction(async (tx) => {
      const writer = createBatchWriter(tx as unknown as Db);
      await writer.preload([{ input, extract: false }]);
      await writer.store(input, NOW);
      // As another transaction would have, after the batch read the people.
      await tx.execute(sql`insert into people (slug, name) values ('zed-quill', 'Zed Quill')`);
      await writer.flush();
    });
    await expect(written).rejects.toBeInstanceOf(BatchWriteFailed);
    const graph = await storedGraph(database.db);
    expect([graph.people, graph.articles, graph.statements]).toEqual([[], [], []]);
  }, 60_000);
});
