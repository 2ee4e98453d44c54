// The graph an ingest stored, by natural keys, for comparing two ways of ingesting the same articles.
import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../../src/db/index.js';

/** The stored graph by natural keys (names, URLs, words), not ids: a rolled-back batch uses up ids. */
export async function storedGraph(db: Database['db']) {
  const q = async (query: string) => rowsOf<Record<string, unknown>>(await db.execute(sql.raw(query)));
  return {
    people: await q(`select slug, name, aliases, description, surname_key from people order by slug`),
    articles: await q(`select url, headline, source, published_at, body from articles order by url`),
    articlePeople: await q(`select a.url, p.slug, ap.mention_count from article_people ap
      join articles a on a.id = ap.article_id join people p on p.id = ap.person_id order by 1, 2`),
    events: await q(`select a.url, e.name, e.kind, e.start_date, e.end_date, e.location from events e
      join article_events ae on ae.event_id = e.id join articles a on a.id = ae.article_id order by 1, 2`),
    participants: await q(`select e.name, p.slug, ep.role from event_participants ep
      join events e on e.id = ep.event_id join people p on p.id = ep.person_id order by 1, 2`),
    statements: await q(`select a.url, s.span_start, s.span_end, s.spans, s.text, s.kind, sp.slug as speaker, s.speaker_label,
        s.speaker_confidence, s.channel, s.said_at, e.name as event, q.key as quotation
      from statements s join articles a on a.id = s.article_id left join people sp on sp.id = s.speaker_id
      left join events e on e.id = s.event_id left join quotations q on q.id = s.quotation_id order by 1, 2, s.text`),
    mentions: await q(`select a.url, s.span_start, s.text, p.slug from statement_mentions m
      join statements s on s.id = m.statement_id join articles a on a.id = s.article_id join people p on p.id = m.person_id
      order by 1, 2, 3, 4`),
    quotations: await q(
      `select p.slug, q.key, q.text, q.first_reported_at, q.occurrence_count from quotations q join people p on p.id = q.speaker_id order by 1, 2`,
    ),
    // The live log: each stored statement once, in the order subscribers are given them.
    statementLog: await q(`select a.url, s.text from statement_events ev join statements s on s.id = ev.statement_id
      join articles a on a.id = s.article_id order by ev.position`),
  };
}
