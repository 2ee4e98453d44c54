import { asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type PothosTypes, builder } from '../builder.js';
import type { Db } from '../db/index.js';
import { MAX_ALIASES, rules } from '../domain/validation.js';
import { decodeId, encodeId } from '../domain/global-id.js';
import { slugify } from '../domain/slugs.js';
import { personList } from '../read/lists.js';
import { notFound, notNull, write } from './write.js';
import { loadNodes } from './refs.js';
import { relationConnection, rootListConnection } from './reads.js';
import { readsTable } from '../read/fields.js';
import { type PersonRow, articlePeople, eventParticipants, people, personRedirects, statementMentions, statements } from '../db/schema.js';
import { PEOPLE_LOCK } from '../ingest/index.js';
import { surnameKey } from '../ingest/name-match.js';
import { relinkQuotations } from '../ingest/quotations.js';
import { badInput } from '../errors.js';
import { ArticleConnection, Event, Person, Statement, StatementConnection, Article } from './refs.js';

builder.node(Person, {
  description: 'A person in the news, once, whatever form of their name an article uses.',
  id: { resolve: (person) => person.id },
  loadMany: (ids, ctx) => loadNodes(ids, ctx.loaders.person, Person),
  ...readsTable(people),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Canonical full name, e.g. "Rand Paul".' }),
    slug: t.exposeString('slug', { description: 'Stable URL-safe key, e.g. "rand-paul".' }),
    aliases: t.exposeStringList('aliases', { description: 'Other forms the articles use: "Paul", "Senator Paul".' }),
    description: t.exposeString('description', { nullable: true }),
    wikidataId: t.exposeString('wikidataId', { nullable: true, description: 'The Wikidata item an editor joined this person to, e.g. "Q22686".' }),
    mentionCount: t.int({
      description: 'How many times the stored articles name this person (every form of the name counts).',
      resolve: async (person, _args, ctx) => (await ctx.loaders.personStats.load(person.id)).mentionCount,
    }),
    firstSeenAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Publication time of the earliest stored article that names this person.',
      resolve: async (person, _args, ctx) => (await ctx.loaders.personStats.load(person.id)).firstSeenAt,
    }),
    statements: t.connection(
      {
        type: Statement,
        description: 'Statements this person made, newest first.',
        ...relationConnection('personStatements'),
      },
      StatementConnection,
    ),
    mentionedIn: t.connection(
      {
        type: Statement,
        description: 'Statements that mention this person, newest first.',
        ...relationConnection('personMentionedIn'),
      },
      StatementConnection,
    ),
    events: t.connection(
      {
        type: Event,
        description: 'Events this person took part in, newest first; the edge carries their role.',
        ...relationConnection('personEvents'),
      },
      { name: 'PersonEventConnection' },
      { name: 'PersonEventEdge', fields: (edge) => ({ role: edge.exposeString('role') }) },
    ),
    articles: t.connection(
      {
        type: Article,
        description: 'Articles that mention this person, newest first.',
        ...relationConnection('personArticles'),
      },
      ArticleConnection,
    ),
  }),
});

const PersonFilter = builder.inputType('PersonFilter', {
  fields: (t) => ({
    search: t.string({ description: 'Case-insensitive match on the name and every alias.' }),
    wikidataId: t.string({ description: 'The person joined to this Wikidata item.' }),
  }),
});

const wikidataId = z.string().regex(/^Q[1-9]\d{0,11}$/, 'must be a Wikidata item ID such as "Q22686"');
/** A wikidata ID another person has already. */
const WIKIDATA_CONFLICT = { people_wikidata_id_key: 'input.wikidataId' };

builder.queryField('people', (t) =>
  t.connection({
    type: Person,
    description: 'People, by name.',
    args: { filter: t.arg({ type: PersonFilter }) },
    ...rootListConnection<PersonRow>()(personList),
  }),
);

// --- Mutations -------------------------------------------------------------------------------

builder.relayMutationField(
  'createPerson',
  {
    inputFields: (t) => ({
      name: t.string({ required: true, validate: { schema: rules.name } }),
      aliases: t.stringList({ validate: { schema: rules.aliases } }),
      description: t.string({ validate: { schema: rules.description } }),
      wikidataId: t.string({ validate: { schema: wikidataId } }),
    }),
  },
  {
    description:
      'Stores a person. A person is stored once per name (by slug: "Rand Paul" -> "rand-paul"): asking again for a stored name returns that person unchanged, with `created: false`.',
    resolve: (_root, { input }, ctx) =>
      write(
        ctx,
        async (tx) => {
          const slug = slugify(input.name);
          // An upsert, not check-then-insert: two requests racing for one name get one row.
          const [inserted] = await tx
            .insert(people)
            .values({
              slug,
              name: input.name,
              surnameKey: surnameKey(input.name),
              aliases: dedupeAliases(input.name, input.aliases ?? []),
              description: input.description ?? null,
              wikidataId: input.wikidataId ?? null,
            })
            .onConflictDoNothing({ target: people.slug })
            .returning({ id: people.id });
          if (inserted) return { personId: inserted.id, created: true };
          const [existing] = await tx.select({ id: people.id }).from(people).where(eq(people.slug, slug));
          return { personId: existing!.id, created: false };
        },
        WIKIDATA_CONFLICT,
      ),
  },
  {
    outputFields: (t) => ({
      person: personField(t),
      created: t.boolean({ description: 'False when a person of that name was already stored.', resolve: (p) => p.created }),
    }),
  },
);

