// npm run eval:people -- <folder | file> ... [--out <file.md>]
// DATABASE_URL=... npm run eval:people -- --no-ingest    (measures a database already ingested)
//
// Ingests the articles into a fresh database (DATABASE_URL, which must hold no articles yet, or an
// in-memory PGlite) as `npm run ingest` does, then prints how well people and quotations came
// out, as a markdown table:
// - people: rows in `people`.
// - not a person's name (the rule): a row whose name is one word; or has more than three words
//   besides initials and a Jr./Sr. suffix; or holds a word of an organisation or place
//   ("Campaign", "House", "Committee", "News"...); or a word of three letters or more that,
//   lowercased and alone, compromise tags as a preposition, conjunction, determiner, pronoun,
//   copula or modal ("With", "Some", "Is"), or as a verb or adverb when it comes after two name
//   words ("Donald Trump Leads"), and not as a name.
// - the most quoted people: rows are grouped into one person by family name + suffix and
//   compatible first given names (src/ingest/name-match.ts `sameNameForms`), most quoted row
//   first; a row without a given name ("Kasich", "X Trump") joins the most quoted group of its
//   family name; "rows" counts the rows of a group holding statements, "share" is the group's first
//   row's part of the statements of the whole group plus those whose speakerLabel is the group's
//   full name. Bare-surname labels left unresolved are counted apart ("surname labels").
// - quotations: how many have 2 or more occurrences, and how many (speaker, normalised text)
//   pairs reported in two or more articles are NOT one quotation (should be 0).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import nlp from 'compromise';
import { sql } from 'drizzle-orm';
import { createDb, rowsOf } from '../src/db/index.js';
import { bulkItems, ingestBulkArticle, planSources, runBulkIngest } from '../src/ingest/bulk.js';
import { nameParts, sameNameForms, surnameKey } from '../src/ingest/name-match.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, top: { type: 'string', default: '20' }, 'no-ingest': { type: 'boolean', default: false } },
});
const ingest = !values['no-ingest'];
if (ingest === (positionals.length === 0)) {
  console.error(
    'usage: npm run eval:people -- <folder | file> ... [--out <file.md>] [--top <n>]\n       DATABASE_URL=... npm run eval:people -- --no-ingest   (measure a database as it is)',
  );
  process.exit(2);
}

