import { badInput, userError } from '../errors.js';

/**
 * A place in the statement log: the writing transaction (xid8, as text) and the log position.
 * Entries are read in (xid, position) order and only below the oldest in-flight transaction, so
 * nothing can later appear before a place already passed.
 */
export interface LogPosition {
  xid: bigint;
  position: number;
}

const PREFIX = 'sa';
const MAX_XID8 = 2n ** 64n - 1n;

export function encodeLogCursor(at: LogPosition): string {
  return Buffer.from(`${PREFIX}:${at.xid}:${at.position}`, 'utf8').toString('base64url');
}

export function decodeLogCursor(cursor: string, argName = 'after'): LogPosition {
  const text = /^[A-Za-z0-9_-]{1,80}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^sa:(\d{1,20}):(\d{1,15})$/.exec(text);
  // xid8 is an unsigned 64-bit number: a larger one names no transaction, and a subscription
  // after it would silently never deliver.
  if (!match || BigInt(match[1]!) > MAX_XID8) throw badInput(`Invalid cursor in "${argName}": use the cursor of a statementAdded event.`, argName);
  return { xid: BigInt(match[1]!), position: Number(match[2]) };
}

export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  if (a.xid !== b.xid) return a.xid < b.xid ? -1 : 1;
  return a.position - b.position;
}

/** A resume cursor from before what the statement log still keeps (STATEMENT_EVENTS_RETENTION). */
export const cursorExpired = (argName = 'after') =>
  userError(
    'CURSOR_EXPIRED',
    `The cursor in "${argName}" is older than the statement log keeps, so statements after it may be gone. ` +
      `Subscribe without "${argName}" to continue from now, and read what was missed with the statements query.`,
    { field: argName },
  );