builder.relayMutationField(
  'updatePerson',
  {
    inputFields: (t) => ({
      id: t.id({ required: true }),
      name: t.string({ validate: { schema: rules.name }, description: 'Renaming also changes the slug; CONFLICT when another person has the name.' }),
      aliases: t.stringList({ validate: { schema: rules.aliases }, description: 'Replaces the aliases.' }),
      description: t.string({ validate: { schema: rules.description } }),
      wikidataId: t.string({ validate: { schema: wikidataId }, description: 'null unlinks; CONFLICT when another person has it.' }),
    }),
  },
  {
    description: 'Changes the given fields of a person.',
    resolve: (_root, { input }, ctx) => {
      const id = decodeId(input.id, 'Person', 'input.id');
      const name = notNull(input.name, 'input.name');
      const aliases = notNull(input.aliases, 'input.aliases');
      return write(
        ctx,
        async (tx) => {
          const [current] = await tx.select().from(people).where(eq(people.id, id)).for('update');
          if (!current) throw notFound('person', 'input.id');
          const newName = name ?? current.name;
          const [row] = await tx
            .update(people)
            .set({
              ...(name !== undefined ? { name, slug: slugify(name), surnameKey: surnameKey(name) } : {}),
              ...(input.wikidataId !== undefined ? { wikidataId: input.wikidataId } : {}),
              ...(aliases !== undefined || name !== undefined ? { aliases: dedupeAliases(newName, aliases ?? current.aliases) } : {}),
              ...(input.description !== undefined ? { description: input.description } : {}),
              updatedAt: ctx.clock.now(),
            })
            .where(eq(people.id, id))
            .returning({ id: people.id });
          return { personId: row!.id };
        },
        WIKIDATA_CONFLICT,
      );
    },
  },
  { outputFields: (t) => ({ person: personField(t) }) },
);

builder.relayMutationField(
  'mergePeople',
  {
    inputFields: (t) => ({
      sourceId: t.id({ required: true, description: 'The duplicate: folded into the target, then deleted.' }),
      targetId: t.id({ required: true, description: 'The person who remains.' }),
    }),
  },
  {
    description:
      "Folds a duplicate person into another, in one transaction: statements (and their quotations), mentions, event participations, article links and names (as aliases) move to the target. The duplicate's ID keeps answering `node` with the target, and later ingests resolve its names to the target.",
    resolve: (_root, { input }, ctx) => {
      const sourceId = decodeId(input.sourceId, 'Person', 'input.sourceId');
      const targetId = decodeId(input.targetId, 'Person', 'input.targetId');
      if (sourceId === targetId) throw badInput('"input.sourceId": a person cannot be merged into themselves.', 'input.sourceId');
      return write(ctx, (tx) => mergePeople(tx, sourceId, targetId, ctx.clock.now()));
    },
  },
  {
    outputFields: (t) => ({
      person: personField(t),
      mergedId: t.id({ description: 'The ID the duplicate had; it no longer exists.', resolve: (p) => encodeId('Person', p.mergedId) }),
    }),
  },
);

