// Resolution across articles: which stored person (or new one, or none) each name an article
// uses stands for. In order: the article's own forms of one name (full name > surname), then
// stored people by name, alias, and family name with a compatible given name, then (for a bare
// surname) the archive's dominant person of that surname. For extracted articles it also decides
// what is not a person at all: organisations, headline fragments without support in the body,
// bare words nobody can be resolved to. Those stay the statement's speakerLabel.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { people } from '../db/schema.js';
import { slugify } from '../domain/slugs.js';
import { normalizeWhitespace } from '../domain/text.js';
import type { IngestInput, IngestPerson } from './index.js';
import { isFullName, nameParts, preferredName, sameNameForms, surnameKey } from './name-match.js';

export const nameKey = (name: string) => normalizeWhitespace(name).toLowerCase();

/** What a name in the input resolved to. */
export type Resolution = { personId: number; confidence: number } | { label: string };

export interface ResolvedPeople {
  byName: Map<string, Resolution>;
  /** How many times the article names each person it resolved to. */
  mentionsById: Map<number, number>;
  newPersonIds: number[];
}

/** Below this share of a surname's mentions in the archive, a bare surname resolves to nobody. */
export const DOMINANCE_THRESHOLD = 0.7;
/** ... and the dominant person must have been mentioned at least this often. */
export const DOMINANCE_MIN_MENTIONS = 3;

// Words that make a name an organisation's (or a place's), never a person's.
const ORGANISATION_WORDS = new Set(
  (
    'campaign campaigns committee party house department administration inc corp corporation company co llc ltd news times post ' +
    'network foundation institute university college council association agency bureau office group senate congress court union ' +
    'center centre fund pac club church coalition commission board ministry government journal press media television radio tv ' +
    'democrats republicans endeavor bank organization organisation school hospital police army navy airlines watch project ' +
    'alliance society league industries holdings partners magazine review tribune herald gazette daily channel studios ' +
    'entertainment productions staff team administration white states nations street show'
  ).split(' '),
);
// Words a capitalised run of words picks up after a name in title-case text ("Ted Cruz And").
const FUNCTION_WORDS = new Set(
  (
    'and or but nor the a an that this these those at in on of for to from by as with without into over under about after ' +
    'before is was are were be been has had have will would can could should may might must do does did not says said ' +
    'tells told calls called leads led wins won some any all who whom which what when where why how than then also just ' +
    'vs versus if while his her their its our your my he she they we it among during another though although got gets ' +
    'according despite since until unless whether reports'
  ).split(' '),
);

