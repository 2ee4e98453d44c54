import { getTableColumns, sql } from 'drizzle-orm';
import { builder } from '../builder.js';
import { loadNodes } from './refs.js';
import { peopleByName } from '../db/orderings.js';
import { type PersonRow, people } from '../db/schema.js';
import { badInput } from '../errors.js';
import { loadRootPage } from '../loaders.js';
import { parsePage } from '../pagination.js';
import { ArticleConnection, Event, Person, Statement, StatementConnection, Article } from './refs.js';

builder.node(Person, {
  description: 'A person in the news, once, whatever form of their name an article uses.',
  id: { resolve: (person) => person.id },
  loadMany: (ids, ctx) => loadNodes(ids, ctx.loaders.person, Person),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Canonical full name, e.g. "Rand Paul".' }),
    slug: t.exposeString('slug', { description: 'Stable URL-safe key, e.g. "rand-paul".' }),
    aliases: t.exposeStringList('aliases', { description: 'Other forms the articles use: "Paul", "Senator Paul".' }),
    description: t.exposeString('description', { nullable: true }),
    statements: t.connection(
      {
        type: Statement,
        description: 'Statements this person made, newest first.',
        resolve: (person, args, ctx) => ctx.loaders.relation('personStatements', args, person.id),
      },
      StatementConnection,
    ),
    mentionedIn: t.connection(
      {
        type: Statement,
        description: 'Statements that mention this person, newest first.',
        resolve: (person, args, ctx) => ctx.loaders.relation('personMentionedIn', args, person.id),
      },
      StatementConnection,
    ),
    events: t.connection(
      {
        type: Event,
        description: 'Events this person took part in, newest first; the edge carries their role.',
        resolve: (person, args, ctx) => ctx.loaders.relation('personEvents', args, person.id),
      },
      { name: 'PersonEventConnection' },
      { name: 'PersonEventEdge', fields: (edge) => ({ role: edge.exposeString('role') }) },
    ),
    articles: t.connection(
      {
        type: Article,
        description: 'Articles that mention this person, newest first.',
        resolve: (person, args, ctx) => ctx.loaders.relation('personArticles', args, person.id),
      },
      ArticleConnection,
    ),
  }),
});

const PersonFilter = builder.inputType('PersonFilter', {
  fields: (t) => ({
    search: t.string({ description: 'Case-insensitive match on the name and every alias.' }),
  }),
});

export const MAX_SEARCH_LENGTH = 200;

/** `%term%` for ILIKE, with the user's own wildcards taken literally. */
export function likePattern(term: string, field: string): string {
  const trimmed = term.trim();
  if (trimmed.length > MAX_SEARCH_LENGTH) throw badInput(`"${field}" must be at most ${MAX_SEARCH_LENGTH} characters.`, field);
  return `%${trimmed.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

builder.queryField('people', (t) =>
  t.connection({
    type: Person,
    description: 'People, by name.',
    args: { filter: t.arg({ type: PersonFilter }) },
    resolve: (_root, args, ctx) => {
      const search = args.filter?.search;
      const pattern = search ? likePattern(search, 'filter.search') : null;
      return loadRootPage<PersonRow>(
        ctx.db,
        {
          table: people,
          columns: getTableColumns(people),
          ordering: peopleByName,
          where: pattern
            ? sql`(${people.name} ilike ${pattern} or array_to_string(${people.aliases}, ' | ') ilike ${pattern})`
            : undefined,
        },
        parsePage(args, peopleByName),
      );
    },
  }),
);
