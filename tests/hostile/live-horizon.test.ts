// Issue #19 §5: live delivery waited for every transaction on the server, other databases'
// included (`pg_snapshot_xmin` spans the server): one idle-in-transaction session of another
// application held back every subscriber. The horizon is now this database's own transactions.
// Only on PostgreSQL: PGlite is one database with one connection.
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName } from '../support/database.js';
import { type LiveTestApp, createLiveTestApp } from '../support/live.js';

const serverUrl = process.env.TEST_DATABASE_URL;
const SUBSCRIPTION = `subscription { statementAdded { statement { text } } }`;

describe.runIf(serverUrl)(`live delivery and long transactions (${backendName})`, () => {
  let app: LiveTestApp;
  let articleId: string;
  let otherDatabase: postgres.Sql;

  beforeAll(async () => {
    app = await createLiveTestApp();
    const { data } = await app.gql(`{ articles(first: 1) { edges { node { id } } } }`);
    articleId = data.articles.edges[0].node.id;
    // The server's own maintenance database: another application, as far as this one knows.
    otherDatabase = postgres(serverUrl!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await otherDatabase?.end();
    await app?.close();
  });

  const addStatement = async (text: string) => {
    const result = await app.gql(`mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }`, {
      input: { articleId, text, kind: 'PARAPHRASE', speakerLabel: 'a source' },
    });
    expect(result.errors).toBeUndefined();
  };

  /** A transaction with an id, held open until `release` is called. */
  async function holdTransaction(run: (work: (tx: { xid: () => Promise<unknown> }) => Promise<void>) => Promise<unknown>) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const begun = new Promise<void>((resolve) => (started = resolve));
    const done = run(async (tx) => {
      await tx.xid();
      started();
      await released;
    });
    await begun;
    return async () => {
      release();
      await done;
    };
  }

  it('delivers while another database holds a transaction open', async () => {
    const subscription = await app.subscribe(SUBSCRIPTION);
    const end = await holdTransaction((work) => otherDatabase.begin((tx) => work({ xid: () => tx`select pg_current_xact_id()` })));
    try {
      const text = `despite another database ${Math.random()}`;
      await addStatement(text);
      // Before: held until the other database's transaction ended (here: never, within the wait).
      const event = await subscription.next(10_000);
      expect(event.data.statementAdded.statement.text).toBe(text);
    } finally {
      await end();
      await subscription.close();
    }
  }, 30_000);

  it("still waits for this database's own older transaction, then delivers in order", async () => {
    const subscription = await app.subscribe(SUBSCRIPTION);
    const end = await holdTransaction((work) => app.db.transaction((tx) => work({ xid: () => tx.execute(sql`select pg_current_xact_id()`) })));
    const text = `after an older transaction here ${Math.random()}`;
    try {
      await addStatement(text);
      await app.live.refresh();
      // The older transaction may still commit a statement before this one: nothing is delivered yet.
      expect(await subscription.nothingWithin(1_500)).toBe(true);
    } finally {
      await end();
    }
    await app.live.refresh();
    const event = await subscription.next(10_000);
    expect(event.data.statementAdded.statement.text).toBe(text);
    await subscription.close();
  }, 30_000);
});
