import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { editorTokens } from '../db/schema.js';

// A token reads `ngt_<keyId>_<secret>`: the key id finds the row, the secret is only ever hashed.
const TOKEN_PATTERN = /^ngt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface Editor {
  id: number;
  name: string;
}

export type TokenCheck = { ok: true; editor: Editor } | { ok: false; reason: 'missing' | 'invalid' | 'revoked' };

/** An `Authorization` header read without the database: the key id that finds the row and the token's hash. */
export type Credentials = { ok: true; keyId: string; tokenHash: string } | { ok: false; reason: 'missing' | 'invalid' };

export interface TokenSummary {
  id: number;
  name: string;
  keyId: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Creates a token for `name` and returns it: the only time the plain token exists. */
export async function createToken(db: Db, name: string, now: Date = new Date()): Promise<{ token: string; id: number }> {
  const keyId = randomBytes(8).toString('hex');
  const token = `ngt_${keyId}_${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(editorTokens)
    .values({ name, keyId, tokenHash: hashToken(token), createdAt: now })
    .returning({ id: editorTokens.id });
  return { token, id: row!.id };
}

export async function listTokens(db: Db): Promise<TokenSummary[]> {
  return db
    .select({
      id: editorTokens.id,
      name: editorTokens.name,
      keyId: editorTokens.keyId,
      createdAt: editorTokens.createdAt,
      revokedAt: editorTokens.revokedAt,
    })
    .from(editorTokens)
    .orderBy(asc(editorTokens.id));
}

/** Revokes the active token called `name`; resolves to whether one was found. */
export async function revokeToken(db: Db, name: string, now: Date = new Date()): Promise<boolean> {
  const rows = await db
    .update(editorTokens)
    .set({ revokedAt: now })
    .where(and(eq(editorTokens.name, name), isNull(editorTokens.revokedAt)))
    .returning({ id: editorTokens.id });
  return rows.length > 0;
}

export function readCredentials(header: string | null | undefined): Credentials {
  if (!header) return { ok: false, reason: 'missing' };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const match = bearer ? TOKEN_PATTERN.exec(bearer[1]!) : null;
  if (!match) return { ok: false, reason: 'invalid' };
  return { ok: true, keyId: match[1]!, tokenHash: hashToken(bearer![1]!) };
}

/** Checks an `Authorization` header value. */
export const checkAuthorization = (db: Db, header: string | null | undefined): Promise<TokenCheck> => checkCredentials(db, readCredentials(header));

/** Checks credentials read from a header against the stored tokens. */
export async function checkCredentials(db: Db, credentials: Credentials): Promise<TokenCheck> {
  if (!credentials.ok) return credentials;
  const [row] = await db.select().from(editorTokens).where(eq(editorTokens.keyId, credentials.keyId)).limit(1);
  // Compare anyway when no row matches, so timing does not tell a known key id from an unknown one.
  const expected = Buffer.from(row?.tokenHash ?? hashToken('not a token'), 'hex');
  const actual = Buffer.from(credentials.tokenHash, 'hex');
  if (!row || expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { ok: false, reason: 'invalid' };
  if (row.revokedAt) return { ok: false, reason: 'revoked' };
  return { ok: true, editor: { id: row.id, name: row.name } };
}

/**
 * The embedded default is a local demo: on its first start (no token at all yet) it makes a
 * `development` token and hands it back to be printed once. Returns null otherwise.
 */
export async function ensureDevelopmentToken(db: Db, now: Date = new Date()): Promise<string | null> {
  const [{ count } = { count: 0 }] = await db.select({ count: sql<number>`count(*)::int` }).from(editorTokens);
  if (Number(count) > 0) return null;
  return (await createToken(db, 'development', now)).token;
}
