// The bridge between the extractor (src/extract/) and the ingest core. The extractor pulls in
// compromise's lexicon (~85 MB RSS, a second or more to load), so it is imported on first use
// only: a service that never extracts never pays for it.
import { asc, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/index.js';
import { people } from '../db/schema.js';
import type { ExtractInput, Extraction, KnownPerson } from '../extract/types.js';
import { normalizeWhitespace } from '../domain/text.js';
import type { IngestEvent, IngestInput } from './index.js';

type ArticleFields = Pick<IngestInput, 'url' | 'headline' | 'source' | 'publishedAt' | 'body'>;

/** The extractor module, loaded on the first call (a cached dynamic import, not a singleton of ours). */
export const loadExtractor = () => import('../extract/index.js');

/** Runs the extractor over a text (loading it on first use). */
export async function runExtractor(input: ExtractInput, knownPeople: KnownPerson[] = []): Promise<Extraction> {
  const { extract } = await loadExtractor();
  return extract(input, knownPeople);
}

// The extractor recognises a stored person only when a name it reads in the text, lowercased,
// equals the person's name or one of their aliases (src/extract/names.ts, `buildKnownIndex`). The
// names it reads are 1-4 consecutive words (capitalised, or a lowercase particle such as "de" or
// "van"), a possessive 's dropped from the last. So the candidates are every such word sequence of
// the body, and only people named by one of them are loaded.
const WORD = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu;
const MAX_NAME_WORDS = 4;
const NAME_WORD = (word: string) => /^\p{Lu}/u.test(word) || (word.length <= 3 && /^\p{Ll}+$/u.test(word));
const possessiveStem = (word: string) => /^(.+?)['’]s$/u.exec(word)?.[1] ?? (/s['’]$/u.test(word) ? word.slice(0, -1) : null);

/** Every word sequence in `body` that could be a person's name, as the extractor reads names. */
export function nameCandidates(body: string): string[] {
  const words = [...body.matchAll(WORD)].map((m) => m[0]);
  const out = new Set<string>();
  for (let first = 0; first < words.length; first++) {
    for (let end = first + 1; end <= Math.min(words.length, first + MAX_NAME_WORDS); end++) {
      const last = words[end - 1]!;
      if (!NAME_WORD(last)) break;
      const phrase = words.slice(first, end);
      if (!phrase.some((word) => /^\p{Lu}/u.test(word))) continue; // a name has a capital somewhere
      out.add(phrase.join(' '));
      const stem = possessiveStem(last);
      if (stem) out.add([...phrase.slice(0, -1), stem].join(' '));
    }
  }
  return [...out];
}

/**
 * The stored people the extractor should recognise (and match to) in this article: only those
 * whose name or an alias occurs in the body as a whole name (short aliases like "Al" match only as
 * whole words, never inside "Alpha").
 */
export async function loadKnownPeople(db: Db, body: string): Promise<KnownPerson[]> {
  const candidates = nameCandidates(body);
  if (candidates.length === 0) return [];
  // One pass over (id, name form) pairs, hash-joined with the candidates. Without an index on the
  // lowercased forms this is still a scan of `people`, but a cheap one (~3x faster than reading
  // every person out, and only the matches travel).
  return db
    .select({ id: people.id, name: people.name, aliases: people.aliases })
    .from(people)
    .where(
      sql`${people.id} in (
        select f.id from (select p.id, unnest(array_append(p.aliases, p.name)) as form from ${people} p) f
        where lower(f.form) in (select lower(c) from jsonb_array_elements_text(${JSON.stringify(candidates)}::jsonb) c))`,
    )
    .orderBy(asc(people.id));
}

/**
 * loadKnownPeople for many bodies' candidates (nameCandidates) at once: the stored people each
 * candidate names, compared lowercased as loadKnownPeople compares them.
 */
export async function knownPeopleByCandidate(db: Db, candidates: string[]): Promise<Map<string, KnownPerson[]>> {
  const byCandidate = new Map<string, KnownPerson[]>();
  if (candidates.length === 0) return byCandidate;
  const rows = rowsOf<{ form: string; id: number; name: string; aliases: string[] }>(
    await db.execute(sql`
      select distinct c.c as form, p.id, p.name, p.aliases
      from (select p.id, lower(unnest(array_append(p.aliases, p.name))) as form from ${people} p) f
      join (select c, lower(c) as lc from jsonb_array_elements_text(${JSON.stringify([...new Set(candidates)])}::jsonb) c) c on c.lc = f.form
      join ${people} p on p.id = f.id`),
  );
  for (const row of rows) byCandidate.set(row.form, [...(byCandidate.get(row.form) ?? []), { id: Number(row.id), name: row.name, aliases: row.aliases }]);
  return byCandidate;
}

