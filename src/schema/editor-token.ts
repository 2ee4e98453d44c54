// Editor tokens through the API: the way to make one while an embedded service owns its data
// directory (the token CLI cannot open it then), and on any deployment without a shell.
import { createToken, revokeToken } from '../auth/tokens.js';
import { builder } from '../builder.js';
import { userError } from '../errors.js';
import { rules } from '../domain/validation.js';
import { write } from './write.js';

builder.relayMutationField(
  'createEditorToken',
  { inputFields: (t) => ({ name: t.string({ required: true, validate: { schema: rules.name }, description: 'Whose token: one active token per name.' }) }) },
  {
    description:
      'Makes an editor token for `name` and returns it: the only time it is shown (only its hash is stored). Needs an editor token itself; CONFLICT when `name` has an active token.',
    resolve: (_root, { input }, ctx) =>
      write(ctx, async (tx) => ({ name: input.name, token: (await createToken(tx, input.name, ctx.clock.now())).token }), {
        editor_tokens_active_name_key: 'input.name',
      }),
  },
  {
    outputFields: (t) => ({
      name: t.string({ resolve: (r) => r.name }),
      token: t.string({ description: 'Send as "Authorization: Bearer <token>". Keep it secret: it cannot be shown again.', resolve: (r) => r.token }),
    }),
  },
);

builder.relayMutationField(
  'revokeEditorToken',
  { inputFields: (t) => ({ name: t.string({ required: true, validate: { schema: rules.name } }) }) },
  {
    description: 'Revokes the active token of `name`: every instance refuses it from the next request on. NOT_FOUND when there is none.',
    resolve: (_root, { input }, ctx) =>
      write(ctx, async (tx) => {
        if (!(await revokeToken(tx, input.name, ctx.clock.now()))) {
          throw userError('NOT_FOUND', `"input.name": no active token named "${input.name}".`, { field: 'input.name' });
        }
        return { name: input.name };
      }),
  },
  { outputFields: (t) => ({ name: t.string({ description: 'Whose token was revoked.', resolve: (r) => r.name }) }) },
);
