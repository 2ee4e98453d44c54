import type { Context } from '../context.js';
import { userError } from '../errors.js';
import type { Editor } from './tokens.js';

/** The editor behind the request's bearer token, or the error that says why there is none. */
export async function requireEditor(ctx: Context): Promise<Editor> {
  const check = await ctx.auth();
  if (check.ok) return check.editor;
  if (check.reason === 'revoked') throw userError('FORBIDDEN', 'This token has been revoked.');
  throw userError(
    'UNAUTHENTICATED',
    check.reason === 'missing' ? 'Writing needs an editor token: send "Authorization: Bearer <token>".' : 'The editor token is not valid.',
  );
}
