// Every system's answer, reduced to one canonical shape so the three can be compared for equality.
import { type ReadWorkload, rowIdOf } from './queries.js';

type Json = any;
const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
const day = (v: unknown) => (v == null ? null : String(v).slice(0, 10));
const person = (p: Json) => (p ? { id: Number(p.id), name: p.name } : null);

export interface CanonicalAnswer {
  ok: boolean;
  value: Json;
  error?: string;
}

function fromNewsgraph(w: ReadWorkload, body: Json): Json {
  const d = body.data;
  const nid = (x: Json) => (x ? { ...x, id: rowIdOf(x.id) } : x);
  const participants = (conn: Json) => conn.edges.map((e: Json) => ({ role: e.role, id: rowIdOf(e.node.id), name: e.node.name }));
  if (w === 'W1') {
    const a = d.node;
    if (!a) return null;
    return {
      id: rowIdOf(a.id),
      headline: a.headline,
      source: a.source,
      publishedAt: iso(a.publishedAt),
      statements: a.statements.edges.map(({ node: s }: Json) => ({
        id: rowIdOf(s.id),
        kind: s.kind,
        text: s.text,
        start: s.span?.start ?? null,
        end: s.span?.end ?? null,
        speaker: person(nid(s.speaker)),
      })),
      people: a.people.edges.map(({ node: p }: Json) => person(nid(p))),
      events: a.events.edges.map(({ node: e }: Json) => ({
        id: rowIdOf(e.id),
        name: e.name,
        startDate: day(e.startDate),
        participants: participants(e.participants),
      })),
    };
  }
  if (w === 'W2') {
    const p = d.node;
    if (!p) return null;
    return {
      id: rowIdOf(p.id),
      name: p.name,
      description: p.description ?? null,
      statements: p.statements.edges.map(({ node: s }: Json) => ({
        id: rowIdOf(s.id),
        text: s.text,
        saidAt: iso(s.saidAt),
        article: { id: rowIdOf(s.article.id), headline: s.article.headline },
      })),
      events: p.events.edges.map((e: Json) => ({
        role: e.role,
        id: rowIdOf(e.node.id),
        name: e.node.name,
        startDate: day(e.node.startDate),
        participants: participants(e.node.participants),
      })),
    };
  }
  if (w === 'W3') {
    return d.articles.edges.map(({ node: a }: Json) => ({
      id: rowIdOf(a.id),
      headline: a.headline,
      source: a.source,
      publishedAt: iso(a.publishedAt),
      people: a.people.edges.map(({ node: p }: Json) => person(nid(p))),
      statements: a.statements.edges.map(({ node: s }: Json) => ({ id: rowIdOf(s.id), text: s.text, speaker: person(nid(s.speaker)) })),
    }));
  }
  return d.statements.edges.map(({ node: s }: Json) => ({ id: rowIdOf(s.id), text: s.text, speaker: person(nid(s.speaker)) }));
}

function fromPostgraphile(w: ReadWorkload, body: Json): Json {
  const d = body.data;
  const pp = (p: Json) => (p ? { id: Number(p.rowId), name: p.name } : null);
  const participants = (conn: Json) => conn.nodes.map((n: Json) => ({ role: n.role, id: n.personByPersonId.rowId, name: n.personByPersonId.name }));
  if (w === 'W1') {
    const a = d.articleByRowId;
    if (!a) return null;
    return {
      id: a.rowId,
      headline: a.headline,
      source: a.source,
      publishedAt: iso(a.publishedAt),
      statements: a.statementsByArticleId.nodes.map((s: Json) => ({
        id: s.rowId,
        kind: s.kind,
        text: s.text,
        start: s.spanStart,
        end: s.spanEnd,
        speaker: pp(s.personBySpeakerId),
      })),
      people: a.articlePeopleByArticleId.nodes.map((n: Json) => pp(n.personByPersonId)),
      events: a.articleEventsByArticleId.nodes.map(({ eventByEventId: e }: Json) => ({
        id: e.rowId,
        name: e.name,
        startDate: day(e.startDate),
        participants: participants(e.eventParticipantsByEventId),
      })),
    };
  }
  if (w === 'W2') {
    const p = d.personByRowId;
    if (!p) return null;
    return {
      id: p.rowId,
      name: p.name,
      description: p.description ?? null,
      statements: p.statementsBySpeakerId.nodes.map((s: Json) => ({
        id: s.rowId,
        text: s.text,
        saidAt: iso(s.saidAt),
        article: { id: s.articleByArticleId.rowId, headline: s.articleByArticleId.headline },
      })),
      events: p.eventParticipantsByPersonId.nodes.map((n: Json) => ({
        role: n.role,
        id: n.eventByEventId.rowId,
        name: n.eventByEventId.name,
        startDate: day(n.eventByEventId.startDate),
        participants: participants(n.eventByEventId.eventParticipantsByEventId),
      })),
    };
  }
  if (w === 'W3') {
    return d.allArticles.nodes.map((a: Json) => ({
      id: a.rowId,
      headline: a.headline,
      source: a.source,
      publishedAt: iso(a.publishedAt),
      people: a.articlePeopleByArticleId.nodes.map((n: Json) => pp(n.personByPersonId)),
      statements: a.statementsByArticleId.nodes.map((s: Json) => ({ id: s.rowId, text: s.text, speaker: pp(s.personBySpeakerId) })),
    }));
  }
  return d.benchPgSearchStatements.nodes.map((s: Json) => ({ id: s.rowId, text: s.text, speaker: pp(s.personBySpeakerId) }));
}

/** `baseline` is Newsgraph from another tree (an older commit), run beside this checkout's. */
export type SystemName = 'newsgraph' | 'baseline' | 'postgraphile' | 'floor';

export const isNewsgraph = (system: SystemName): boolean => system === 'newsgraph' || system === 'baseline';

/** The floor already answers in the canonical shape. */
export function canonical(system: SystemName, w: ReadWorkload, body: Json): CanonicalAnswer {
  try {
    if (system !== 'floor' && body.errors?.length) return { ok: false, value: null, error: JSON.stringify(body.errors).slice(0, 500) };
    const value = isNewsgraph(system) ? fromNewsgraph(w, body) : system === 'postgraphile' ? fromPostgraphile(w, body) : body;
    return { ok: true, value };
  } catch (e) {
    return { ok: false, value: null, error: `unexpected shape: ${(e as Error).message}; ${JSON.stringify(body).slice(0, 300)}` };
  }
}

/** First difference between two canonical values, as a path, or null when equal. */
export function firstDifference(a: Json, b: Json, path = '$'): string | null {
  if (a === b) return null;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object')
    return `${path}: ${JSON.stringify(a)?.slice(0, 120)} != ${JSON.stringify(b)?.slice(0, 120)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  if (Array.isArray(a)) {
    if (a.length !== b.length) return `${path}: length ${a.length} != ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference(a[k], b[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}
