// What each write logs in entity_changes (drizzle/0011, its triggers written out per table in 0012):
// a row's own entity and those its lists and counts hang from, before and after an update, once each.
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/index.js';
import { backendName, createTestDatabase } from './support/database.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.migrate();
});
afterAll(() => database?.drop());

const one = async <T>(query: SQL) => rowsOf<T>(await database.db.execute(query))[0]!;

let written: { id: number }[] = [];
/** The entities the statement logged, as `Type:id` in log order (its rows in `written`). */
async function logged(write: SQL): Promise<string[]> {
  const { last } = await one<{ last: number }>(sql`select coalesce(max(position), 0)::int as last from entity_changes`);
  written = rowsOf<{ id: number }>(await database.db.execute(write));
  const rows = rowsOf<{ entity: string }>(
    await database.db.execute(sql`select typename || ':' || entity_id as entity from entity_changes where position > ${last} order by position`),
  );
  return rows.map((row) => row.entity);
}

describe(`entity change log (${backendName})`, () => {
  it('logs each table row, its ends and both sides of an update, without nulls or repeats', async () => {
    const article = await one<{ id: number }>(sql`insert into articles (url, headline, source, published_at, body)
      values ('https://log.example.com/1', 'Log', 'RT', '2024-01-01', 'A body.') returning id`);
    const [ann, bob] = [
      await one<{ id: number }>(sql`insert into people (slug, name) values ('ann-log', 'Ann Log') returning id`),
      await one<{ id: number }>(sql`insert into people (slug, name) values ('bob-log', 'Bob Log') returning id`),
    ];
    const a = article.id;
    expect(await logged(sql`update articles set headline = 'Log 2' where id = ${a}`)).toEqual([`Article:${a}`]);

    // No event and no quotation: those are null and not logged.
    const inserted = await logged(
      sql`insert into statements (article_id, speaker_id, kind, text, said_at) values (${a}, ${ann.id}, 'PARAPHRASE', 'Words.', now()) returning id`,
    );
    const s = written[0]!.id;
    expect(inserted).toEqual([`Article:${a}`, `Person:${ann.id}`, `Statement:${s}`]);
    // Moved to another speaker: both speakers' pages change; the article and statement once each.
    expect(await logged(sql`update statements set speaker_id = ${bob.id} where id = ${s}`)).toEqual([
      `Article:${a}`,
      `Person:${ann.id}`,
      `Person:${bob.id}`,
      `Statement:${s}`,
    ]);
    expect(await logged(sql`insert into statement_mentions (statement_id, person_id) values (${s}, ${ann.id})`)).toEqual([
      `Person:${ann.id}`,
      `Statement:${s}`,
    ]);
    expect(await logged(sql`delete from article_people where article_id = ${a} and person_id = ${bob.id}`)).toEqual([]);
    expect(await logged(sql`insert into article_people (article_id, person_id) values (${a}, ${bob.id}) on conflict do nothing`)).toEqual([
      `Article:${a}`,
      `Person:${bob.id}`,
    ]);
    // Its mention goes with it (a cascade: a statement of its own, logged on its own).
    expect((await logged(sql`delete from statements where id = ${s}`)).sort()).toEqual(
      [`Article:${a}`, `Person:${bob.id}`, `Statement:${s}`, `Person:${ann.id}`, `Statement:${s}`].sort(),
    );
    expect(await logged(sql`insert into person_redirects (old_id, person_id) values (${ann.id}, ${bob.id})`)).toEqual([`Person:${ann.id}`, `Person:${bob.id}`]);
  });
});
