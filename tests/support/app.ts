import { seedArticles } from '../../seeds/index.js';
import { type AppDeps, createApp } from '../../src/app.js';
import { seedAll } from '../../src/db/seed.js';
import { createTestDatabase } from './database.js';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [k: string]: unknown } }[];
}

/** The seeded service behind `yoga.fetch`, with a count of the SQL statements it issues. */
export async function createTestApp(deps: Partial<Omit<AppDeps, 'db'>> = {}) {
  const sqlLog: string[] = [];
  const sqlParams: unknown[][] = [];
  const database = await createTestDatabase((query, params) => {
    sqlLog.push(query);
    sqlParams.push(params);
  });
  await database.migrate();
  await seedAll(database.db, seedArticles);
  const yoga = createApp({ db: database.db, ...deps });

  async function request(body: unknown, init: { method?: string; headers?: Record<string, string> } = {}) {
    return yoga.fetch('http://newsgraph.test/graphql', {
      method: init.method ?? 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...init.headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** Runs a GraphQL operation over HTTP and returns the parsed response. */
  async function gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
    const response = await request({ query, variables });
    return { status: response.status, ...((await response.json()) as object) };
  }

  /** Runs an operation and returns how many SQL statements it issued. */
  async function countStatements(query: string, variables?: Record<string, unknown>) {
    const before = sqlLog.length;
    const result = await gql(query, variables);
    return { result, statements: sqlLog.length - before, sql: sqlLog.slice(before), params: sqlParams.slice(before) };
  }

  return { yoga, database, db: database.db, gql, request, countStatements, sqlLog, close: () => database.drop() };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** Global IDs are opaque to clients, but tests may build them to probe the error paths. */
export const globalId = (type: string, id: number | string) => Buffer.from(`${type}:${id}`).toString('base64url');

/** The first error's code and blamed field, as clients read them. */
export const codeOf = (result: Pick<GraphQLResponse, 'errors'>) => result.errors?.[0]?.extensions?.code;
export const fieldOf = (result: Pick<GraphQLResponse, 'errors'>) => result.errors?.[0]?.extensions?.field;

/** newsgraph_reads_total by path, from the app's /metrics: which path answered how many reads. */
export async function readsByPath(app: Pick<TestApp, 'yoga'>) {
  const text = await (await app.yoga.fetch('http://newsgraph.test/metrics')).text();
  const count = (path: string) => Number(new RegExp(`^newsgraph_reads_total\\{path="${path}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { compiled: count('compiled'), executor: count('executor') };
}
