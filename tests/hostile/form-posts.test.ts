// Issue #19 §2: a web page can make its visitors' browsers POST forms anywhere, without a CORS
// pre-flight. GraphQL over HTTP allows only JSON for POST, so form content types are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';
import { expectRefused, outcome, tableCounts } from './support.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const post = async (contentType: string, body: BodyInit) =>
  outcome(await app.yoga.fetch('http://newsgraph.test/graphql', { method: 'POST', headers: { 'content-type': contentType }, body }));

describe(`form posts (${backendName})`, () => {
  it.each([
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    ['with a charset', 'application/x-www-form-urlencoded; charset=UTF-8'],
    ['in capitals', 'Application/X-WWW-Form-URLEncoded'],
  ])('refuses a url-encoded form (%s) with 415 and runs nothing', async (_name, contentType) => {
    const before = await tableCounts(app.db);
    const result = await post(contentType, new URLSearchParams({ query: 'mutation { deletePerson(input: { id: "x" }) { deletedId } }' }).toString());
    expectRefused(result, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const read = await post(contentType, new URLSearchParams({ query: '{ people { totalCount } }' }).toString());
    expectRefused(read, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(read.body.data).toBeUndefined();
    expect(await tableCounts(app.db)).toEqual(before);
  });

  it('refuses a multipart form with 415 and a coded error', async () => {
    const form = new FormData();
    form.set('query', '{ people { totalCount } }');
    const request = new Request('http://x', { method: 'POST', body: form });
    const result = await post(request.headers.get('content-type')!, await request.text());
    expectRefused(result, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('still answers JSON posts and GET queries', async () => {
    const json = await post('application/json', JSON.stringify({ query: '{ people { totalCount } }' }));
    expect(json.status).toBe(200);
    expect(json.body.data.people.totalCount).toBeGreaterThan(0);
    const get = await outcome(await app.yoga.fetch(`http://newsgraph.test/graphql?query=${encodeURIComponent('{ __typename }')}`));
    expect(get.body.data.__typename).toBe('Query');
  });
});
