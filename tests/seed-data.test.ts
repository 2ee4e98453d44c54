import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import seed from '../seeds/cnn-2018-08-08-rand-paul-letter.js';
import type { SeedArticle } from '../seeds/types.js';

const SEEDS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'seeds');
const body = readFileSync(join(SEEDS_DIR, seed.bodyFile), 'utf8');

// The body as published; any edit (e.g. replacing U+00A0 with spaces) changes this.
const BODY_SHA256 = 'dca7c4bb83afeba3beb219e9957ea0cfec6f8433ad3f049b845b2d2a4eaf63fb';

const REQUIRED_PEOPLE = ['rand-paul', 'donald-trump', 'vladimir-putin', 'dmitry-peskov', 'john-brennan', 'hogan-gidley'];
const KINDS = new Set(['DIRECT_QUOTE', 'PARTIAL_QUOTE', 'PARAPHRASE']);
const NBSP = '\u00a0';

/** All start offsets of `needle` in `haystack`. */
function occurrences(haystack: string, needle: string): number[] {
  const out: number[] = [];
  if (!needle) return out;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) out.push(i);
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a name form occurs in the body as a whole word sequence (case-sensitive). Names are
 * stored with ordinary spaces, so U+00A0 in the body counts as a space here, and only here.
 */
function nameOccurs(text: string, name: string): boolean {
  const normalized = text.replaceAll(NBSP, ' ');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(name)}(?![\\p{L}\\p{N}])`, 'u').test(normalized);
}

function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function isIsoTimestamp(s: string): boolean {
  return (isDate(s) || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) && !Number.isNaN(Date.parse(s));
}

/** Resolves a statement's span the way the loader does: the `occurrence`-th match, which must exist. */
function spanOf(text: string, quote: string, occurrence?: number): { start: number; end: number } | null {
  const hits = occurrences(text, quote);
  if (occurrence === undefined && hits.length !== 1) return null; // missing or ambiguous
  const start = hits[occurrence ?? 0];
  return start === undefined ? null : { start, end: start + quote.length };
}

/** Every problem with a seed article against its body; empty when the seed is consistent. */
function validateSeed(a: SeedArticle, text: string): string[] {
  const errors: string[] = [];
  const slugs = new Set<string>();
  const names = new Map<string, string>(); // name form -> slug

  if (!isIsoTimestamp(a.publishedAt)) errors.push(`publishedAt not ISO: ${a.publishedAt}`);
  if (!a.headline.trim()) errors.push('empty headline');

  for (const p of a.people) {
    if (slugs.has(p.slug)) errors.push(`duplicate person slug: ${p.slug}`);
    slugs.add(p.slug);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(p.slug)) errors.push(`bad slug: ${p.slug}`);
    if (!p.description.trim()) errors.push(`${p.slug}: empty description`);
    if (new Set(p.aliases).size !== p.aliases.length) errors.push(`${p.slug}: duplicate alias`);
    for (const form of [p.name, ...p.aliases]) {
      const owner = names.get(form);
      if (owner !== undefined && owner !== p.slug) errors.push(`name form "${form}" used by both ${owner} and ${p.slug}`);
      names.set(form, p.slug);
      if (!nameOccurs(text, form)) errors.push(`${p.slug}: "${form}" does not occur in the body`);
    }
    if (p.aliases.includes(p.name)) errors.push(`${p.slug}: canonical name repeated among aliases`);
  }
  for (const slug of REQUIRED_PEOPLE) if (!slugs.has(slug)) errors.push(`missing person: ${slug}`);

  if (new Set(a.mentionedPeople).size !== a.mentionedPeople.length) errors.push('duplicate in mentionedPeople');
  for (const s of a.mentionedPeople) if (!slugs.has(s)) errors.push(`mentionedPeople: unknown slug ${s}`);
  for (const s of slugs) if (!a.mentionedPeople.includes(s)) errors.push(`mentionedPeople lacks ${s}`);

  const eventKeys = new Set<string>();
  for (const e of a.events) {
    if (eventKeys.has(e.key)) errors.push(`duplicate event key: ${e.key}`);
    eventKeys.add(e.key);
    if (e.startDate !== undefined && !isDate(e.startDate)) errors.push(`${e.key}: bad startDate ${e.startDate}`);
    if (e.endDate !== undefined && !isDate(e.endDate)) errors.push(`${e.key}: bad endDate ${e.endDate}`);
    if (e.startDate && e.endDate && e.startDate > e.endDate) errors.push(`${e.key}: startDate after endDate`);
    const seen = new Set<string>();
    for (const { person, role } of e.participants) {
      if (!slugs.has(person)) errors.push(`${e.key}: unknown participant ${person}`);
      if (!role.trim()) errors.push(`${e.key}: empty role for ${person}`);
      if (seen.has(person)) errors.push(`${e.key}: ${person} listed twice`);
      seen.add(person);
    }
  }

  const spans = new Set<string>();
  a.statements.forEach((s, i) => {
    const id = `statement ${i} ("${s.quote.slice(0, 30)}…")`;
    if (!KINDS.has(s.kind)) errors.push(`${id}: bad kind ${s.kind}`);
    const span = spanOf(text, s.quote, s.occurrence);
    if (!span) {
      errors.push(`${id}: quote not found in body at occurrence ${s.occurrence ?? '(unique)'}`);
    } else {
      const key = `${span.start}:${span.end}`;
      if (spans.has(key)) errors.push(`${id}: duplicate span`);
      spans.add(key);
      const before = text[span.start - 1];
      const after = text[span.end];
      if (s.kind === 'DIRECT_QUOTE' && (before !== '"' || after !== '"')) errors.push(`${id}: direct quote is not exactly the words inside quotation marks`);
      if (s.kind === 'PARTIAL_QUOTE' && !(before === '"' && after === '"') && (s.quote.match(/"/g) ?? []).length < 2)
        errors.push(`${id}: partial quote neither sits inside nor contains quotation marks`);
      if (s.kind === 'PARAPHRASE' && s.quote.includes('"')) errors.push(`${id}: paraphrase contains quotation marks`);
    }
    if (s.quote !== s.quote.trim()) errors.push(`${id}: quote has surrounding whitespace`);
    if (s.speaker === undefined && !s.speakerLabel) errors.push(`${id}: neither speaker nor speakerLabel`);
    if (s.speaker !== undefined && !slugs.has(s.speaker)) errors.push(`${id}: unknown speaker ${s.speaker}`);
    if (s.event !== undefined && !eventKeys.has(s.event)) errors.push(`${id}: unknown event ${s.event}`);
    for (const m of s.mentions) if (!slugs.has(m)) errors.push(`${id}: unknown mention ${m}`);
    if (new Set(s.mentions).size !== s.mentions.length) errors.push(`${id}: duplicate mention`);
    if (!isIsoTimestamp(s.saidAt)) errors.push(`${id}: saidAt not ISO: ${s.saidAt}`);
    else if (Date.parse(s.saidAt) > Date.parse(a.publishedAt)) errors.push(`${id}: saidAt after publication`);
  });

  return errors;
}

const clone = (): SeedArticle => structuredClone(seed);

describe('seed article cnn-2018-08-08-rand-paul-letter', () => {
  it('reads the body byte-for-byte as published (U+00A0 intact)', () => {
    const raw = readFileSync(join(SEEDS_DIR, seed.bodyFile));
    expect(createHash('sha256').update(raw).digest('hex')).toBe(BODY_SHA256);
    expect(body).toContain(NBSP);
  });

  it('has the article metadata', () => {
    expect(seed.url).toBe('https://www.cnn.com/2018/08/08/politics/rand-paul-trump-letter-putin/index.html');
    expect(seed.source).toBe('CNN');
    expect(seed.publishedAt.slice(0, 10)).toBe('2018-08-08');
    expect(seed.bodyFile).toBe('cnn-2018-08-08-rand-paul-letter.txt');
  });

  it('is consistent with its body', () => {
    expect(validateSeed(seed, body)).toEqual([]);
  });

  it('holds the six people, once each', () => {
    const slugs = seed.people.map((p) => p.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect(slugs).toEqual(expect.arrayContaining(REQUIRED_PEOPLE));
    expect(new Set(seed.people.map((p) => p.name)).size).toBe(seed.people.length);
  });

  it('spells every canonical name in full somewhere in the body', () => {
    for (const p of seed.people) expect(nameOccurs(body, p.name), p.name).toBe(true);
  });

  it('attributes the letter to Trump and the tweet to Paul', () => {
    const by = (prefix: string) => seed.statements.find((s) => s.quote.startsWith(prefix));
    expect(by('Senator Paul would appreciate')).toMatchObject({ speaker: 'donald-trump', channel: 'letter', kind: 'DIRECT_QUOTE' });
    expect(by('He is interested in')).toMatchObject({ speaker: 'donald-trump', channel: 'letter', kind: 'DIRECT_QUOTE' });
    expect(by('I was honored')).toMatchObject({ speaker: 'rand-paul', channel: 'tweet', kind: 'DIRECT_QUOTE' });
    expect(by('the letter\u00a0was given')).toMatchObject({ speaker: 'dmitry-peskov', kind: 'PARTIAL_QUOTE' });
    expect(by('a source')).toBeUndefined();
    const source = seed.statements.find((s) => s.speakerLabel === 'a source');
    expect(source?.speaker).toBeUndefined();
    expect(source?.channel).toBe('CNN');
  });
});

// The checks above must be able to fail: each broken copy of the seed is rejected.
describe('validateSeed rejects broken seeds', () => {
  const rejects = (mutate: (a: SeedArticle) => void, pattern: RegExp) => {
    const a = clone();
    mutate(a);
    const errors = validateSeed(a, body);
    expect(
      errors.some((e) => pattern.test(e)),
      errors.join('\n'),
    ).toBe(true);
  };

  it('a quote whose U+00A0 was typed as a space', () =>
    rejects((a) => {
      const s = a.statements.find((x) => x.quote.includes(NBSP))!;
      s.quote = s.quote.replaceAll(NBSP, ' ');
    }, /not found in body/));
  it('an occurrence past the last match', () => rejects((a) => (a.statements[0]!.occurrence = 1), /not found in body/));
  it('an ambiguous quote without occurrence', () => rejects((a) => (a.statements[0]!.quote = 'Putin'), /not found in body/));
  it('a direct quote that includes the quotation marks', () =>
    rejects((a) => {
      const s = a.statements.find((x) => x.kind === 'DIRECT_QUOTE')!;
      s.quote = `"${s.quote}"`;
    }, /direct quote/));
  it('an unknown speaker', () => rejects((a) => (a.statements[0]!.speaker = 'rand-pual'), /unknown speaker/));
  it('an unknown mention', () => rejects((a) => a.statements[0]!.mentions.push('nobody'), /unknown mention/));
  it('an unknown event key', () => rejects((a) => (a.statements[0]!.event = 'nope'), /unknown event/));
  it('an unknown participant', () => rejects((a) => a.events[0]!.participants.push({ person: 'x', role: 'y' }), /unknown participant/));
  it('start after end', () =>
    rejects((a) => {
      a.events[0]!.startDate = '2018-08-13';
      a.events[0]!.endDate = '2018-08-06';
    }, /startDate after endDate/));
  it('an impossible date', () => rejects((a) => (a.events[0]!.startDate = '2018-02-30'), /bad startDate/));
  it('a duplicate person', () => rejects((a) => a.people.push({ ...a.people[0]! }), /duplicate person slug/));
  it('a missing required person', () => rejects((a) => (a.people = a.people.filter((p) => p.slug !== 'hogan-gidley')), /missing person: hogan-gidley/));
  it('an alias the text never uses', () => rejects((a) => a.people[0]!.aliases.push('Senator from Kentucky'), /does not occur/));
  it('an alias that is only part of a word', () => rejects((a) => a.people[1]!.aliases.push('Trum'), /does not occur/));
  it('a person missing from mentionedPeople', () => rejects((a) => a.mentionedPeople.pop(), /mentionedPeople lacks/));
  it('a saidAt after publication', () => rejects((a) => (a.statements[0]!.saidAt = '2018-08-09'), /after publication/));
  it('a duplicate event key', () => rejects((a) => a.events.push({ ...a.events[0]! }), /duplicate event key/));
});
