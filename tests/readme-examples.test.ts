import { readFileSync, readdirSync } from 'node:fs';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const readme = read('README.md');

/** Every ```graphql block of the README, in order. */
const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);

const operationOf = (source: string) => parse(source).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!.operation;

/** The lists an example's answer is made of: each root field's own lists (or edges) must be non-empty. */
function emptyLists(data: Record<string, unknown>): string[] {
  const empty: string[] = [];
  for (const [field, value] of Object.entries(data)) {
    if (value === null || value === undefined) empty.push(field);
    else if (Array.isArray(value)) {
      if (value.length === 0) empty.push(field);
    } else if (typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) if (Array.isArray(inner) && inner.length === 0) empty.push(`${field}.${key}`);
    }
  }
  return empty;
}

describe('the README examples', () => {
  let app: LiveTestApp;
  beforeAll(async () => {
    app = await createLiveTestApp();
  });
  afterAll(async () => app.close());

  it('has queries, a mutation and a subscription', () => {
    expect(examples.map(operationOf)).toEqual(expect.arrayContaining(['query', 'mutation', 'subscription']));
  });

  it('answers every example without errors and with results, on the seed', async () => {
    // Subscriptions open first, so the README's writes are what they receive.
    const subscriptions = await Promise.all(examples.filter((source) => operationOf(source) === 'subscription').map((source) => app.subscribe(source)));
    const failures: string[] = [];
    for (const source of examples.filter((example) => operationOf(example) !== 'subscription')) {
      const result = await app.gql(source);
      const empty = result.data ? emptyLists(result.data) : ['data'];
      if (result.errors || empty.length > 0)
        failures.push(`${source.split('\n').slice(0, 3).join(' ')}\n  errors: ${JSON.stringify(result.errors)}\n  empty: ${empty.join(', ')}`);
    }
    for (const subscription of subscriptions) {
      expect(subscription.status).toBe(200);
      const event = await subscription.next();
      if (event.errors || !event.data?.statementAdded?.statement?.text) failures.push(`subscription: ${JSON.stringify(event)}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('the README documents', () => {
  it('every npm script', () => {
    const scripts = Object.keys(JSON.parse(read('package.json')).scripts as Record<string, string>).filter((name) => !/^(pre|post)/.test(name));
    const undocumented = scripts.filter((name) => !readme.includes(name === 'start' || name === 'test' ? `npm ${name}` : `npm run ${name}`));
    expect(undocumented).toEqual([]);
  });

  it('every environment variable the service and its scripts read', () => {
    const sources = [
      'src/config.ts',
      'src/plugins/settings.ts',
      'src/plugins/frontend.ts',
      ...readdirSync(new URL('../scripts', import.meta.url), { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `scripts/${entry.name}`),
    ].map(read);
    const names = new Set<string>();
    for (const source of sources) {
      for (const match of source.matchAll(/^\s+([A-Z][A-Z0-9_]+): /gm)) names.add(match[1]!);
      for (const match of source.matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)) names.add(match[1]!);
    }
    expect(names.size).toBeGreaterThan(20);
    expect([...names].filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
