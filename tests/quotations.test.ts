// Quotations: one saying of one person, however many articles report it; kept by ingest and by
// the statement mutations, one quotation even when two reports arrive at once.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/index.js';
import { type IngestInput, type IngestStatement, ingestArticle } from '../src/ingest/index.js';
import { normalizeQuote } from '../src/ingest/quotations.js';
import { codeOf, globalId } from './support/app.js';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

let app: LiveTestApp;
beforeAll(async () => {
  app = await createLiveTestApp({ seed: false });
});
afterAll(() => app?.close());

let counter = 0;
/** An article as an API caller gives it: its people and statements spelled out. */
function report(source: string, publishedAt: string, statements: IngestStatement[]): IngestInput {
  return {
    url: `https://${source.toLowerCase()}.example.com/${backendName}/${Date.now()}-${++counter}`,
    headline: `${source} report`,
    source,
    publishedAt: new Date(publishedAt),
    body: statements.map((s) => `${s.speakerName} said: ${s.text}`).join('\n'),
    statements,
  };
}
const said = (speakerName: string, text: string, kind: IngestStatement['kind'] = 'DIRECT_QUOTE'): IngestStatement => ({ speakerName, text, kind });

const QUOTATION = `query($id: ID!) { node(id: $id) { ... on Statement { quotation { id text occurrenceCount firstReportedAt speaker { name }
  occurrences(first: 10) { totalCount edges { node { id article { source } } } } } } } }`;
const quotationOf = async (statementId: number) => {
  const result = await app.gql(QUOTATION, { id: globalId('Statement', statementId) });
  expect(result.errors).toBeUndefined();
  return result.data.node.quotation;
};

