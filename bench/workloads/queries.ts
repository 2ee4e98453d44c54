// The read workloads' query texts, one per system. Imported by the bench and by
// tests/bench-queries.test.ts (which guards Newsgraph's SQL statements per request), so this module
// must depend on nothing but Node.
//
// The corpus numbers people in name order and events in start-date order, so orderings the peer can
// only express on link-table columns (person_id, event_id) return exactly the rows Newsgraph returns.

export type ReadWorkload = 'W1' | 'W2' | 'W3' | 'W4';
export const READ_WORKLOADS: ReadWorkload[] = ['W1', 'W2', 'W3', 'W4'];

export const WORKLOAD_TITLES: Record<ReadWorkload | 'W5' | 'W6', string> = {
  W1: 'article page',
  W2: 'person page',
  W3: 'front page',
  W4: 'full-text search',
  W5: 'createStatement (writes)',
  W6: 'statementAdded fan-out',
};

/** Newsgraph's Relay API. */
export const newsgraphQueries: Record<ReadWorkload, string> = {
  // Article by id: statements with speakers, people, events with participants.
  W1: /* GraphQL */ `query W1($id: ID!) {
  node(id: $id) {
    ... on Article {
      id headline source publishedAt
      statements(first: 100) { edges { node { id kind text span { start end } speaker { id name } } } }
      people(first: 50) { edges { node { id name } } }
      events(first: 20) { edges { node { id name startDate
        participants(first: 20) { edges { role node { id name } } } } } }
    }
  }
}`,
  // Person by id: 20 newest statements with their articles, events with co-participants.
  W2: /* GraphQL */ `query W2($id: ID!) {
  node(id: $id) {
    ... on Person {
      id name description
      statements(first: 20) { edges { node { id text saidAt article { id headline } } } }
      events(first: 10) { edges { role node { id name startDate
        participants(first: 20) { edges { role node { id name } } } } } }
    }
  }
}`,
  // 20 newest articles, each with 5 people and 3 statements.
  W3: /* GraphQL */ `query W3 {
  articles(first: 20) {
    edges { node {
      id headline source publishedAt
      people(first: 5) { edges { node { id name } } }
      statements(first: 3) { edges { node { id text speaker { id name } } } }
    } }
  }
}`,
  // Full-text search, best match first, with speakers.
  W4: /* GraphQL */ `query W4($q: String!) {
  statements(first: 10, filter: { search: $q }) {
    edges { node { id text speaker { id name } } }
  }
}`,
};

/** The same data through PostGraphile v5's generated schema (amber preset). */
export const postgraphileQueries: Record<ReadWorkload, string> = {
  W1: /* GraphQL */ `query W1($id: Int!) {
  articleByRowId(rowId: $id) {
    rowId headline source publishedAt
    statementsByArticleId(first: 100, orderBy: ROW_ID_ASC) { nodes { rowId kind text spanStart spanEnd personBySpeakerId { rowId name } } }
    articlePeopleByArticleId(first: 50, orderBy: PERSON_ID_ASC) { nodes { personByPersonId { rowId name } } }
    articleEventsByArticleId(first: 20, orderBy: EVENT_ID_DESC) { nodes { eventByEventId { rowId name startDate
      eventParticipantsByEventId(first: 20, orderBy: PERSON_ID_ASC) { nodes { role personByPersonId { rowId name } } } } } }
  }
}`,
  W2: /* GraphQL */ `query W2($id: Int!) {
  personByRowId(rowId: $id) {
    rowId name description
    statementsBySpeakerId(first: 20, orderBy: [SAID_AT_DESC, ROW_ID_DESC]) { nodes { rowId text saidAt articleByArticleId { rowId headline } } }
    eventParticipantsByPersonId(first: 10, orderBy: EVENT_ID_DESC) { nodes { role eventByEventId { rowId name startDate
      eventParticipantsByEventId(first: 20, orderBy: PERSON_ID_ASC) { nodes { role personByPersonId { rowId name } } } } } }
  }
}`,
  W3: /* GraphQL */ `query W3 {
  allArticles(first: 20, orderBy: [PUBLISHED_AT_DESC, ROW_ID_DESC]) {
    nodes {
      rowId headline source publishedAt
      articlePeopleByArticleId(first: 5, orderBy: PERSON_ID_ASC) { nodes { personByPersonId { rowId name } } }
      statementsByArticleId(first: 3, orderBy: ROW_ID_ASC) { nodes { rowId text personBySpeakerId { rowId name } } }
    }
  }
}`,
  // bench_pg.search_statements(query): the conventional PostGraphile way to add full-text search.
  W4: /* GraphQL */ `query W4($q: String!) {
  benchPgSearchStatements(query: $q, first: 10) {
    nodes { rowId text personBySpeakerId { rowId name } }
  }
}`,
};

/** Relation fields each Newsgraph query resolves (the SQL-statements-per-request budget). */
export const newsgraphRelationFields: Record<ReadWorkload, string[]> = {
  W1: ['node', 'statements', 'speaker', 'people', 'events', 'participants'],
  W2: ['node', 'statements', 'article', 'events', 'participants'],
  W3: ['articles', 'people', 'statements', 'speaker'],
  W4: ['statements', 'speaker'],
};

export const globalId = (type: 'Article' | 'Person' | 'Statement' | 'Event', id: number) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');

export const rowIdOf = (globalID: string) => Number(Buffer.from(globalID, 'base64url').toString('utf8').split(':')[1]);

/** Variables for one request of a workload, given the row id (W1, W2) or search text (W4). */
export function newsgraphVariables(w: ReadWorkload, arg: number | string | null): Record<string, unknown> {
  if (w === 'W1') return { id: globalId('Article', arg as number) };
  if (w === 'W2') return { id: globalId('Person', arg as number) };
  if (w === 'W4') return { q: arg };
  return {};
}

export function postgraphileVariables(w: ReadWorkload, arg: number | string | null): Record<string, unknown> {
  if (w === 'W1' || w === 'W2') return { id: arg };
  if (w === 'W4') return { q: arg };
  return {};
}

/** The floor's routes. */
export function floorPath(w: ReadWorkload, arg: number | string | null): string {
  if (w === 'W1') return `/w1?id=${arg}`;
  if (w === 'W2') return `/w2?id=${arg}`;
  if (w === 'W4') return `/w4?q=${encodeURIComponent(String(arg))}`;
  return '/w3';
}
