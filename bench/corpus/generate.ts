// Deterministic, seedable generator of news-shaped data and its bulk loader (COPY through postgres.js).
//
// Shape: ~10 statements and ~8 people per article; who appears (and so who speaks) is Zipf-distributed
// over people, so a few people speak very often; events have 2-20 participants; statement text is
// real English words for full-text search.
//
// Orderings the peer (PostGraphile) cannot express without extra SQL are made to agree with id order,
// so every system can be asked for exactly the same rows:
// - people are numbered in name order (the database sorts the names), so "by name" == "by id";
// - events are numbered in start-date order, so "newest first" == "id descending";
// - articles and statements are numbered in time order.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import type postgres from 'postgres';
import {
  ADJECTIVES,
  CHANNELS,
  CITIES,
  DAYS,
  EVENT_KINDS,
  FIRST_NAMES,
  GROUPS,
  HEADLINES,
  LAST_NAMES,
  LEADINS,
  NOUNS,
  ROLES_DESCRIPTIONS,
  SOURCES,
  TEMPLATES,
  TITLES,
  UNNAMED,
  VERBS,
} from './words.js';

export type Size = 'S' | 'M' | 'L';
export const SIZES: Record<Size, { articles: number }> = {
  S: { articles: 1_000 }, // ~10k statements
  M: { articles: 10_000 }, // ~100k statements
  L: { articles: 100_000 }, // ~1M statements
};

export interface CorpusPlan {
  size: Size;
  seed: number;
  articles: number;
  people: number;
  events: number;
}

export function planFor(size: Size, seed: number): CorpusPlan {
  const articles = SIZES[size].articles;
  return { size, seed, articles, people: Math.round(articles * 0.5) + 200, events: Math.round(articles * 0.25) };
}

/** sfc32: small, fast, good enough, and the same on every machine. */
export function rng(seed: number) {
  let a = 0x9e3779b9,
    b = 0x243f6a88,
    c = 0xb7e15162,
    d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, int, pick };
}
export type Rng = ReturnType<typeof rng>;

/** Samples 0..n-1 with P(k) ∝ 1/(k+1)^s. */
export function zipf(n: number, s: number) {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cdf[k] = total += 1 / Math.pow(k + 1, s);
  for (let k = 0; k < n; k++) cdf[k]! /= total;
  return (r: Rng) => {
    const u = r.next();
    let lo = 0,
      hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

// COPY text format: escape backslash, tab, newline, carriage return; \N is NULL.
const esc = (v: unknown): string => {
  if (v == null) return '\\N';
  const s = v instanceof Date ? v.toISOString() : String(v);
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
};
const row = (...vs: unknown[]) => vs.map(esc).join('\t') + '\n';
const pgArray = (xs: string[]) => `{${xs.map((x) => `"${x.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;

const START = Date.UTC(2022, 0, 1);
const SPAN_MS = 3 * 365 * 24 * 3600 * 1000;

interface Person {
  id: number;
  name: string;
  last: string;
  title: string | null;
}

function fill(template: string, r: Rng, nouns: () => string, extra: Record<string, () => string> = {}) {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (extra[key]) return extra[key]!();
    switch (key) {
      case 'noun':
        return nouns();
      case 'adj':
        return r.pick(ADJECTIVES);
      case 'verb':
        return r.pick(VERBS);
      case 'group':
        return r.pick(GROUPS);
      case 'City':
        return r.pick(CITIES);
      case 'day':
        return r.pick(DAYS);
      case 'channel':
        return r.pick(CHANNELS);
      default:
        return key;
    }
  });
}

/** One COPY stream per table, fed with backpressure. */
class CopySink {
  private buffer: string[] = [];
  private size = 0;
  private readonly stream: Readable;
  private readonly done: Promise<void>;
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(writable: Writable) {
    const self = this;
    this.stream = new Readable({
      read() {
        self.wake?.();
        self.wake = null;
      },
    });
    this.done = pipeline(this.stream, writable);
  }

  async write(line: string) {
    this.buffer.push(line);
    this.size += line.length;
    if (this.size > 1 << 18) await this.flush();
  }

