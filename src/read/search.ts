import { type SQL, sql } from 'drizzle-orm';
import { type Ordering, type Page, keysetCondition, orderByClause } from './pagination.js';
import { statementSearchTiers as tiers, statements } from '../db/schema.js';

/** How many of the newest statements (from the cursor on) a page first looks through by id. */
const RECENT_WINDOW = 10_000;

/**
 * The ids of one page of a ranked statement search (`ordering` is statementsByRank over `query`),
 * found without ranking every match: a condition for the page's query, which still filters, ranks
 * and orders the rows it lets through, so a few ids too many change nothing.
 *
 * A one-word search's matches rank either above the lowest a match can have, and are then listed
 * with their rank in statement_search_tiers (drizzle/0005), or exactly the lowest (one plain
 * occurrence), and are then in id order. So a page is the best tier rows after the cursor, then as
 * many of the lowest-ranked matches as are still missing, newest first. (A backward page reads the
 * same the other way round.) Any other search is ranked in full.
 *
 * Every part's cost is bounded whichever plan PostgreSQL picks, including the generic plan of a
 * prepared statement, which knows nothing of the word: the tiers are an index range; the lowest
 * matches are looked for among the RECENT_WINDOW statements from the cursor on (walking the id
 * index, or the word's matches for a rare word), and only if those hold too few, among all of the
 * word's matches (then few: fewer than a page per window), in an order no index gives, so that no
 * plan walks the whole table for a word that has not been used for years.
 */
export function rankedSearchPage(query: SQL, ordering: Ordering, page: Page): SQL {
  const limit = sql.raw(String(page.limit + 1));
  const cursor = page.cursor && { rank: sql`${page.cursor[0]}::real`, id: sql`${page.cursor[1]}::int` };
  // Each in the order of its index: the tiers' (DESC NULLS LAST) and the primary key's (ASC).
  const [after, tierDirection, idDirection] = page.backward ? [sql`>`, sql`asc nulls first`, sql`asc`] : [sql`<`, sql`desc nulls last`, sql`desc`];

  const word = sql`(tsvector_to_array((${query})::text::tsvector))[1]`;
  const tierRows = sql`select ${tiers.statementId} as id from ${tiers} where ${tiers.lexeme} = ${word}
    ${cursor ? sql`and (${tiers.rank}, ${tiers.statementId}) ${after} (${cursor.rank}, ${cursor.id})` : sql``}
    order by ${tiers.rank} ${tierDirection}, ${tiers.statementId} ${tierDirection} limit ${limit}`;

  const lowest = sql`${statements.search} @@ ${query} and ts_rank(${statements.search}, ${query}) <= search_lowest_rank()
    ${cursor ? sql`and (search_lowest_rank(), ${statements.id}) ${after} (${cursor.rank}, ${cursor.id})` : sql``}`;
  const edge = page.backward ? sql`(select min(${statements.id}) - 1 from ${statements})` : sql`(select max(${statements.id}) + 1 from ${statements})`;
  const start = cursor ? sql`coalesce(case when ${cursor.rank} = search_lowest_rank() then ${cursor.id} end, ${edge})` : edge;
  const window = sql.raw(String(RECENT_WINDOW));
  const inWindow = page.backward ? sql`${statements.id} < ${start} + ${window}` : sql`${statements.id} > ${start} - ${window}`;
  const lowestRows = sql`with recent as materialized (select ${statements.id} as id from ${statements}
      where ${lowest} and ${inWindow} order by ${statements.id} ${idDirection} limit ${limit})
    select id from recent
    union all
    select id from (select ${statements.id} as id from ${statements} where ${lowest}
      order by ${statements.id} + 0 ${idDirection} limit ${limit}) older
    where (select count(*) from recent) < ${limit}`;

  // Read in page order: the higher tiers first going forward, the lowest first going backward;
  // the second part only when the first leaves the page short (counted without the lowest part's
  // repeats: its recent rows may be among the older ones too).
  const [first, then] = page.backward ? [lowestRows, tierRows] : [tierRows, lowestRows];
  const oneWord = sql`array(with first as materialized (select id from (${first}) f)
    select id from first union all select id from (${then}) rest where (select count(distinct id) from first) < ${limit})`;

  const keyset = keysetCondition(ordering, page);
  const ranked = sql`array(select ${statements.id} from ${statements} where ${statements.search} @@ ${query}
    ${keyset ? sql`and ${keyset}` : sql``} order by ${sql.join(orderByClause(ordering, page), sql`, `)} limit ${limit})`;
  return sql`${statements.id} = any(case when numnode(${query}) = 1 then ${oneWord} else ${ranked} end)`;
}