async function mergePeople(tx: Db, sourceId: number, targetId: number, now: Date) {
  // No ingest resolves names while people merge (they hold this lock shared): none can attach a
  // statement to the person going away, nor miss the alias the target gains.
  await tx.execute(sql`select pg_advisory_xact_lock(${PEOPLE_LOCK})`);
  // Both rows locked in id order, so two opposite merges cannot deadlock.
  const rows = await tx
    .select()
    .from(people)
    .where(inArray(people.id, [sourceId, targetId]))
    .orderBy(asc(people.id))
    .for('update');
  const source = rows.find((r) => r.id === sourceId);
  const target = rows.find((r) => r.id === targetId);
  if (!source) throw notFound('person', 'input.sourceId');
  if (!target) throw notFound('person', 'input.targetId');

  const aliases = dedupeAliases(target.name, [...target.aliases, source.name, ...source.aliases]);
  if (aliases.length > MAX_ALIASES) {
    throw badInput(
      `"input.sourceId": the merged person would have ${aliases.length} aliases, and at most ${MAX_ALIASES} are allowed; remove some (updatePerson) first.`,
      'input.sourceId',
    );
  }
  const moved = await tx.update(statements).set({ speakerId: targetId }).where(eq(statements.speakerId, sourceId)).returning({ id: statements.id });
  // The source's quotations become the target's (one quotation when both had the same words).
  await relinkQuotations(
    tx,
    moved.map((m) => m.id),
  );
  // Link rows move unless the target already has the same link (then the source's copy goes).
  await tx.execute(sql`insert into ${statementMentions} (statement_id, person_id)
    select statement_id, ${targetId} from ${statementMentions} where person_id = ${sourceId} on conflict do nothing`);
  await tx.execute(sql`insert into ${articlePeople} (article_id, person_id, mention_count)
    select article_id, ${targetId}, mention_count from ${articlePeople} where person_id = ${sourceId}
    on conflict (article_id, person_id) do update set mention_count = ${articlePeople}.mention_count + excluded.mention_count`);
  await tx.execute(sql`insert into ${eventParticipants} (event_id, person_id, role)
    select event_id, ${targetId}, role from ${eventParticipants} where person_id = ${sourceId} on conflict do nothing`);
  // The source's ID, and every ID merged into it before, now answer with the target.
  await tx.update(personRedirects).set({ personId: targetId }).where(eq(personRedirects.personId, sourceId));
  // The source's remaining link rows go with it (ON DELETE CASCADE); it goes before the target
  // takes its wikidata ID, which is unique.
  await tx.delete(people).where(eq(people.id, sourceId));
  await tx
    .update(people)
    .set({
      aliases,
      description: target.description ?? source.description,
      wikidataId: target.wikidataId ?? source.wikidataId,
      updatedAt: now,
    })
    .where(eq(people.id, targetId));
  await tx.insert(personRedirects).values({ oldId: sourceId, personId: targetId });
  return { personId: targetId, mergedId: sourceId };
}

builder.relayMutationField(
  'addAlias',
  {
    inputFields: (t) => ({
      personId: t.id({ required: true }),
      alias: t.string({ required: true, validate: { schema: rules.name } }),
    }),
  },
  {
    description: "Adds another form of a person's name; later ingests resolve it to them. Adding one they have already changes nothing.",
    resolve: (_root, { input }, ctx) => {
      const id = decodeId(input.personId, 'Person', 'input.personId');
      return write(ctx, async (tx) => {
        const [current] = await tx.select().from(people).where(eq(people.id, id)).for('update');
        if (!current) throw notFound('person', 'input.personId');
        const aliases = dedupeAliases(current.name, [...current.aliases, input.alias]);
        if (aliases.length > MAX_ALIASES) throw badInput(`"input.alias": a person has at most ${MAX_ALIASES} aliases; remove one first.`, 'input.alias');
        if (aliases.length !== current.aliases.length) await tx.update(people).set({ aliases, updatedAt: ctx.clock.now() }).where(eq(people.id, id));
        return { personId: id };
      });
    },
  },
  { outputFields: (t) => ({ person: personField(t) }) },
);

builder.relayMutationField(
  'removeAlias',
  {
    inputFields: (t) => ({
      personId: t.id({ required: true }),
      alias: t.string({ required: true, validate: { schema: rules.name } }),
    }),
  },
  {
    description: "Removes a form of a person's name (any case); later ingests no longer resolve it to them.",
    resolve: (_root, { input }, ctx) => {
      const id = decodeId(input.personId, 'Person', 'input.personId');
      return write(ctx, async (tx) => {
        const [current] = await tx.select().from(people).where(eq(people.id, id)).for('update');
        if (!current) throw notFound('person', 'input.personId');
        const key = input.alias.trim().toLowerCase();
        const aliases = current.aliases.filter((a) => a.toLowerCase() !== key);
        if (aliases.length === current.aliases.length) throw badInput('"input.alias": not an alias of this person.', 'input.alias');
        await tx.update(people).set({ aliases, updatedAt: ctx.clock.now() }).where(eq(people.id, id));
        return { personId: id };
      });
    },
  },
  { outputFields: (t) => ({ person: personField(t) }) },
);

/** Aliases without blanks, repeats (ignoring case) or the name itself. */
function dedupeAliases(name: string, aliases: string[]): string[] {
  const seen = new Set([name.trim().toLowerCase()]);
  return aliases.map((a) => a.trim()).filter((a) => a && !seen.has(a.toLowerCase()) && seen.add(a.toLowerCase()));
}

function personField<P extends { personId: number }>(t: PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<PothosTypes>, P>) {
  return t.field({ type: Person, resolve: async (payload, _args, ctx) => (await ctx.loaders.person.load(payload.personId))! });
}
