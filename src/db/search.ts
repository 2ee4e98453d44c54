import { type SQL, sql } from 'drizzle-orm';
import { type Ordering, type Page, keysetCondition, orderByClause } from '../pagination.js';
import { statementSearchTiers as tiers, statements } from './schema.js';

/**
 * The ids of one page of a ranked statement search (`ordering` is statementsByRank over `query`),
 * found without ranking every match: a condition for the page's query, which still filters, ranks
 * and orders the rows it lets through.
 *
 * A one-word search's matches rank either above the lowest a match can have, and are then listed
 * with their rank in statement_search_tiers, or exactly the lowest (one plain occurrence), and
 * are then in id order. So the page is the best tier rows after the cursor, then as many of the
 * lowest-ranked matches as are still missing, newest first: both read in index order. (A
 * backward page reads the same the other way round.) Any other search is ranked in full, as
 * before.
 */
export function rankedSearchPage(query: SQL, ordering: Ordering, page: Page): SQL {
  const limit = sql.raw(String(page.limit + 1));
  const cursor = page.cursor && { rank: sql`${page.cursor[0]}::real`, id: sql`${page.cursor[1]}::int` };
  const [after, direction] = page.backward ? [sql`>`, sql`asc nulls first`] : [sql`<`, sql`desc nulls last`];
  const word = sql`(tsvector_to_array((${query})::text::tsvector))[1]`;
  const tierRows = sql`select ${tiers.statementId} as id from ${tiers} where ${tiers.lexeme} = ${word}
    ${cursor ? sql`and (${tiers.rank}, ${tiers.statementId}) ${after} (${cursor.rank}, ${cursor.id})` : sql``}
    order by ${tiers.rank} ${direction}, ${tiers.statementId} ${direction}`;
  const lowestRows = sql`select ${statements.id} as id from ${statements}
    where ${statements.search} @@ ${query} and ts_rank(${statements.search}, ${query}) <= search_lowest_rank()
    ${cursor ? sql`and (search_lowest_rank(), ${statements.id}) ${after} (${cursor.rank}, ${cursor.id})` : sql``}
    order by ${statements.id} ${direction}`;
  // Read in page order: the higher tiers first going forward, the lowest first going backward.
  const [first, then] = page.backward ? [lowestRows, tierRows] : [tierRows, lowestRows];
  const oneWord = sql`array(with first as materialized (${first} limit ${limit})
    select id from first union all (${then} limit ${limit} - (select count(*) from first)))`;
  const keyset = keysetCondition(ordering, page);
  const ranked = sql`array(select ${statements.id} from ${statements} where ${statements.search} @@ ${query}
    ${keyset ? sql`and ${keyset}` : sql``} order by ${sql.join(orderByClause(ordering, page), sql`, `)} limit ${limit})`;
  return sql`${statements.id} = any(case when numnode(${query}) = 1 then ${oneWord} else ${ranked} end)`;
}
