// The load generator, in its own process: autocannon with a fixed duration and concurrency, a warm-up
// run first (its numbers are discarded). Usage: node load-worker.mjs <job.json>; prints one JSON line.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));

function run(duration) {
  let i = 0;
  let graphqlErrors = 0;
  const next = () => job.items[i++ % job.items.length];
  const request = {
    setupRequest(req) {
      const item = next();
      return job.method === 'GET' ? { ...req, method: 'GET', path: item } : { ...req, method: 'POST', body: item };
    },
  };
  if (job.checkErrors) {
    request.onResponse = (status, body) => {
      if (status === 200 && body && body.includes('"errors":[')) graphqlErrors++;
    };
  }
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        method: job.method,
        headers: job.headers ?? {},
        connections: job.connections,
        duration,
        requests: [request],
        timeout: 30,
      },
      (err, result) => (err ? reject(err) : resolve({ result, graphqlErrors })),
    );
    instance.on('error', reject);
  });
}

if (job.warmup > 0) await run(job.warmup);
const { result, graphqlErrors } = await run(job.duration);
const total = result.requests.total;
process.stdout.write(
  JSON.stringify({
    requests: total,
    rps: total / job.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx + graphqlErrors,
    non2xx: result.non2xx,
    graphqlErrors,
    timeouts: result.timeouts,
  }) + '\n',
);