const database = await createDb({ databaseUrl: process.env.DATABASE_URL, pgliteDir: 'memory://', maxConnections: 2, statementTimeoutMs: 0 });
if (ingest) await database.migrate();
const db = database.db;
const [{ n: existing }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from articles`)) as [{ n: number }];
if (ingest && Number(existing) > 0) {
  console.error('the database already holds articles: give a fresh one (createdb ...), or no DATABASE_URL for an in-memory one');
  process.exit(2);
}

const summary = ingest ? await runBulkIngest((article, now) => ingestBulkArticle(db, article, now), bulkItems(await planSources(positionals))) : null;

const ORG_WORDS = new Set(
  (
    'campaign house committee party department administration inc corp corporation company co news times post network foundation institute ' +
    'university college council association agency bureau office group senate congress court union center centre fund pac club church ' +
    'coalition commission board ministry government state states journal press media television radio tv reuters democrats republicans ' +
    'gop america american nation national county city republic kingdom street endeavor capital bank federal international organization ' +
    'school hospital police army navy airlines'
  ).split(' '),
);
// Function words are never part of a name; a verb or adverb is, as a surname ("Rick Gates"), but
// not after a given name and a surname ("Donald Trump Leads").
const FUNCTION_TAGS = ['#Preposition', '#Conjunction', '#Determiner', '#Pronoun', '#QuestionWord', '#Copula', '#Modal', '#Auxiliary'];
const LATE_TAGS = ['#Verb', '#Adverb'];

function notAPersonName(name: string): string | null {
  const words = name.split(/\s+/).filter(Boolean);
  if (words.length === 1) return 'one word';
  const parts = nameParts(name);
  if (!parts || parts.given.length + 1 > 3) return 'more than three words';
  let position = 0;
  for (const word of words) {
    const lower = word
      .replace(/[.,'’]+$/u, '')
      .replace(/['’]s$/u, '')
      .toLowerCase();
    if (ORG_WORDS.has(lower)) return 'organisation or place word';
    if (lower.length <= 2 || /['’]/u.test(lower)) continue; // initials, "de", "al", "D’Souza"
    position++;
    const doc = nlp(lower);
    if (doc.has('#Person') || doc.has('#FirstName') || doc.has('#LastName')) continue;
    if (FUNCTION_TAGS.some((tag) => doc.has(tag))) return 'function word';
    if (position >= 3 && LATE_TAGS.some((tag) => doc.has(tag))) return 'verb or adverb after the name';
  }
  return null;
}

const people = rowsOf<{ id: number; name: string; aliases: string[]; statements: number }>(
  await db.execute(sql`select p.id, p.name, p.aliases, (select count(*)::int from statements s where s.speaker_id = p.id) as statements
    from people p order by statements desc, p.id`),
).map((p) => ({ ...p, statements: Number(p.statements) }));
const labels = rowsOf<{ label: string; n: number }>(
  await db.execute(
    sql`select lower(speaker_label) as label, count(*)::int as n from statements where speaker_id is null and speaker_label is not null group by 1`,
  ),
);
const labelCount = new Map(labels.map((l) => [l.label.replace(/^(the|mr\.?|mrs\.?|ms\.?)\s+/, ''), Number(l.n)]));

const nonPeople = people.map((p) => ({ ...p, why: notAPersonName(p.name) })).filter((p) => p.why);

// Group rows into persons, most quoted first.
type Group = { head: (typeof people)[number]; rows: (typeof people)[number][] };
const groups: Group[] = [];
const grouped = new Set<number>();
for (const head of people) {
  if (grouped.has(head.id) || head.statements === 0 || !nameParts(head.name)?.given.length) continue;
  const rows = people.filter((p) => !grouped.has(p.id) && sameNameForms(head.name, p.name));
  for (const row of rows) grouped.add(row.id);
  groups.push({ head, rows });
}
// A row without a given name ("Kasich", "X Trump") joins the most quoted group of its family name.
const groupStatements = (g: Group) => g.rows.reduce((n, r) => n + r.statements, 0);
for (const row of people) {
  if (grouped.has(row.id) || row.statements === 0) continue;
  const key = surnameKey(row.name);
  const group = groups.filter((g) => surnameKey(g.head.name) === key).sort((a, b) => groupStatements(b) - groupStatements(a))[0];
  if (group) {
    group.rows.push(row);
    grouped.add(row.id);
  }
}
groups.sort((a, b) => groupStatements(b) - groupStatements(a));
const top = groups.slice(0, Number(values.top));
const quotations = await db
  .execute(sql`select
      (select count(*)::int from quotations where occurrence_count >= 2) as repeated,
      (select count(*)::int from quotations) as total,
      (select count(*)::int from (
        select s.speaker_id, regexp_replace(lower(s.text), '[^[:alnum:]]+', ' ', 'g')
        from statements s where s.speaker_id is not null and s.kind <> 'PARAPHRASE'
        group by 1, 2 having count(distinct s.article_id) >= 2 and (count(distinct s.quotation_id) <> 1 or bool_or(s.quotation_id is null))) split) as split`)
  .then((r) => rowsOf<{ repeated: number; total: number; split: number }>(r)[0]!)
  .catch(() => null); // a database without quotations (before they existed)

const pct = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)} %`);
const lines = [
  summary
    ? `Ingested ${summary.inputs} inputs (${summary.failures.length} failed) in ${summary.seconds.toFixed(1)} s on ${database.driver}.`
    : `Measured the database as it is (${existing} articles, ${database.driver}).`,
  '',
  '| measure | value |',
  '|---|---|',
  `| people | ${people.length} |`,
  `| single-word people | ${people.filter((p) => p.name.trim().split(/\s+/).length === 1).length} |`,
  `| not a person's name (rule above) | ${nonPeople.length} (${pct(nonPeople.length, people.length)}) |`,
  `| statements with a speaker / with a label only | ${people.reduce((n, p) => n + p.statements, 0)} / ${labels.reduce((n, l) => n + Number(l.n), 0)} |`,
  `| quotations / with 2+ occurrences | ${quotations ? `${quotations.total} / ${quotations.repeated}` : '-'} |`,
  `| identical quotes by one speaker in 2+ articles not sharing one quotation | ${quotations ? quotations.split : '-'} |`,
  '',
  `Top ${top.length} most quoted people:`,
  '',
  '| # | person (top row) | rows holding statements | top row / group statements | share | surname labels | other rows |',
  '|---|---|---|---|---|---|---|',
  ...top.map((g, i) => {
    const holding = g.rows.filter((r) => r.statements > 0);
    const total = g.rows.reduce((n, r) => n + r.statements, 0) + (labelCount.get(g.head.name.toLowerCase()) ?? 0);
    const surname = surnameKey(g.head.name) ?? '';
    const others = holding
      .filter((r) => r.id !== g.head.id)
      .map((r) => `${r.name} (${r.statements})`)
      .join(', ');
    return `| ${i + 1} | ${g.head.name} | ${holding.length} | ${g.head.statements} / ${total} | ${pct(g.head.statements, total)} | ${labelCount.get(surname) ?? 0} | ${others} |`;
  }),
  '',
  `Sample of rows counted as not a person's name: ${
    nonPeople
      .slice(0, 25)
      .map((p) => `"${p.name}" (${p.why})`)
      .join(', ') || 'none'
  }.`,
];
const table = lines.join('\n');
console.log(table);
if (values.out) writeFileSync(values.out, `${table}\n`);
await database.close();
