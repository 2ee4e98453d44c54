import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersistedDocumentsError, loadPersistedDocuments } from '../../src/plugins/persisted.js';
import { schema } from '../../src/schema/index.js';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';

const PEOPLE = 'query People($n: Int) { people(first: $n) { edges { node { name } } } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'newsgraph-persisted-'));
// The shape graphql-codegen's client preset and Relay's compiler write: id -> document text.
const manifestFile = join(dir, 'persisted-documents.json');
writeFileSync(manifestFile, JSON.stringify({ [sha256(PEOPLE)]: PEOPLE, 'relay-people-1': PEOPLE }));

let apq: TestApp;
let only: TestApp;
beforeAll(async () => {
  [apq, only] = await Promise.all([
    createTestApp({ frontend: { persistedDocuments: 'apq' } }),
    createTestApp({ frontend: { persistedDocuments: 'only', persistedDocumentsFile: manifestFile } }),
  ]);
});
afterAll(async () => {
  await Promise.all([apq?.close(), only?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const get = (app: TestApp, params: Record<string, unknown>) => {
  const search = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  return app.yoga.fetch(`http://newsgraph.test/graphql?${search}`, { headers: { accept: 'application/graphql-response+json' } });
};

describe(`automatic persisted queries (${backendName})`, () => {
  it('a hash alone is PERSISTED_QUERY_NOT_FOUND, then hash + document registers it, then the hash alone runs it', async () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(PEOPLE) } };
    const first = await get(apq, { extensions, variables: { n: 2 } });
    const missed = await first.json();
    expect(missed.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(missed.errors[0].message).toBe('PersistedQueryNotFound'); // the text Apollo Client looks for
    const registered = await apq.request({ query: PEOPLE, variables: { n: 2 }, extensions });
    expect(registered.status).toBe(200);
    const full = await registered.json();
    expect(full.data.people.edges).toHaveLength(2);
    const byHash = await get(apq, { extensions, variables: { n: 2 } });
    expect(byHash.status).toBe(200);
    expect(await byHash.json()).toEqual(full);
  });

  it("a hash that is not the document's SHA-256 is refused, and registers nothing", async () => {
    const wrong = sha256('query Other { people { totalCount } }');
    const response = await apq.request({ query: PEOPLE, extensions: { persistedQuery: { version: 1, sha256Hash: wrong } } });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    const after = await (await get(apq, { extensions: { persistedQuery: { version: 1, sha256Hash: wrong } } })).json();
    expect(after.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('arbitrary documents still run in apq mode', async () => {
    const result = await apq.gql('{ people(first: 1) { totalCount } }');
    expect(result.errors).toBeUndefined();
    expect(result.data.people.totalCount).toBeGreaterThan(1);
  });
});

describe(`trusted documents only (${backendName})`, () => {
  it('runs a manifest document by id over GET (documentId, doc_id, APQ hash) and POST, all alike', async () => {
    const byId = await get(only, { documentId: 'relay-people-1', variables: { n: 3 } });
    expect(byId.status).toBe(200);
    const body = await byId.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.people.edges).toHaveLength(3);
    const byDocId = await (await get(only, { doc_id: 'relay-people-1', variables: { n: 3 } })).json();
    const byHash = await (await get(only, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(PEOPLE) } }, variables: { n: 3 } })).json();
    const byPost = await (await only.request({ documentId: sha256(PEOPLE), variables: { n: 3 } })).json();
    expect(byDocId).toEqual(body);
    expect(byHash).toEqual(body);
    expect(byPost).toEqual(body);
  });

  it('refuses an arbitrary document with a coded 400, and an unknown id with PERSISTED_QUERY_NOT_FOUND', async () => {
    const arbitrary = await only.request({ query: PEOPLE, variables: { n: 1 } });
    expect(arbitrary.status).toBe(400);
    const refused = await arbitrary.json();
    expect(refused.data).toBeUndefined();
    expect(refused.errors[0].extensions.code).toBe('PERSISTED_QUERY_ONLY');
    expect(refused.errors[0].message).toMatch(/only persisted documents/);
    const unknown = await get(only, { documentId: 'no-such-document' });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const none = await only.request({ variables: {} });
    expect(none.status).toBe(400);
    expect((await none.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
  });

  it('a persisted document is a compiled read: one SQL statement, compiled once per id', async () => {
    for (const n of [2, 4]) {
      const before = only.sqlLog.length;
      const response = await get(only, { documentId: 'relay-people-1', variables: { n } });
      expect((await response.json()).data.people.edges).toHaveLength(n);
      const sql = only.sqlLog.slice(before);
      expect(sql).toHaveLength(1);
      expect(sql[0]).toMatch(/json_build_object/);
    }
  });
});

describe('the manifest is checked at start-up', () => {
  it('a document that does not fit the schema, or a file that is not a map, stops the start with its name', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ stale: '{ people { nosuchfield } }' }));
    expect(() => loadPersistedDocuments(bad, schema)).toThrow(PersistedDocumentsError);
    expect(() => loadPersistedDocuments(bad, schema)).toThrow(/"stale" does not fit the schema/);
    writeFileSync(bad, '["not", "a", "map"]');
    expect(() => loadPersistedDocuments(bad, schema)).toThrow(/JSON object of document id -> document text/);
    expect(() => loadPersistedDocuments(join(dir, 'missing.json'), schema)).toThrow(/cannot be read/);
  });
});
