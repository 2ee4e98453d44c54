// The floor: the same data with hand-written SQL through postgres.js and JSON.stringify, no GraphQL.
// Answers in the bench's canonical shape. Env: DATABASE_URL, PORT, DB_POOL_MAX.
import { createServer } from 'node:http';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, { max: Number(process.env.DB_POOL_MAX ?? 10), onnotice: () => {} });
const iso = (d: Date) => d.toISOString();
const speaker = (r: { pid: number | null; pname: string | null }) => (r.pid == null ? null : { id: r.pid, name: r.pname });

const participants = sql`coalesce((select json_agg(json_build_object('role', x.role, 'id', x.id, 'name', x.name) order by x.name, x.id) from (
    select ep.role, p.id, p.name from event_participants ep join people p on p.id = ep.person_id
    where ep.event_id = e.id order by p.name, p.id limit 20) x), '[]'::json) as participants`;

async function w1(id: number) {
  const [[a], statements, people, events] = await Promise.all([
    sql`select id, headline, source, published_at from articles where id = ${id}`,
    sql`select s.id, s.kind, s.text, s.span_start, s.span_end, p.id as pid, p.name as pname
        from statements s left join people p on p.id = s.speaker_id
        where s.article_id = ${id} order by coalesce(s.span_start, 2147483647), s.id limit 100`,
    sql`select p.id, p.name from article_people ap join people p on p.id = ap.person_id
        where ap.article_id = ${id} order by p.name, p.id limit 50`,
    sql`select e.id, e.name, e.start_date::text as start_date, ${participants}
        from article_events ae join events e on e.id = ae.event_id
        where ae.article_id = ${id} order by coalesce(e.start_date, '-infinity'::date) desc, e.id desc limit 20`,
  ]);
  if (!a) return null;
  return {
    id: a.id,
    headline: a.headline,
    source: a.source,
    publishedAt: iso(a.published_at),
    statements: statements.map((s) => ({ id: s.id, kind: s.kind, text: s.text, start: s.span_start, end: s.span_end, speaker: speaker(s as never) })),
    people: people.map((p) => ({ id: p.id, name: p.name })),
    events: events.map((e) => ({ id: e.id, name: e.name, startDate: e.start_date, participants: e.participants })),
  };
}

async function w2(id: number) {
  const [[p], statements, events] = await Promise.all([
    sql`select id, name, description from people where id = ${id}`,
    sql`select s.id, s.text, s.said_at, a.id as aid, a.headline from statements s join articles a on a.id = s.article_id
        where s.speaker_id = ${id} order by s.said_at desc, s.id desc limit 20`,
    sql`select ep.role, e.id, e.name, e.start_date::text as start_date, ${participants}
        from event_participants ep join events e on e.id = ep.event_id
        where ep.person_id = ${id} order by coalesce(e.start_date, '-infinity'::date) desc, e.id desc limit 10`,
  ]);
  if (!p) return null;
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    statements: statements.map((s) => ({ id: s.id, text: s.text, saidAt: iso(s.said_at), article: { id: s.aid, headline: s.headline } })),
    events: events.map((e) => ({ role: e.role, id: e.id, name: e.name, startDate: e.start_date, participants: e.participants })),
  };
}

async function w3() {
  const rows = await sql`select a.id, a.headline, a.source, a.published_at,
      coalesce((select json_agg(json_build_object('id', x.id, 'name', x.name) order by x.name, x.id) from (
        select p.id, p.name from article_people ap join people p on p.id = ap.person_id
        where ap.article_id = a.id order by p.name, p.id limit 5) x), '[]'::json) as people,
      coalesce((select json_agg(json_build_object('id', y.id, 'text', y.text, 'speaker',
          case when y.pid is null then null else json_build_object('id', y.pid, 'name', y.pname) end) order by y.pos, y.id) from (
        select s.id, s.text, coalesce(s.span_start, 2147483647) as pos, p.id as pid, p.name as pname
        from statements s left join people p on p.id = s.speaker_id
        where s.article_id = a.id order by coalesce(s.span_start, 2147483647), s.id limit 3) y), '[]'::json) as statements
    from articles a order by a.published_at desc, a.id desc limit 20`;
  return rows.map((a) => ({ id: a.id, headline: a.headline, source: a.source, publishedAt: iso(a.published_at), people: a.people, statements: a.statements }));
}

async function w4(q: string) {
  const rows = await sql`select s.id, s.text, p.id as pid, p.name as pname
    from statements s left join people p on p.id = s.speaker_id
    where s.search @@ websearch_to_tsquery('english', ${q})
    order by ts_rank(s.search, websearch_to_tsquery('english', ${q})) desc, s.id desc limit 10`;
  return rows.map((s) => ({ id: s.id, text: s.text, speaker: speaker(s as never) }));
}

// W5: the same write as Newsgraph's createStatement (article locked for share, speaker checked, said_at
// defaulting to the article's publication, the article-people link), in one transaction.
async function w5(input: { articleId: number; speakerId: number | null; kind: string; text: string; saidAt?: string }) {
  return sql.begin(async (tx) => {
    const [a] = await tx`select published_at from articles where id = ${input.articleId} for share`;
    if (!a) throw new Error('no such article');
    if (input.speakerId != null && !(await tx`select 1 from people where id = ${input.speakerId} for share`).length) throw new Error('no such person');
    const [row] = await tx`insert into statements (article_id, speaker_id, kind, text, said_at)
      values (${input.articleId}, ${input.speakerId}, ${input.kind}, ${input.text.replace(/\s+/g, ' ').trim()}, ${input.saidAt ? new Date(input.saidAt) : a.published_at})
      returning id`;
    if (input.speakerId != null) {
      await tx`insert into article_people (article_id, person_id) values (${input.articleId}, ${input.speakerId}) on conflict do nothing`;
    }
    return { id: row!.id };
  });
}

const readBody = (req: import('node:http').IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url!, 'http://floor');
    if (req.method === 'POST' && url.pathname === '/w5') {
      const text = JSON.stringify(await w5(JSON.parse(await readBody(req))));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      return;
    }
    const id = Number(url.searchParams.get('id'));
    const body =
      url.pathname === '/w1'
        ? await w1(id)
        : url.pathname === '/w2'
          ? await w2(id)
          : url.pathname === '/w3'
            ? await w3()
            : url.pathname === '/w4'
              ? await w4(url.searchParams.get('q') ?? '')
              : url.pathname === '/health'
                ? { ok: true }
                : undefined;
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  } catch (e) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 4100), '127.0.0.1', () => console.log(`floor listening on ${process.env.PORT}`));
const stop = () => server.close(() => sql.end({ timeout: 2 }).then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
