// Which path answered a read is visible: the request's log line says `readPath`, and
// newsgraph_reads_total{path} counts them. A database error inside compiled SQL is that request's
// answer (masked, coded, logged once); the query is never run a second time through the executor.
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { newsgraphQueries } from '../bench/workloads/queries.js';
import { createMetrics } from '../src/plugins/metrics.js';
import { type TestApp, createTestApp, globalId, readsByPath } from './support/app.js';
import { logCapture } from './support/logs.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const requestLines = (lines: any[]) => lines.filter((line) => line.msg === 'request' && line.path === '/graphql');

describe('read paths', () => {
  it('the log line and the metric say which path answered each query', async () => {
    const { lines, logger } = logCapture();
    app = await createTestApp({ logger, metrics: createMetrics() });
    expect(await readsByPath(app)).toEqual({ compiled: 0, executor: 0 });

    const article = await app.gql(newsgraphQueries.W1, { id: globalId('Article', 1) });
    expect(article.errors).toBeUndefined();
    // `nodes` is executor-only.
    const nodes = await app.gql('{ nodes(ids: ["UGVyc29uOjE"]) { id } }');
    expect(nodes.errors).toBeUndefined();
    // A mutation is no read.
    await app.gql('mutation { createPerson(input: { name: "Nobody Here" }) { person { id } } }');

    expect(await readsByPath(app)).toEqual({ compiled: 1, executor: 1 });
    expect(requestLines(lines).map((line) => line.readPath)).toEqual(['compiled', 'executor', undefined]);
  });

  it('with COMPILED_READS off every query is the executor', async () => {
    const { lines, logger } = logCapture();
    app = await createTestApp({ logger, metrics: createMetrics(), hardening: { compiledReads: false } });
    await app.gql(newsgraphQueries.W1, { id: globalId('Article', 1) });
    expect(await readsByPath(app)).toEqual({ compiled: 0, executor: 1 });
    expect(requestLines(lines).map((line) => line.readPath)).toEqual(['executor']);
  });

  it('a database error in compiled SQL is answered once, masked and coded, never re-run', async () => {
    const { lines, logger } = logCapture();
    app = await createTestApp({ logger, metrics: createMetrics() });
    // Both paths would now fail on the missing column: only the compiled statement may run.
    await app.db.execute(sql.raw('alter table articles rename column headline to headline_gone'));
    const { result, statements } = await app.countStatements(newsgraphQueries.W1, { id: globalId('Article', 1) });

    expect(result.status).toBe(200);
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.path).toEqual(['node']);
    expect(result.errors![0]!.message).toBe('Unexpected error.');
    expect(result.errors![0]!.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(result)).not.toMatch(/headline_gone|stack|at \w+ \(/);
    expect(statements).toBe(1);
    expect(await readsByPath(app)).toEqual({ compiled: 1, executor: 0 });

    const causes = lines.filter((line) => line.msg === 'unexpected error (masked)');
    expect(causes).toHaveLength(1);
    expect(causes[0].err.message).toMatch(/headline/);
    expect(causes[0].requestId).toBe(result.errors![0]!.extensions?.requestId);
    expect(requestLines(lines).map((line) => line.readPath)).toEqual(['compiled']);
  });
});
