// Database refusals (constraint violations, out-of-range values) as the client's coded errors.
import { type ErrorCode, userError } from '../errors.js';

/** Which input field to blame when a constraint refuses a write. */
export type ConstraintFields = Record<string, string>;

const DEFAULT_CONSTRAINT_FIELDS: ConstraintFields = {
  articles_url_key: 'input.url',
  people_slug_key: 'input.name',
  events_dates_ordered: 'input.endDate',
  statements_span_ordered: 'input.span',
  statements_article_id_articles_id_fk: 'input.articleId',
  statements_speaker_id_people_id_fk: 'input.speakerId',
  statements_event_id_events_id_fk: 'input.eventId',
  statement_mentions_person_id_people_id_fk: 'input.mentionIds',
  event_participants_person_id_people_id_fk: 'input.personId',
  event_participants_event_id_events_id_fk: 'input.eventId',
  article_events_article_id_articles_id_fk: 'input.articleIds',
};

export const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

export interface PgError {
  code: string;
  constraint?: string;
  constraint_name?: string;
}

export function findPgError(error: unknown): PgError | null {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e as PgError;
  }
  return null;
}

/** A deadlock or serialization failure: the transaction is worth running again. */
export function isRetryable(error: unknown): boolean {
  const pg = findPgError(error);
  return pg != null && RETRYABLE.has(pg.code);
}

/** A database refusal as the client's error, or null when it is ours (and stays masked). */
export function translateDbError(error: unknown, fields: ConstraintFields = {}): ReturnType<typeof userError> | null {
  const pg = findPgError(error);
  if (!pg) return null;
  const constraint = pg.constraint ?? pg.constraint_name ?? '';
  const field = fields[constraint] ?? DEFAULT_CONSTRAINT_FIELDS[constraint];
  const blame = (code: ErrorCode, message: string) => userError(code, field ? `"${field}": ${message}` : message, field ? { field } : {});
  switch (pg.code) {
    case '23505':
      return blame('CONFLICT', 'already exists.');
    case '23503':
      return blame('NOT_FOUND', 'refers to something that does not exist (or no longer does).');
    case '23514':
      return blame('BAD_USER_INPUT', 'breaks a rule of the data (e.g. an end before its start).');
    case '22001':
    case '22003':
    case '22007':
    case '22008':
      return blame('BAD_USER_INPUT', 'is out of range.');
    default:
      return null;
  }
}