  async flush() {
    if (!this.buffer.length) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (!this.stream.push(chunk)) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  async end() {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    this.stream.push(null);
    await this.done;
  }
}

export interface LoadStats {
  articles: number;
  people: number;
  events: number;
  statements: number;
  articlePeople: number;
  eventParticipants: number;
  mentions: number;
  seconds: number;
}

/**
 * Generates the corpus and streams it into the (migrated, empty) tables. Secondary indexes and foreign
 * keys are dropped for the load and rebuilt afterwards, exactly as they were defined.
 */
export async function loadCorpus(sql: postgres.Sql, plan: CorpusPlan, log: (m: string) => void = console.log): Promise<LoadStats> {
  const t0 = performance.now();
  const r = rng(plan.seed);
  const nounOf = zipf(NOUNS.length, 1.05);
  const noun = () => NOUNS[nounOf(r)]!;

  // People: unique names, numbered in the database's own name order.
  const names = new Set<string>();
  const parts = new Map<string, { last: string }>();
  while (names.size < plan.people) {
    const first = r.pick(FIRST_NAMES),
      last = r.pick(LAST_NAMES);
    let name = `${first} ${last}`;
    if (names.has(name)) name = `${first} ${String.fromCharCode(65 + r.int(0, 25))}. ${last}`;
    if (names.has(name)) continue;
    names.add(name);
    parts.set(name, { last });
  }
  const sorted = (await sql`select n from unnest(${[...names]}::text[]) as n order by n`).map((x) => x.n as string);
  const people: Person[] = sorted.map((name, i) => ({
    id: i + 1,
    name,
    last: parts.get(name)!.last,
    title: r.next() < 0.6 ? r.pick(TITLES) : null,
  }));
  // Popularity is a random permutation of people, so the famous are spread over the alphabet.
  const byPopularity = people.slice();
  for (let i = byPopularity.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [byPopularity[i], byPopularity[j]] = [byPopularity[j]!, byPopularity[i]!];
  }
  const popularRank = zipf(people.length, 1.0);
  const popular = () => byPopularity[popularRank(r)]!;

  // Drop secondary indexes and foreign keys for the load; remember their definitions.
  const tables = ['articles', 'people', 'events', 'statements', 'article_people', 'article_events', 'event_participants', 'statement_mentions'];
  const fks = await sql`select conrelid::regclass::text as tbl, conname, pg_get_constraintdef(oid) as def from pg_constraint
    where contype = 'f' and conrelid::regclass::text = any(${tables})`;
  const indexes = await sql`select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def from pg_index i
    where i.indrelid::regclass::text = any(${tables}) and not i.indisprimary and not i.indisunique`;
  for (const fk of fks) await sql.unsafe(`alter table ${fk.tbl} drop constraint ${fk.conname}`);
  for (const ix of indexes) await sql.unsafe(`drop index ${ix.name}`);
  // The corpus is history, not news: user triggers (e.g. the statement_added log/NOTIFY) stay off for the load.
  for (const t of tables) await sql.unsafe(`alter table ${t} disable trigger user`);

  const copy = async (table: string, cols: string[]) =>
    new CopySink((await sql.unsafe(`copy ${table} (${cols.join(', ')}) from stdin`).writable()) as unknown as Writable);

  const sinks = {
    people: await copy('people', ['id', 'slug', 'name', 'aliases', 'description']),
    events: await copy('events', ['id', 'name', 'kind', 'start_date', 'end_date', 'location', 'description']),
    participants: await copy('event_participants', ['event_id', 'person_id', 'role']),
    articles: await copy('articles', ['id', 'url', 'headline', 'source', 'published_at', 'body']),
    articlePeople: await copy('article_people', ['article_id', 'person_id']),
    articleEvents: await copy('article_events', ['article_id', 'event_id']),
    statements: await copy('statements', [
      'id',
      'article_id',
      'speaker_id',
      'speaker_label',
      'event_id',
      'kind',
      'text',
      'channel',
      'said_at',
      'span_start',
      'span_end',
    ]),
    mentions: await copy('statement_mentions', ['statement_id', 'person_id']),
  };

  const slugs = new Set<string>();
  for (const p of people) {
    let slug = p.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    if (slugs.has(slug)) slug = `${slug}-${p.id}`;
    slugs.add(slug);
    const aliases = [p.last, ...(p.title ? [`${p.title} ${p.last}`] : [])];
    await sinks.people.write(row(p.id, slug, p.name, pgArray(aliases), r.next() < 0.8 ? r.pick(ROLES_DESCRIPTIONS) : null));
  }
  await sinks.people.end();

  // Events, in start-date order, each with 2-20 participants (mostly few).
  const eventParticipants: number[][] = [];
  let participantRows = 0;
  for (let e = 1; e <= plan.events; e++) {
    const start = new Date(START + ((e - 0.5) / plan.events) * SPAN_MS);
    const day = start.toISOString().slice(0, 10);
    const end = r.next() < 0.3 ? new Date(start.getTime() + r.int(1, 4) * 86400_000).toISOString().slice(0, 10) : null;
    const n = 2 + Math.floor(18 * Math.pow(r.next(), 2.2));
    const members = new Set<Person>();
    while (members.size < n) members.add(popular());
    const list = [...members];
    eventParticipants.push(list.map((p) => p.id));
    const kind = r.pick(EVENT_KINDS);
    const city = r.pick(CITIES);
    await sinks.events.write(
      row(e, `${list[0]!.last}–${list[1]!.last} ${kind} in ${city}`, kind, day, end, city, `The ${kind} on ${noun()} and ${noun()} in ${city}.`),
    );
    for (const [i, p] of list.entries()) {
      await sinks.participants.write(row(e, p.id, i === 0 ? 'host' : r.pick(['participant', 'participant', 'guest', 'speaker', 'observer'])));
      participantRows++;
    }
  }
  await sinks.events.end();
  await sinks.participants.end();

  const bar = new cliProgress.SingleBar(
    {
      format: `  corpus ${plan.size} [{bar}] {percentage}% | {value}/{total} articles | {statements} statements | {duration}s`,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(plan.articles, 0, { statements: 0 });

  const step = SPAN_MS / plan.articles;
  let statementId = 0,
    articlePeopleRows = 0,
    mentionRows = 0;
  for (let a = 1; a <= plan.articles; a++) {
    const published = new Date(START + (a - 1) * step + r.next() * step * 0.3 + 15 * 60_000);
    const [source, domain] = r.pick(SOURCES);
    // Events reported: recent ones (ids close to the article's point in time).
    const nearEvent = Math.max(1, Math.min(plan.events, Math.round((a / plan.articles) * plan.events)));
    const nEvents = r.next() < 0.25 ? 0 : r.int(1, 3);
    const articleEvents = new Set<number>();
    for (let i = 0; i < nEvents; i++) articleEvents.add(Math.max(1, nearEvent - r.int(0, 6)));
    // People: some participants of those events, the rest by popularity; ~8 in all.
    const target = r.int(4, 12);
    const cast = new Set<Person>();
    for (const e of articleEvents) for (const pid of eventParticipants[e - 1]!.slice(0, r.int(1, 3))) cast.add(people[pid - 1]!);
    while (cast.size < target) cast.add(popular());
    const castList = [...cast];
    for (const p of castList) await sinks.articlePeople.write(row(a, p.id));
    articlePeopleRows += castList.length;
    for (const e of articleEvents) await sinks.articleEvents.write(row(a, e));
    const eventList = [...articleEvents];

    const headline = fill(r.pick(HEADLINES), r, noun, {
      Name: () => castList[0]!.name,
      Name2: () => castList[1]!.name,
      Source: () => source,
    });
    const speakerRank = zipf(castList.length, 1.2);
    let body = `${headline}\n\n${r.pick(CITIES).toUpperCase()} (${source}) — ${fill('Talks on {noun} and {noun} dominated the week.', r, noun)}\n\n`;
    const n = r.int(6, 14);
    for (let j = 0; j < n; j++) {
      statementId++;
      const unnamed = r.next() < 0.08;
      const speaker = unnamed ? null : castList[speakerRank(r)]!;
      const u = r.next();
      const kind = u < 0.45 ? 'DIRECT_QUOTE' : u < 0.65 ? 'PARTIAL_QUOTE' : 'PARAPHRASE';
      let text = fill(r.pick(TEMPLATES), r, noun);
      if (kind === 'PARTIAL_QUOTE') text = text.split(' ').slice(0, r.int(4, 8)).join(' ');
      const label = speaker ? (speaker.title && r.next() < 0.5 ? `${speaker.title} ${speaker.last}` : speaker.name) : r.pick(UNNAMED);
      const lead = fill(r.pick(LEADINS), r, noun, { Name: () => label, title: () => speaker?.title ?? 'official' });
      let spanStart: number;
      if (kind === 'PARAPHRASE') {
        body += `${label} said that `;
        spanStart = body.length;
        body += `${text}\n\n`;
      } else {
        body += '"';
        spanStart = body.length;
        body += `${text}" ${lead}\n\n`;
      }
      const saidAt = new Date(published.getTime() - (n - 1 - j) * 30_000);
      const channel = r.next() < 0.3 ? r.pick(CHANNELS) : null;
      const eventId = eventList.length && r.next() < 0.4 ? r.pick(eventList) : null;
      await sinks.statements.write(row(statementId, a, speaker?.id ?? null, label, eventId, kind, text, channel, saidAt, spanStart, spanStart + text.length));
      if (r.next() < 0.3) {
        const other = r.pick(castList);
        if (other !== speaker) {
          await sinks.mentions.write(row(statementId, other.id));
          mentionRows++;
        }
      }
    }
    const slug = headline
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60);
    const ymd = published.toISOString().slice(0, 10).replace(/-/g, '/');
    await sinks.articles.write(row(a, `https://${domain}/${ymd}/${slug}-${a}`, headline, source, published, body));
    if (a % 500 === 0 || a === plan.articles) bar.update(a, { statements: statementId });
  }
  for (const sink of Object.values(sinks)) await sink.end();
  bar.stop();
  // What the service's triggers (off for the load) keep on each link row: its target's sort key.
  await sql.unsafe(`update article_people l set article_published_at = t.published_at from articles t where t.id = l.article_id`);
  await sql.unsafe(`update event_participants l set event_start = t.start_date from events t where t.id = l.event_id`);
  await sql.unsafe(`update statement_mentions l set statement_said_at = t.said_at from statements t where t.id = l.statement_id`);
  // ...and the words that rank a statement above the lowest (drizzle/0005).
  await sql.unsafe(`insert into statement_search_tiers (statement_id, lexeme, rank)
    select s.id, w.lexeme, r.rank from statements s, unnest(s.search) w, ts_rank(s.search, search_word_query(w.lexeme)) r(rank)
    where r.rank > search_lowest_rank()`);
  log(`  loaded rows in ${((performance.now() - t0) / 1000).toFixed(1)}s; rebuilding ${indexes.length} indexes and ${fks.length} foreign keys`);

  await sql.unsafe(`set maintenance_work_mem = '512MB'`);
  for (const ix of indexes) await sql.unsafe(ix.def);
  for (const fk of fks) await sql.unsafe(`alter table ${fk.tbl} add constraint ${fk.conname} ${fk.def}`);
  for (const t of tables) await sql.unsafe(`alter table ${t} enable trigger user`);
  for (const t of ['articles', 'people', 'events', 'statements']) {
    await sql.unsafe(`select setval(pg_get_serial_sequence('${t}', 'id'), (select coalesce(max(id), 1) from ${t}))`);
  }
  await sql.unsafe('vacuum analyze').simple();
  const seconds = (performance.now() - t0) / 1000;
  return {
    articles: plan.articles,
    people: people.length,
    events: plan.events,
    statements: statementId,
    articlePeople: articlePeopleRows,
    eventParticipants: participantRows,
    mentions: mentionRows,
    seconds,
  };
}
