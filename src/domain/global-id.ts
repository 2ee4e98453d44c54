// Global IDs: the base64 of "Type:number". One decoder for the schema, the compiled reads and the
// mutations, so a malformed or mistyped ID is refused in the same words everywhere.
import { badInput } from '../errors.js';

const GLOBAL_ID_TYPES = new Set(['Article', 'Person', 'Statement', 'Event', 'Quotation']);

/** What a global ID is, for error messages. */
export const GLOBAL_ID_FORM = 'an ID as the API returns it: the base64 of "Type:number" (URL-safe or standard, padded or not), e.g. "UGVyc29uOjE" for Person 1';

/**
 * A global ID's type and row id, or null when it is not one. The API writes unpadded URL-safe
 * base64; what `btoa` gives ("UGVyc29uOjE=", standard alphabet, padded) is the same ID.
 */
export function parseGlobalID(globalID: string): { typename: string; id: string } | null {
  if (!/^[A-Za-z0-9_+/-]{1,64}={0,2}$/.test(globalID)) return null;
  const decoded = Buffer.from(globalID.replace(/=+$/, ''), 'base64url').toString('utf8');
  const match = /^([A-Za-z]+):([1-9]\d{0,9})$/.exec(decoded);
  if (!match || !GLOBAL_ID_TYPES.has(match[1]!) || Number(match[2]) > 2_147_483_647) return null;
  return { typename: match[1]!, id: match[2]! };
}

export function decodeGlobalID(globalID: string): { typename: string; id: string } {
  const parsed = parseGlobalID(globalID);
  if (!parsed) throw badInput(`"${globalID.slice(0, 80)}" is not a valid Newsgraph ID: expected ${GLOBAL_ID_FORM}.`);
  return parsed;
}

/**
 * A global ID from mutation input, checked for its type; BAD_USER_INPUT naming the field
 * otherwise (the plugin's own check cannot say which field was wrong).
 */
export function decodeId(globalId: string, typename: 'Article' | 'Person' | 'Statement' | 'Event', field: string): number {
  const parsed = parseGlobalID(globalId);
  if (!parsed) throw badInput(`"${field}": not a valid Newsgraph ID; expected ${GLOBAL_ID_FORM}.`, field);
  if (parsed.typename !== typename) throw badInput(`"${field}": expected the ID of a ${typename}, got the ID of a ${parsed.typename}.`, field);
  return Number(parsed.id);
}

/** An optional filter ID, checked like decodeId. */
export const filterId = (globalId: string | null | undefined, typename: 'Article' | 'Person' | 'Event', field: string) =>
  globalId == null ? undefined : decodeId(globalId, typename, field);

/** The global ID clients see for a row (the inverse of decodeId). */
export const encodeId = (typename: string, id: number) => Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url');
