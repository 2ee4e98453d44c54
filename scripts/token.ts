// npm run token -- create --name alice | list | revoke --name alice
// Editor tokens for writing through the API. The plain token is printed once, at creation; only
// its SHA-256 is stored.
import { parseArgs } from 'node:util';
import { createToken, listTokens, revokeToken } from '../src/auth/tokens.js';
import { readConfigOrExit } from '../src/config.js';
import { openDatabaseOrExit, stopItFirst } from './cli-database.js';

const USAGE = 'usage: npm run token -- create --name <name> | list | revoke --name <name>';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { name: { type: 'string' } } });
const [command] = positionals;
const name = values.name?.trim();
if (!command || !['create', 'list', 'revoke'].includes(command) || (command !== 'list' && !name)) {
  console.error(USAGE);
  process.exit(2);
}

const config = readConfigOrExit();
const database = await openDatabaseOrExit(
  config,
  { maxConnections: 1 },
  (url) =>
    `A running embedded service makes and revokes tokens through its GraphQL API, with an editor token (the development token it printed on its first start):\n` +
    `  mutation { createEditorToken(input: { name: "alice" }) { token } }   and   mutation { revokeEditorToken(input: { name: "alice" }) { name } }\n` +
    `sent to ${url ?? 'its /graphql endpoint'} with "Authorization: Bearer <token>". ${stopItFirst}`,
);
let exitCode = 0;
try {
  await database.migrate();
  if (command === 'create') {
    const { token } = await createToken(database.db, name!).catch((error: unknown) => {
      if ((error as { cause?: { code?: string } }).cause?.code === '23505' || (error as { code?: string }).code === '23505') {
        throw new Error(`an active token named "${name}" exists already: revoke it first`);
      }
      throw error;
    });
    console.log(`Token for "${name}" (shown only now, keep it secret):\n${token}`);
  } else if (command === 'list') {
    const tokens = await listTokens(database.db);
    if (tokens.length === 0) console.log('no tokens');
    for (const t of tokens) {
      console.log(`${t.name}\tngt_${t.keyId}_…\tcreated ${t.createdAt.toISOString()}\t${t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'active'}`);
    }
  } else {
    const revoked = await revokeToken(database.db, name!);
    console.log(revoked ? `revoked the token for "${name}"` : `no active token named "${name}"`);
    if (!revoked) exitCode = 1;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  await database.close();
}
process.exit(exitCode);
