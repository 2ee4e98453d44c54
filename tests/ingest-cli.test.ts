// `npm run ingest` as a real child process, against a temporary PGlite directory or (with
// TEST_DATABASE_URL) a throwaway PostgreSQL database; the rows are then read back directly.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createToken } from '../src/auth/tokens.js';
import { createDb, rowsOf } from '../src/db/index.js';
import { backendName } from './support/database.js';

const ROOT = path.resolve(import.meta.dirname, '..');
let work: string;
let target: { env: Record<string, string>; open: () => ReturnType<typeof createDb>; drop: () => Promise<void> };

beforeAll(async () => {
  work = await realpath(await mkdtemp(path.join(tmpdir(), 'newsgraph-ingest-cli-')));
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const dir = path.join(work, 'pglite');
    target = { env: { PGLITE_DIR: dir, DATABASE_URL: '' }, open: () => createDb({ pgliteDir: dir }), drop: async () => {} };
  } else {
    const name = `newsgraph_test_cli_${randomBytes(6).toString('hex')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    target = {
      env: { DATABASE_URL: url.toString() },
      open: () => createDb({ databaseUrl: url.toString(), maxConnections: 1 }),
      drop: async () => {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
});
afterAll(async () => {
  await target?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Runs `scripts/ingest.ts` (what `npm run ingest` runs) with the given arguments; stdout is a pipe, not a TTY. */
function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts/ingest.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, ...target.env, LOG_LEVEL: 'silent' }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Reads the target database (then closes it: PGlite allows one process at a time). */
async function query<T>(text: ReturnType<typeof sql>): Promise<T[]> {
  const database = await target.open();
  try {
    return rowsOf<T>(await database.db.execute(text));
  } finally {
    await database.close();
  }
}

const summaryCount = (stdout: string, label: string) => {
  const match = new RegExp(`^\\s+${label}:\\s+(.*)$`, 'm').exec(stdout);
  if (!match) throw new Error(`no "${label}" line in:\n${stdout}`);
  return match[1]!.trim();
};

const ARTICLE_A = `URL: https://cli.example.com/a
Headline: Paul in Moscow
Source: Wire
Published: 2024-06-05T08:00:00Z

Senator Paul met Russian officials in Moscow on Monday. "The talks were productive," Paul said after the meeting.
Maria Lopez, a spokeswoman for the State Department, said the administration "welcomes dialogue" with Moscow.
`;
const ARTICLE_B = `Mayor Anna Schmidt opened the bridge on Friday.
"It is a great day for the city," Schmidt told reporters.
`;

describe(`npm run ingest (${backendName})`, () => {
  it('a folder: two good files stored with their extractions, the bad one reported and skipped; again: updated in place', async () => {
    const folder = path.join(work, 'articles');
    await mkdir(path.join(folder, 'local'), { recursive: true });
    await writeFile(path.join(folder, 'a.txt'), ARTICLE_A);
    await writeFile(path.join(folder, 'local', 'b.txt'), ARTICLE_B);
    await writeFile(path.join(folder, 'local', 'b.json'), JSON.stringify({ source: 'Local Times', publishedAt: '2024-03-01' }));
    await writeFile(path.join(folder, 'bad.txt'), 'URL: https://cli.example.com/bad\nHeadline: Nothing here\n\n   \n');

    const first = await runCli([folder]);
    expect(first.code, first.stderr).toBe(1); // one input failed
    expect(first.stdout).toMatch(/^ingested 2 of 3 inputs, 1 failed, in /m);
    expect(first.stdout).toMatch(/^\[1\/3\] created .*a\.txt: /m); // plain lines when stdout is not a TTY
    expect(first.stdout).toMatch(/^\[2\/3\] FAILED .*bad\.txt: empty body$/m);
    expect(summaryCount(first.stdout, 'articles')).toBe('2 (2 created, 0 updated)');
    // Maria Lopez, Anna Schmidt; a bare "Paul" nobody stored has is no person (it stays the speakerLabel).
    expect(summaryCount(first.stdout, 'people')).toBe('2 new, 0 matched (stored before this run); 0 names resolved to a person stored before their article');
    expect(summaryCount(first.stdout, 'events')).toBe('1');
    expect(summaryCount(first.stdout, 'failed')).toBe('1');
    expect(first.stdout).toMatch(/^ {4}.*bad\.txt: empty body$/m);
    const statements = /^(\d+) \((\d+) new\)$/.exec(summaryCount(first.stdout, 'statements'))!;
    expect(statements[1]).toBe(statements[2]);
    expect(Number(statements[1])).toBeGreaterThanOrEqual(3);

    const bUrl = pathToFileURL(path.join(folder, 'local', 'b.txt')).href;
    const articles = await query<{ url: string; headline: string; source: string; published: string; statements: number; logged: number }>(
      sql`select a.url, a.headline, a.source, to_char(a.published_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as published,
        (select count(*)::int from statements s where s.article_id = a.id) as statements,
        (select count(*)::int from statement_events e join statements s on s.id = e.statement_id where s.article_id = a.id) as logged
        from articles a order by a.url`,
    );
    expect(articles.map((a) => [a.url, a.headline, a.source, a.published])).toEqual([
      [bUrl, 'Mayor Anna Schmidt opened the bridge on Friday.', 'Local Times', '2024-03-01T00:00'],
      ['https://cli.example.com/a', 'Paul in Moscow', 'Wire', '2024-06-05T08:00'],
    ]);
    expect(articles.reduce((n, a) => n + a.statements, 0)).toBe(Number(statements[1]));
    // Every new statement went through the trigger that feeds statementAdded.
    for (const a of articles) expect(a.logged).toBe(a.statements);
    const ids = await query<{ id: number }>(sql`select id from statements order by id`);

    const again = await runCli([folder]);
    expect(again.code).toBe(1);
    expect(summaryCount(again.stdout, 'articles')).toBe('2 (0 created, 2 updated)');
    expect(summaryCount(again.stdout, 'people')).toBe('0 new, 2 matched (stored before this run); 2 names resolved to a person stored before their article');
    expect(summaryCount(again.stdout, 'statements')).toBe(`${statements[1]} (0 new)`);
    expect(await query<{ id: number }>(sql`select id from statements order by id`)).toEqual(ids);
    expect(await query(sql`select 1 from articles where url = 'https://cli.example.com/bad'`)).toEqual([]);
  }, 300_000);

  it('a .jsonl file: extracted and given lines stored, bad lines reported by line number; a missing path fails too', async () => {
    const body = 'Governor Jane Roe said "the budget is balanced" on Tuesday.';
    const lines = [
      JSON.stringify({
        url: 'https://cli.example.com/given',
        headline: 'Budget',
        source: 'Wire',
        publishedAt: '2024-07-02T10:00:00Z',
        body,
        people: [{ name: 'Jane Roe', aliases: ['Governor Roe'] }],
        statements: [{ text: 'the budget is balanced', kind: 'PARTIAL_QUOTE', speakerName: 'Jane Roe', span: { start: 24, end: 46 } }],
      }),
      '',
      JSON.stringify({ url: 'https://cli.example.com/extracted', headline: 'Mayor', source: 'Wire', publishedAt: '2024-07-03', body: ARTICLE_B }),
      '{"url": "https://cli.example.com/broken", ',
      JSON.stringify({ url: 'ftp://cli.example.com/x', headline: 'x', source: 'Wire', publishedAt: '2024-07-03', body }),
      JSON.stringify({
        url: 'https://cli.example.com/bad-span',
        headline: 'x',
        source: 'Wire',
        publishedAt: '2024-07-03',
        body,
        statements: [{ text: 'the budget', kind: 'PARTIAL_QUOTE', span: { start: 0, end: 500 } }],
      }),
      JSON.stringify({ url: 'https://cli.example.com/no-date', headline: 'x', source: 'Wire', publishedAt: 'last week', body }),
    ];
    const file = path.join(work, 'feed.jsonl');
    await writeFile(file, lines.join('\n') + '\n');
    const missing = path.join(work, 'no-such-folder');

    const result = await runCli([file, missing]);
    expect(result.code, result.stderr).toBe(1);
    // 7 inputs (6 lines and a missing path), 5 of them failed: not "ingested 7 of 7".
    expect(result.stdout).toMatch(/^ingested 2 of 7 inputs, 5 failed, in /m);
    expect(summaryCount(result.stdout, 'articles')).toBe('2 (2 created, 0 updated)');
    expect(summaryCount(result.stdout, 'failed')).toBe('5');
    expect(result.stdout).toContain(`${file}:4: invalid JSON`);
    expect(result.stdout).toContain(`${file}:5: "url": must be an http(s) URL`);
    expect(result.stdout).toContain(`${file}:6: "statements.0.span": ends after the body.`);
    expect(result.stdout).toContain(`${file}:7: "publishedAt": must be an ISO 8601 date or date-time`);
    expect(result.stdout).toContain(`${missing}: no such file or folder`);

    const given = await query<{ text: string; speaker: string; span_start: number }>(
      sql`select s.text, p.name as speaker, s.span_start from statements s join articles a on a.id = s.article_id
        left join people p on p.id = s.speaker_id where a.url = 'https://cli.example.com/given'`,
    );
    expect(given).toEqual([{ text: 'the budget is balanced', speaker: 'Jane Roe', span_start: 24 }]);
    const extracted = await query<{ n: number }>(
      sql`select count(*)::int as n from statements s join articles a on a.id = s.article_id where a.url = 'https://cli.example.com/extracted'`,
    );
    expect(extracted[0]!.n).toBeGreaterThan(0);
    const refused = await query(
      sql`select url from articles where url in ('https://cli.example.com/bad-span', 'https://cli.example.com/no-date', 'ftp://cli.example.com/x')`,
    );
    expect(refused).toEqual([]);
  }, 300_000);

  it('--url: through a running service, by ingestArticle (the way in while it owns an embedded directory)', async () => {
    const database = await target.open();
    await database.migrate();
    const editor = await createToken(database.db, `cli-${Date.now()}`);
    const yoga = createApp({ db: database.db });
    const server = createServer(yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    try {
      const file = path.join(work, 'remote.jsonl');
      const good = { url: 'https://cli.example.com/remote', headline: 'Remote', source: 'Wire', publishedAt: '2024-07-04T09:00:00Z', body: ARTICLE_B };
      await writeFile(file, [JSON.stringify(good), JSON.stringify({ ...good, url: 'https://cli.example.com/empty', body: ' ' })].join('\n') + '\n');
      if (backendName === 'pglite') {
        // This test process owns the directory now: without --url the CLI is refused.
        const refused = await runCli([file]);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/is in use by another process \(pid \d+, .*\)\.\nSend the files through it instead: npm run ingest -- --url /);
      }
      const result = await runCli(['--url', url, '--token', editor.token, file]);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toMatch(/^ingested 1 of 2 inputs, 1 failed, in .*http:\/\/127\.0\.0\.1/m);
      expect(summaryCount(result.stdout, 'articles')).toBe('1 (1 created, 0 updated)');
      expect(summaryCount(result.stdout, 'people')).toMatch(/^\d+ \(new and matched not told apart through the API\)$/);
      expect(result.stdout).toMatch(/remote\.jsonl:2: .*body.*must not be empty/);
      const rows = rowsOf<{ n: number }>(
        await database.db.execute(
          sql`select count(*)::int as n from statements s join articles a on a.id = s.article_id where a.url = 'https://cli.example.com/remote'`,
        ),
      );
      expect(rows[0]!.n).toBeGreaterThan(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await database.close();
    }
  }, 300_000);
  it('an article not in English: stored without statements, its line says why', async () => {
    const folder = path.join(work, 'languages');
    await mkdir(folder, { recursive: true });
    await writeFile(
      path.join(folder, 'de.txt'),
      'URL: https://cli.example.com/de\n\n„Wir werden nicht aufgeben“, sagte die Ministerin nach der Sitzung. Die Opposition kritisierte den Plan, der zu teuer sei.\n',
    );
    const result = await runCli([folder]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^\[1\/1\] created .*de\.txt: 0 people \(0 new\), 0 statements \(0 new\), 0 events; warning: language de is not supported; no statements extracted$/m,
    );
    const stored = await query<{ n: number }>(sql`select count(*)::int as n from articles where url = 'https://cli.example.com/de'`);
    expect(stored[0]!.n).toBe(1);
  }, 120_000);

  it('without arguments: usage on stderr, exit code 2', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^usage: npm run ingest/);
  }, 120_000);
});
