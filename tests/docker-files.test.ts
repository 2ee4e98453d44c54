// The Docker files, read as a reviewer would (no Docker engine in CI): what the image holds, who
// runs it, how its health is told, and what compose exposes on the host.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
/** Dockerfile instructions, continuation lines joined, comments dropped. */
const instructions = () =>
  read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() && !line.trimStart().startsWith('#'));

/** The lines of one top-level service block of docker-compose.yml. */
function composeService(name: string): string[] {
  const lines = read('docker-compose.yml').split('\n');
  const start = lines.findIndex((line) => line === `  ${name}:`);
  expect(start, `service ${name}`).toBeGreaterThan(0);
  const end = lines.findIndex((line, i) => i > start && /^ {0,2}\S/.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((line) => !line.trimStart().startsWith('#'));
}

describe('Dockerfile', () => {
  it('builds in one stage and runs from another with production dependencies only', () => {
    const lines = instructions();
    const stages = lines.map((line, i) => [line, i] as const).filter(([line]) => /^FROM /.test(line));
    expect(stages).toHaveLength(2);
    const runtime = lines.slice(stages[1]![1]);
    expect(runtime.some((line) => /^RUN npm ci --omit=dev\b/.test(line))).toBe(true);
    expect(runtime.some((line) => /^COPY --from=\S+ \/app\/dist /.test(line))).toBe(true);
    // What the runtime stage copies from the context: never the whole of it.
    expect(runtime.filter((line) => /^COPY (?!--from)/.test(line)).some((line) => /^COPY \. /.test(line))).toBe(false);
    // And the production tree it installs holds none of the tools.
    const production = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' });
    for (const tool of ['vitest', 'playwright-core', 'typescript', 'drizzle-kit', 'pino-pretty']) {
      expect(production).not.toMatch(new RegExp(`node_modules/${tool}$`, 'm'));
    }
  });

  it('runs as a non-root user, checks /ready, and starts the service as PID 1', () => {
    const lines = instructions();
    const runtime = lines.slice(lines.map((l) => /^FROM /.test(l)).lastIndexOf(true));
    const user = runtime.filter((line) => /^USER /.test(line)).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)(:|$)/);
    const health = runtime.find((line) => /^HEALTHCHECK /.test(line));
    expect(health).toMatch(/\/ready\b/);
    expect(runtime.at(-1)).toMatch(/^CMD \["node", .*"dist\/main\.js"\]$/);
  });
});

describe('.dockerignore', () => {
  it('keeps history, tests, benchmarks and every node_modules out of the build context', () => {
    const patterns = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const pattern of ['.git', 'tests', 'bench', '**/node_modules']) expect(patterns).toContain(pattern);
  });
});

describe('docker-compose.yml', () => {
  it('publishes the service on the host, not PostgreSQL', () => {
    expect(composeService('postgres').some((line) => /^\s+ports:/.test(line))).toBe(false);
    expect(composeService('newsgraph').join('\n')).toMatch(/ports:\n\s+- "4000:4000"/);
  });

  it('tells its users how to get an editor token', () => {
    expect(read('docker-compose.yml')).toContain('docker compose run --rm newsgraph npm run token -- create --name');
    expect(read('docs/operations.md')).toContain('docker compose run --rm newsgraph npm run token -- create --name');
  });
});