/** The name without titles, possessives, trailing function words and doubled words ("Ted Cruz Cruz"). */
export function cleanName(raw: string): string {
  let words = normalizeWhitespace(raw)
    .split(' ')
    .map((w) => w.replace(/['’]s$/u, ''));
  // Cut at the first function word after the name has begun: "Paul Ryan With Trump" -> "Paul Ryan".
  const cut = words.findIndex((w, i) => i > 0 && FUNCTION_WORDS.has(w.toLowerCase()));
  if (cut > 0) words = words.slice(0, cut);
  while (words.length > 0 && FUNCTION_WORDS.has(words[0]!.toLowerCase())) words.shift();
  words = words.filter((w, i) => i === 0 || w.toLowerCase() !== words[i - 1]!.toLowerCase());
  return words.join(' ');
}

export const isOrganisationName = (name: string) => name.split(/\s+/).some((w) => ORGANISATION_WORDS.has(w.replace(/[.,]+$/, '').toLowerCase()));

/** The body's first line when it is a headline (it repeats the given headline, or is in title case). */
export function headlineEnd(body: string, headline: string | null | undefined): number {
  const end = body.indexOf('\n');
  const line = end < 0 ? body : body.slice(0, end);
  const words = line.split(/\s+/).filter((w) => /^\p{L}{4,}/u.test(w));
  const titleCase = words.length >= 3 && words.filter((w) => /^\p{Lu}/u.test(w)).length >= 0.6 * words.length;
  const repeats = headline != null && nameKey(line).startsWith(nameKey(headline).slice(0, 40)) && headline.trim().length > 0;
  return end > 0 && (titleCase || repeats) ? end : 0;
}

/** One person as the article names them: a full name with its other forms, or a short form. */
interface Local {
  names: string[];
  mentions: number;
  matchId: number | null;
  description: string | null;
  aliases: string[];
}

export interface Candidate {
  id: number;
  name: string;
  aliases: string[];
  description: string | null;
  surnameKey: string | null;
  mentions: number;
}

/** A person resolution creates. */
export interface NewPerson {
  slug: string;
  name: string;
  surnameKey: string | null;
  aliases: string[];
  description: string | null;
}

/** Where resolution reads and writes people: the database (`storedPeople`), or a batch's copy of them (src/ingest/batch.ts). */
export interface PeopleSource {
  /** Stored people by lowercased name or alias, family name key, or id (a merged-away id redirects), in id order. */
  candidates(keys: string[], surnames: string[], matchIds: number[]): Promise<{ rows: Candidate[]; redirects: Map<number, number> }>;
  /** Creates the people (given in slug order) whose slug nobody holds; the id holding each slug, and which were created. */
  create(rows: NewPerson[]): Promise<{ created: number[]; idBySlug: Map<string, number> }>;
  update(id: number, aliases: string[], description: string | null, now: Date): Promise<void>;
}

/** People as the database has them, inside the caller's transaction. */
export function storedPeople(tx: Db): PeopleSource {
  return {
    candidates: (keys, surnames, matchIds) => loadCandidates(tx, keys, surnames, matchIds),
    async create(rows) {
      // One insert in slug order (no lock cycles between concurrent ingests); a slug someone else holds means that person already exists.
      const inserted = await tx.insert(people).values(rows).onConflictDoNothing({ target: people.slug }).returning({ id: people.id });
      const held = await tx
        .select({ id: people.id, slug: people.slug })
        .from(people)
        .where(sql`${people.slug} = any(${textArray(rows.map((r) => r.slug))})`);
      return { created: inserted.map((row) => row.id), idBySlug: new Map(held.map((row) => [row.slug, row.id])) };
    },
    async update(id, aliases, description, now) {
      await tx.update(people).set({ aliases, description, updatedAt: now }).where(sql`${people.id} = ${id}`);
    },
  };
}

/**
 * What resolving the input may look up (a superset: every name as given and as cleaned), so a
 * batch can load the stored people for all its articles at once.
 */
export function namesToLoad(input: IngestInput): { keys: string[]; surnames: string[]; matchIds: number[]; slugs: string[] } {
  const keys = new Set<string>();
  const surnames = new Set<string>();
  const matchIds = new Set<number>();
  const slugs = new Set<string>();
  for (const person of collectNames(input)) {
    for (const name of new Set([person.name, cleanName(person.name)])) {
      if (!name) continue;
      keys.add(nameKey(name));
      const key = surnameKey(name);
      if (key) surnames.add(key);
      slugs.add(slugify(name));
    }
    for (const alias of person.aliases ?? []) if (normalizeWhitespace(alias)) keys.add(nameKey(alias));
    if (person.matchId != null) matchIds.add(person.matchId);
  }
  return { keys: [...keys], surnames: [...surnames], matchIds: [...matchIds], slugs: [...slugs] };
}

/** Every name the input uses (people, speakers, mentions, participants) with what the input says of it. */
function collectNames(input: IngestInput): IngestPerson[] {
  const byKey = new Map<string, IngestPerson>();
  for (const person of input.people ?? []) {
    const name = normalizeWhitespace(person.name);
    if (name && !byKey.has(nameKey(name))) byKey.set(nameKey(name), { ...person, name });
  }
  const aliasOf = new Set((input.people ?? []).flatMap((p) => (p.aliases ?? []).map(nameKey)));
  const referenced = [
    ...(input.statements ?? []).flatMap((s) => [s.speakerName, ...(s.mentions ?? [])]),
    ...(input.events ?? []).flatMap((e) => (e.participants ?? []).map((p) => p.name)),
  ];
  for (const raw of referenced) {
    const name = raw ? normalizeWhitespace(raw) : '';
    if (name && !byKey.has(nameKey(name)) && !aliasOf.has(nameKey(name))) byKey.set(nameKey(name), { name });
  }
  return [...byKey.values()];
}

/**
 * Resolves every name in the input against `source` (inside the caller's transaction), creating
 * the people that are new. `input.extracted` turns on the rules for machine-found names; names an
 * API caller gives are people as given (matched to stored ones, or created).
 */
export async function resolvePeople(input: IngestInput, now: Date, source: PeopleSource): Promise<ResolvedPeople> {
  const byName = new Map<string, Resolution>();
  const given = collectNames(input);
  if (given.length === 0) return { byName, mentionsById: new Map(), newPersonIds: [] };
  const extracted = input.extracted === true;
  const headlineStop = extracted ? headlineEnd(input.body, input.headline) : 0;

  // 1. The article's own people: full names grouped by compatibility, short forms set apart.
  const full: Local[] = [];
  const short: { raw: string; name: string; mentions: number; matchId: number | null }[] = [];
  const headlineOnly: { raw: string; name: string }[] = [];
  /** Input names (keys) standing for each local person. */
  const keysOf = new Map<Local, { own: string[]; alias: string[] }>();
  const addFull = (raw: string, name: string, person: IngestPerson) => {
    // Given names group only when they are the same name; found ones by compatibility.
    const local = full.find((l) => l.names.some((n) => (extracted ? sameNameForms(n, name) : nameKey(n) === nameKey(name))));
    const mentions = Math.max(1, person.mentions?.length ?? 1);
    const aliases = (person.aliases ?? []).map(normalizeWhitespace).filter((a) => a && (!extracted || sameNameForms(a, name)));
    if (local) {
      if (!local.names.includes(name)) local.names.push(name);
      local.mentions += mentions;
      local.matchId ??= person.matchId ?? null;
      local.description ??= person.description ?? null;
      local.aliases.push(...aliases);
      keysOf.get(local)!.own.push(nameKey(raw));
      keysOf.get(local)!.alias.push(...aliases.map(nameKey));
    } else {
      const fresh: Local = { names: [name], mentions, matchId: person.matchId ?? null, description: person.description ?? null, aliases };
      full.push(fresh);
      keysOf.set(fresh, { own: [nameKey(raw)], alias: aliases.map(nameKey) });
    }
  };
  for (const person of given) {
    const name = extracted ? cleanName(person.name) : person.name;
    if (!name) {
      byName.set(nameKey(person.name), { label: person.name });
      continue;
    }
    if (extracted && isOrganisationName(name)) {
      byName.set(nameKey(person.name), { label: person.name });
      continue;
    }
    const spans = person.mentions ?? [];
    const headlineOnlyName = headlineStop > 0 && spans.length > 0 && spans.every((s) => s.end <= headlineStop);
    // More than three name words is a run of names and words ("Ted Cruz South Carolina"): a fragment too.
    const tooLong = (nameParts(name)?.given.length ?? 0) + 1 > 3;
    if (extracted && (headlineOnlyName || tooLong)) {
      headlineOnly.push({ raw: person.name, name });
      continue;
    }
    if (!extracted || isFullName(name)) addFull(person.name, name, person);
    else short.push({ raw: person.name, name, mentions: Math.max(1, spans.length), matchId: person.matchId ?? null });
  }
  // "Cruz Carson" ("Cruz, Carson"): two other people's surnames run together.
  if (extracted) {
    for (const local of [...full]) {
      const others = new Set(full.filter((l) => l !== local).flatMap((l) => l.names.map((n) => nameParts(n)!.surname)));
      const fragment = local.names.every((n) => {
        const parts = nameParts(n)!;
        return parts.words === 2 && others.has(parts.given[0] ?? '') && others.has(parts.surname);
      });
      if (fragment) {
        full.splice(full.indexOf(local), 1);
        for (const key of keysOf.get(local)!.own) byName.set(key, { label: given.find((p) => nameKey(p.name) === key)?.name ?? key });
      }
    }
  }

  // 2. Stored people who may be any of them: one query, by name, alias, family name or the extractor's match.
  const lookupKeys = [...new Set([...full.flatMap((l) => [...l.names, ...l.aliases]), ...short.map((s) => s.name)].map(nameKey))];
  const surnames = [...new Set([...full.flatMap((l) => l.names), ...short.map((s) => s.name)].map(surnameKey).filter((k): k is string => !!k))];
  const matchIds = [...new Set([...full.map((l) => l.matchId), ...short.map((s) => s.matchId)].filter((id): id is number => id != null))];
  const candidates = await source.candidates(lookupKeys, surnames, matchIds);
  const redirect = candidates.redirects;

  const resolvedLocal = new Map<Local, { id: number; confidence: number } | null>();
  for (const local of full) {
    const names = local.names.map(nameKey);
    const matchId = local.matchId != null ? (redirect.get(local.matchId) ?? local.matchId) : null;
    const byMatch = candidates.rows.find(
      (c) => c.id === matchId && (!extracted || local.names.some((n) => sameNameForms(n, c.name) || c.aliases.some((a) => nameKey(a) === nameKey(n)))),
    );
    const exact = candidates.rows.find((c) => names.includes(nameKey(c.name)));
    const alias = candidates.rows.find((c) => c.aliases.some((a) => names.includes(nameKey(a))));
    const compatible = candidates.rows
      .filter((c) => isFullName(c.name) && local.names.some((n) => sameNameForms(n, c.name)))
      .sort((a, b) => b.mentions - a.mentions || a.id - b.id)[0];
    const found = byMatch ?? exact ?? alias ?? (extracted || isFullName(local.names[0]!) ? compatible : undefined);
    resolvedLocal.set(local, found ? { id: found.id, confidence: found === exact || found === byMatch ? 1 : found === alias ? 0.95 : 0.9 } : null);
  }

  // 3. New people, in slug order; a slug someone else holds means that person already exists.
  const fresh = full.filter((l) => !resolvedLocal.get(l));
  const canonical = (l: Local) => (extracted ? preferredName(l.names) : l.names[0]!);
  const bySlug = new Map<string, Local[]>();
  for (const local of fresh) bySlug.set(slugify(canonical(local)), [...(bySlug.get(slugify(canonical(local))) ?? []), local]);
  const slugs = [...bySlug.keys()].sort();
  const newPersonIds: number[] = [];
  if (slugs.length > 0) {
    const { created, idBySlug } = await source.create(
      slugs.map((slug) => {
        const locals = bySlug.get(slug)!;
        const name = canonical(locals[0]!);
        const others = locals.flatMap((l) => [...l.names, ...l.aliases]);
        return {
          slug,
          name,
          surnameKey: surnameKey(name),
          aliases: mergeAliases(name, [], others),
          description: locals.find((l) => l.description)?.description ?? null,
        };
      }),
    );
    newPersonIds.push(...created);
    for (const [slug, locals] of bySlug) for (const local of locals) resolvedLocal.set(local, { id: idBySlug.get(slug)!, confidence: 1 });
  }

  // Known people learn the article's new forms of their name and, when they had none, its description.
  const updates = new Map<number, { aliases: string[]; description: string | null; changed: boolean }>();
  for (const [local, found] of resolvedLocal) {
    const row = candidates.rows.find((c) => c.id === found?.id);
    if (!row) continue;
    const current = updates.get(row.id) ?? { aliases: row.aliases, description: row.description, changed: false };
    const learned = extracted ? [...local.names, ...local.aliases].filter((n) => sameNameForms(n, row.name)) : [...local.names, ...local.aliases];
    const aliases = mergeAliases(row.name, current.aliases, learned);
    const description = current.description ?? local.description;
    updates.set(row.id, { aliases, description, changed: current.changed || aliases.length !== current.aliases.length || description !== current.description });
  }
  for (const [id, update] of [...updates].filter(([, u]) => u.changed).sort((a, b) => a[0] - b[0])) {
    await source.update(id, update.aliases, update.description, now);
  }

  const mentionsById = new Map<number, number>();
  const credit = (id: number, n: number) => mentionsById.set(id, (mentionsById.get(id) ?? 0) + n);
  for (const [local, found] of resolvedLocal) {
    for (const key of keysOf.get(local)!.own) byName.set(key, { personId: found!.id, confidence: found!.confidence });
    credit(found!.id, local.mentions);
  }
  // An alias stands for its person unless it is someone's own name here.
  for (const [local, found] of resolvedLocal) {
    for (const key of keysOf.get(local)!.alias) if (!byName.has(key)) byName.set(key, { personId: found!.id, confidence: found!.confidence });
  }

  // 4. Short forms: the article's most salient person they fit, else the archive's dominant one.
  const salience = (l: Local) => l.mentions;
  for (const s of short) {
    const parts = nameParts(s.name);
    const key = surnameKey(s.name);
    const fits = full.filter((l) =>
      l.names.some((n) => {
        const p = nameParts(n)!;
        return surnameKey(n) === key || (parts?.words === 1 && p.given[0] === parts.surname);
      }),
    );
    const local = fits.sort((a, b) => salience(b) - salience(a))[0];
    if (local) {
      const found = resolvedLocal.get(local)!;
      const confidence = fits.length === 1 ? 0.85 : 0.85 * (salience(local) / fits.reduce((n, l) => n + salience(l), 0));
      byName.set(nameKey(s.raw), { personId: found.id, confidence: Math.round(confidence * 100) / 100 });
      credit(found.id, s.mentions);
      continue;
    }
    const named = (c: Candidate) => nameKey(c.name) === nameKey(s.name) || c.aliases.some((a) => nameKey(a) === nameKey(s.name));
    const stored = candidates.rows.filter((c) => (key != null && c.surnameKey === key && isFullName(c.name)) || named(c));
    const total = stored.reduce((n, c) => n + c.mentions, 0);
    const top = stored.sort((a, b) => b.mentions - a.mentions || a.id - b.id)[0];
    const matchId = s.matchId != null ? (redirect.get(s.matchId) ?? s.matchId) : null;
    // The extractor's match by name, or the only stored person going by exactly this name.
    const sure = stored.find((c) => c.id === matchId) ?? (stored.length === 1 && named(stored[0]!) ? stored[0] : undefined);
    if (sure) {
      byName.set(nameKey(s.raw), { personId: sure.id, confidence: 0.9 });
      credit(sure.id, s.mentions);
    } else if (top && top.mentions >= DOMINANCE_MIN_MENTIONS && top.mentions / total >= DOMINANCE_THRESHOLD) {
      byName.set(nameKey(s.raw), { personId: top.id, confidence: Math.round(0.8 * (top.mentions / total) * 100) / 100 });
      credit(top.id, s.mentions);
    } else {
      byName.set(nameKey(s.raw), { label: s.raw });
    }
  }

  // 5. Fragments (headline-only names, runs of words) stand for a body person whose name they
  // contain ("Donald Trump Leads"), or nobody.
  for (const h of headlineOnly) {
    const words = ` ${nameKey(h.name)} `;
    const local = full.find((l) => l.names.some((n) => words.includes(` ${nameKey(n)} `)));
    if (local) byName.set(nameKey(h.raw), { personId: resolvedLocal.get(local)!.id, confidence: 0.8 });
    else byName.set(nameKey(h.raw), { label: h.raw });
  }

  return { byName, mentionsById, newPersonIds };
}

export const textArray = (values: readonly string[]) => sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
export const idArray = (ids: readonly number[]) => sql`string_to_array(${ids.join(',')}, ',')::int[]`;

async function loadCandidates(tx: Db, keys: string[], surnames: string[], matchIds: number[]): Promise<{ rows: Candidate[]; redirects: Map<number, number> }> {
  // A merged-away id the extractor still knew answers for the person it was merged into.
  const result = await tx.execute(sql`
    with redirected as (select old_id, person_id from person_redirects where old_id = any(${idArray(matchIds)}))
    select p.id, p.name, p.aliases, p.description, p.surname_key as "surnameKey",
      (select coalesce(sum(ap.mention_count), 0)::int from article_people ap where ap.person_id = p.id) as mentions,
      (select coalesce(json_agg(r.old_id), '[]'::json) from redirected r where r.person_id = p.id) as "oldIds"
    from ${people} p
    where lower(p.name) = any(${textArray(keys)})
      or exists (select 1 from unnest(p.aliases) a where lower(a) = any(${textArray(keys)}))
      or p.surname_key = any(${textArray(surnames)})
      or p.id = any(${idArray(matchIds)})
      or p.id in (select person_id from redirected)
    order by p.id`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as (Candidate & { oldIds: unknown })[];
  const redirects = new Map<number, number>();
  for (const row of rows) {
    const oldIds = (typeof row.oldIds === 'string' ? JSON.parse(row.oldIds) : row.oldIds) as number[];
    for (const old of oldIds) redirects.set(Number(old), row.id);
    row.mentions = Number(row.mentions);
  }
  return { rows, redirects };
}

export function mergeAliases(name: string, current: string[], more: string[]): string[] {
  const seen = new Set([nameKey(name), ...current.map(nameKey)]);
  const merged = [...current];
  for (const alias of more.map(normalizeWhitespace)) {
    if (alias && !seen.has(nameKey(alias))) {
      seen.add(nameKey(alias));
      merged.push(alias);
    }
  }
  return merged;
}