/** The known people of a body, given its nameCandidates, out of knownPeopleByCandidate's answer. */
export function knownPeopleOf(candidates: readonly string[], byCandidate: ReadonlyMap<string, readonly KnownPerson[]>): KnownPerson[] {
  const found = new Map<number, KnownPerson>();
  for (const c of candidates) for (const p of byCandidate.get(c) ?? []) found.set(p.id, p);
  return [...found.values()].sort((a, b) => a.id - b.id);
}

/**
 * Whether the extractor reads `body` the same with either list of known people. It asks the list
 * one thing only: which person (if any) has the name form it read, lowercased (src/extract/names.ts,
 * `buildKnownIndex`, the last person in id order winning a shared form). A form it can read is made
 * of the body's own words (an initial gains a dot, a possessive loses its 's): so only forms whose
 * every word occurs in the body (quote marks aside, which the extractor normalises) can be asked
 * for, and when each of those names the same person in both lists the extraction is the same.
 */
export function sameRecognition(body: string, before: readonly KnownPerson[], after: readonly KnownPerson[]): boolean {
  const index = (known: readonly KnownPerson[]) => {
    const byForm = new Map<string, number>();
    for (const person of known) for (const form of [person.name, ...person.aliases]) byForm.set(form.toLowerCase(), person.id);
    return byForm;
  };
  const a = index(before);
  const b = index(after);
  const unquoted = (text: string) => text.replace(QUOTE_MARKS, '');
  const text = unquoted(body.toLowerCase());
  const readable = (form: string) =>
    unquoted(form)
      .split(/\s+/)
      .every((word) => text.includes(word.replace(/\.+$/, '')));
  for (const form of new Set([...a.keys(), ...b.keys()])) if (a.get(form) !== b.get(form) && readable(form)) return false;
  return true;
}
const QUOTE_MARKS = /['\u2018\u2019\u201a\u201b\u2032`"\u201c\u201d\u201e\u00ab\u00bb]/g;

/** The ingest core's input from an extraction, with the extraction's warnings for the caller to report. */
export type ExtractedIngestInput = IngestInput & { warnings: string[] };

/** Runs the extractor (`run`: the request's worker pool, by default this thread) over an article's body and shapes its result for the ingest core. */
export async function withExtractedEntities(
  article: ArticleFields,
  knownPeople: KnownPerson[],
  run: (input: ExtractInput, knownPeople: KnownPerson[]) => Promise<Extraction> = runExtractor,
): Promise<ExtractedIngestInput> {
  const extraction = await run({ body: article.body, publishedAt: article.publishedAt, source: article.source, headline: article.headline }, knownPeople);
  return {
    ...article,
    extracted: true,
    people: extraction.people.map((p) => ({ name: p.name, aliases: p.aliases, description: p.description, matchId: p.matchId, mentions: p.mentions })),
    statements: extraction.statements.map((s) => ({
      text: s.text,
      kind: s.kind,
      speakerName: s.speakerName,
      speakerLabel: s.speakerLabel,
      channel: s.channel,
      span: s.span,
      spans: s.spans,
      mentions: s.mentions,
    })),
    events: mergeEvents(extraction.events),
    warnings: extraction.warnings,
  };
}

/**
 * The extractor may report one event more than once under one name ("meeting: Paul" at two places
 * in the text); the core keys events by name, so they become one, with the first known dates and
 * place and everyone who took part.
 */
function mergeEvents(found: Extraction['events']): IngestEvent[] {
  const byName = new Map<string, IngestEvent & { participants: { name: string; role: string }[] }>();
  for (const e of found) {
    const key = normalizeWhitespace(e.name).toLowerCase();
    const event = byName.get(key);
    if (!event) {
      byName.set(key, {
        name: e.name,
        kind: e.kind,
        startDate: e.startDate,
        endDate: e.endDate,
        location: e.location,
        participants: e.participants.map((name) => ({ name, role: 'participant' })),
      });
      continue;
    }
    if (event.startDate == null && event.endDate == null) {
      event.startDate = e.startDate;
      event.endDate = e.endDate;
    }
    event.location ??= e.location;
    for (const name of e.participants) {
      if (!event.participants.some((p) => p.name === name)) event.participants.push({ name, role: 'participant' });
    }
  }
  return [...byName.values()];
}