describe(`quotations (${backendName})`, () => {
  it('normalises case, punctuation, quote marks and spacing', () => {
    expect(normalizeQuote('“We will  build it,” — BELIEVE me!')).toBe(normalizeQuote('"we will build it" believe me'));
    expect(normalizeQuote('We will build it')).not.toBe(normalizeQuote('We will not build it'));
  });

  it('two outlets reporting one quote share one Quotation, with both reports as occurrences', async () => {
    const wire = await ingestArticle(app.db, report('Wire', '2016-02-01T10:00:00Z', [said('Nadia Petrov', 'The bridge will open in May.')]));
    const daily = await ingestArticle(app.db, report('Daily', '2016-02-03T10:00:00Z', [said('Nadia Petrov', '“the bridge will open in May”')]));
    const first = await quotationOf(wire.statementIds[0]!);
    const second = await quotationOf(daily.statementIds[0]!);
    expect(second.id).toBe(first.id);
    // The ID the API gives a quotation answers `node`, as every Node's does.
    const byId = await app.gql(`query($id: ID!) { node(id: $id) { __typename ... on Quotation { text } } }`, { id: first.id });
    expect(byId.errors).toBeUndefined();
    expect(byId.data.node).toEqual({ __typename: 'Quotation', text: 'The bridge will open in May.' });
    expect(second).toMatchObject({
      text: 'The bridge will open in May.',
      occurrenceCount: 2,
      firstReportedAt: '2016-02-01T10:00:00.000Z',
      speaker: { name: 'Nadia Petrov' },
    });
    expect(second.occurrences.totalCount).toBe(2);
    expect(second.occurrences.edges.map((e: any) => e.node.article.source)).toEqual(['Daily', 'Wire']); // newest first

    const list = await app.gql(`query($speaker: ID!) { quotations(filter: { speakerId: $speaker, minOccurrences: 2 }) { edges { node { id } } } }`, {
      speaker: globalId('Person', wire.personIds[0]!),
    });
    expect(list.errors).toBeUndefined();
    expect(list.data.quotations.edges).toEqual([{ node: { id: first.id } }]);
    const search = await app.gql(`{ quotations(filter: { search: "bridge", reportedAfter: "2016-01-01T00:00:00Z" }) { edges { node { id } } } }`);
    expect(search.data.quotations.edges).toEqual([{ node: { id: first.id } }]);
    const later = await app.gql(`{ quotations(filter: { search: "bridge", reportedAfter: "2016-02-02T00:00:00Z" }) { edges { node { id } } } }`);
    expect(later.data.quotations.edges).toEqual([]);
    const bad = await app.gql(`{ quotations(filter: { minOccurrences: 0 }) { edges { node { id } } } }`);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  });

  it('other speakers, other words and paraphrases are not the same quotation', async () => {
    const a = await ingestArticle(
      app.db,
      report('Wire', '2016-03-01T00:00:00Z', [said('Omar Haddad', 'Taxes must fall.'), said('Lena Fischer', 'Taxes must fall.')]),
    );
    const b = await ingestArticle(
      app.db,
      report('Daily', '2016-03-02T00:00:00Z', [said('Omar Haddad', 'Taxes must fall soon.'), said('Omar Haddad', 'Taxes must fall.', 'PARAPHRASE')]),
    );
    const [omar, lena] = [await quotationOf(a.statementIds[0]!), await quotationOf(a.statementIds[1]!)];
    expect(omar.id).not.toBe(lena.id);
    expect((await quotationOf(b.statementIds[0]!)).id).not.toBe(omar.id);
    expect(await quotationOf(b.statementIds[1]!)).toBeNull();
  });

  it('a partial quote of a longer one joins it; a fragment of a few words, or of too small a part, does not', async () => {
    const full = await ingestArticle(
      app.db,
      report('Wire', '2016-03-05T00:00:00Z', [said('Selma Quist', 'We will rebuild the harbour before the winter storms arrive.')]),
    );
    const later = await ingestArticle(
      app.db,
      report('Daily', '2016-03-06T00:00:00Z', [
        said('Selma Quist', '“rebuild the harbour before the winter storms”', 'PARTIAL_QUOTE'),
        said('Selma Quist', 'the harbour', 'PARTIAL_QUOTE'),
      ]),
    );
    const whole = await quotationOf(full.statementIds[0]!);
    expect(await quotationOf(later.statementIds[0]!)).toMatchObject({
      id: whole.id,
      occurrenceCount: 2,
      text: 'We will rebuild the harbour before the winter storms arrive.',
    });
    expect((await quotationOf(later.statementIds[1]!)).id).not.toBe(whole.id);
    // The longer saying reported after a part of it joins the part's quotation too.
    const part = await ingestArticle(app.db, report('Wire', '2016-03-07T00:00:00Z', [said('Selma Quist', 'Ferries will run every hour in summer')]));
    const longer = await ingestArticle(
      app.db,
      report('Daily', '2016-03-08T00:00:00Z', [said('Selma Quist', 'Ferries will run every hour in summer, she said.')]),
    );
    expect((await quotationOf(longer.statementIds[0]!)).id).toBe((await quotationOf(part.statementIds[0]!)).id);
  });

  it('concurrent ingests of two reports of one quotation give one quotation', async () => {
    const results = await Promise.all(
      ['One', 'Two', 'Three', 'Four'].map((source) =>
        ingestArticle(app.db, report(source, '2016-04-01T00:00:00Z', [said('Iris Novak', 'Nobody saw it coming.')])),
      ),
    );
    const ids = new Set(await Promise.all(results.map(async (r) => (await quotationOf(r.statementIds[0]!)).id)));
    expect(ids.size).toBe(1);
    expect((await quotationOf(results[0]!.statementIds[0]!)).occurrenceCount).toBe(4);
  });

  it('reassigning, rewording and deleting statements keep quotations right; an unreported one goes', async () => {
    const a = await ingestArticle(app.db, report('Wire', '2016-05-01T00:00:00Z', [said('Tomas Berg', 'We are ready.')]));
    const b = await ingestArticle(app.db, report('Daily', '2016-05-02T00:00:00Z', [said('Tomas Berg', 'We are ready.'), said('Ruth Adeyemi', 'Not yet.')]));
    const shared = await quotationOf(a.statementIds[0]!);
    expect(shared.occurrenceCount).toBe(2);
    const ruth = b.personIds.find((id) => id !== a.personIds[0])!;
    // The second report was Ruth's after all: it leaves Tomas's quotation for one of hers.
    const UPDATE = `mutation($input: UpdateStatementInput!) { updateStatement(input: $input) { statement { speakerConfidence quotation { id occurrenceCount speaker { name } } } } }`;
    const moved = await app.gql(UPDATE, { input: { id: globalId('Statement', b.statementIds[0]!), speakerId: globalId('Person', ruth) } });
    expect(moved.errors).toBeUndefined();
    expect(moved.data.updateStatement.statement).toMatchObject({
      speakerConfidence: null,
      quotation: { occurrenceCount: 1, speaker: { name: 'Ruth Adeyemi' } },
    });
    expect((await quotationOf(a.statementIds[0]!)).occurrenceCount).toBe(1);
    // New words: the statement reports another quotation; the old one, unreported, is gone.
    const reworded = await app.gql(UPDATE, { input: { id: globalId('Statement', a.statementIds[0]!), text: 'We are not ready.' } });
    expect(reworded.data.updateStatement.statement.quotation.id).not.toBe(shared.id);
    const gone = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: shared.id });
    expect(gone.data.node).toBeNull();
    const deleted = await app.gql(`mutation($input: DeleteStatementInput!) { deleteStatement(input: $input) { deletedId } }`, {
      input: { id: globalId('Statement', a.statementIds[0]!) },
    });
    expect(deleted.errors).toBeUndefined();
    const left = rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from quotations where text = 'We are not ready.'`));
    expect(Number(left[0]!.n)).toBe(0);
  });

  it("createStatement joins the quotation of the same words; mergePeople joins two speakers' quotations", async () => {
    const a = await ingestArticle(app.db, report('Wire', '2016-06-01T00:00:00Z', [said('Pia Lund', 'Rates go up.')]));
    const b = await ingestArticle(app.db, report('Daily', '2016-06-02T00:00:00Z', [said('Pia Lundqvist', 'Rates go up!')]));
    const CREATE = `mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { quotation { id occurrenceCount } } } }`;
    const created = await app.gql(CREATE, {
      input: { articleId: globalId('Article', b.articleId), text: 'RATES go up', kind: 'DIRECT_QUOTE', speakerId: globalId('Person', a.personIds[0]!) },
    });
    expect(created.errors).toBeUndefined();
    const first = await quotationOf(a.statementIds[0]!);
    expect(created.data.createStatement.statement.quotation).toEqual({ id: first.id, occurrenceCount: 2 });
    const merged = await app.gql(`mutation($input: MergePeopleInput!) { mergePeople(input: $input) { person { name } } }`, {
      input: { sourceId: globalId('Person', b.personIds[0]!), targetId: globalId('Person', a.personIds[0]!) },
    });
    expect(merged.errors).toBeUndefined();
    const joined = await quotationOf(b.statementIds[0]!);
    expect(joined).toMatchObject({ id: first.id, occurrenceCount: 3, speaker: { name: 'Pia Lund' } });
  });
});
