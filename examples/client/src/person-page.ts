import { type DocumentNode, print } from 'graphql';
import { type ResultOf, type VariablesOf, graphql, readFragment } from './graphql.js';

/** One statement as the person page lists it; colocated with the component that renders it. */
export const StatementItem = graphql(`
  fragment StatementItem on Statement {
    id
    kind
    text
    saidAt
    article { headline source }
  }
`);

/** A person page: who they are and their latest statements, a page at a time. */
export const PersonPage = graphql(
  `
  query PersonPage($id: ID!, $first: Int = 10, $after: String) {
    node(id: $id) {
      __typename
      ... on Person {
        id
        name
        aliases
        description
        mentionCount
        statements(first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { node { ...StatementItem } }
        }
      }
    }
  }
`,
  [StatementItem],
);

export type PersonPageData = ResultOf<typeof PersonPage>;

/** POSTs a typed document to the endpoint and returns its typed data, or throws its first error. */
export async function request<Result, Variables>(
  endpoint: string,
  document: { __apiType?: (variables: Variables) => Result },
  variables: Variables,
  init: { fetch?: typeof fetch; headers?: Record<string, string> } = {},
): Promise<Result> {
  const response = await (init.fetch ?? fetch)(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...init.headers },
    body: JSON.stringify({ query: print(document as unknown as DocumentNode), variables }),
  });
  const body = (await response.json()) as { data?: Result; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) throw new Error(`${body.errors[0]!.extensions?.code ?? 'ERROR'}: ${body.errors[0]!.message}`);
  return body.data as Result;
}

/** The page as lines of text: what a component would render from the typed result. */
export async function loadPersonPage(endpoint: string, variables: VariablesOf<typeof PersonPage>, init?: { fetch?: typeof fetch }) {
  const data = await request(endpoint, PersonPage, variables, init);
  const person = data.node?.__typename === 'Person' ? data.node : null;
  if (!person) return null;
  return {
    name: person.name,
    aliases: person.aliases,
    total: person.statements.totalCount,
    next: person.statements.pageInfo.hasNextPage ? person.statements.pageInfo.endCursor : null,
    statements: person.statements.edges.map(({ node }) => {
      const statement = readFragment(StatementItem, node);
      return `${statement.saidAt} ${statement.kind}: ${statement.text} (${statement.article.headline})`;
    }),
  };
}
