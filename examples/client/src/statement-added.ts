import { print } from 'graphql';
import { createClient } from 'graphql-sse';
import { type ResultOf, type VariablesOf, graphql } from './graphql.js';

/** New statements by (or mentioning) a person, live; `after` resumes from a cursor. */
export const StatementAdded = graphql(`
  subscription StatementAdded($after: String, $speakerId: ID) {
    statementAdded(after: $after, filter: { speakerId: $speakerId }) {
      cursor
      statement {
        id
        kind
        text
        saidAt
        speaker { id name }
        article { headline }
      }
    }
  }
`);

export type StatementAddedEvent = ResultOf<typeof StatementAdded>['statementAdded'];

/**
 * Follows the feed over SSE, resuming after a dropped connection from the last cursor seen, so
 * nothing is missed and nothing comes twice. Returns the function that stops it.
 */
export function followStatements(
  endpoint: string,
  variables: Omit<VariablesOf<typeof StatementAdded>, 'after'>,
  onStatement: (event: StatementAddedEvent) => void,
): () => void {
  let cursor: string | null = null;
  let stopped = false;
  const client = createClient({ url: endpoint, retryAttempts: Number.POSITIVE_INFINITY });
  let unsubscribe = () => {};
  const subscribe = () => {
    unsubscribe = client.subscribe<ResultOf<typeof StatementAdded>>(
      { query: print(StatementAdded), variables: { ...variables, after: cursor } },
      {
        next: ({ data }) => {
          if (!data) return;
          cursor = data.statementAdded.cursor;
          onStatement(data.statementAdded);
        },
        // The stream ended or failed for good: start again from the cursor (no gap, no repeat).
        error: () => !stopped && setTimeout(subscribe, 1_000),
        complete: () => !stopped && setTimeout(subscribe, 1_000),
      },
    );
  };
  subscribe();
  return () => {
    stopped = true;
    unsubscribe();
    client.dispose();
  };
}
