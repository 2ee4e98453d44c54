// `npm run ingest -- --url …`: each article goes through a running service's `ingestArticle`,
// which stores it in its own transaction and extracts the entities when only the article is given.
import { GraphQLError } from 'graphql';
import type { BulkArticle, BulkResult } from '../src/ingest/bulk.js';

const INGEST = /* GraphQL */ `
  mutation Ingest($input: IngestArticleInput!) {
    ingestArticle(input: $input) { created article { id } people { id } statements { id } events { id } warnings }
  }
`;

type Ids = { id: string }[];
interface Payload {
  created: boolean;
  article: { id: string };
  people: Ids;
  statements: Ids;
  events: Ids;
  warnings: string[];
}

const rowId = (globalId: string) => Number(Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]);

/**
 * A store for runBulkIngest that posts to `url` with `token`. The API does not say which people and
 * statements were new: `newPersonIds` and `newStatementIds` stay empty, and the summary says so.
 */
export function remoteStore(url: string, token: string) {
  return async (article: BulkArticle): Promise<BulkResult> => {
    const { url: articleUrl, headline, source, publishedAt, body } = article.input;
    const input = article.extract ? { url: articleUrl, headline, source, publishedAt, body } : article.input;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: INGEST, variables: { input } }),
      });
    } catch (error) {
      throw new Error(`cannot reach ${url} (${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message})`);
    }
    const text = await response.text();
    let result: { data?: { ingestArticle?: Payload | null } | null; errors?: { message: string }[] };
    try {
      result = JSON.parse(text);
    } catch {
      throw new Error(`${url} answered ${response.status} without a GraphQL response`);
    }
    const payload = result.data?.ingestArticle;
    if (!payload) throw new GraphQLError(result.errors?.[0]?.message ?? `${url} answered ${response.status} without a result`);
    return {
      articleId: rowId(payload.article.id),
      created: payload.created,
      personIds: payload.people.map((p) => rowId(p.id)),
      newPersonIds: [],
      statementIds: payload.statements.map((s) => rowId(s.id)),
      newStatementIds: [],
      eventIds: payload.events.map((e) => rowId(e.id)),
      warnings: payload.warnings,
    };
  };
}
