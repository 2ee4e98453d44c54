// The embedded default (PGlite): `npm start` twice on a fresh data directory; the second start is
// timed from spawn to the first answered query, and the idle RSS of the process tree is read from /proc.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from './systems.js';

function children(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(ppid, [...(map.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone */
    }
  }
  return map;
}

/** RSS (MB) of a process and all its descendants, and of the largest single process. */
export function treeRss(pid: number): { totalMB: number; largestMB: number } {
  const kids = children();
  let total = 0,
    largest = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      total += kb;
      largest = Math.max(largest, kb);
    } catch {
      /* gone */
    }
    stack.push(...(kids.get(p) ?? []));
  }
  return { totalMB: total / 1024, largestMB: largest / 1024 };
}

async function startOnce(dir: string, port: number) {
  const t0 = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: dir, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' };
  delete (env as Record<string, string | undefined>).DATABASE_URL;
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT_DIR, env, detached: true, stdio: 'ignore' });
  let answeredMs = NaN;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ articles(first: 1) { edges { node { headline } } } }' }),
      });
      const body = (await res.json()) as { data?: unknown };
      if (res.ok && body.data) {
        answeredMs = performance.now() - t0;
        break;
      }
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 2000)); // idle
  const rss = treeRss(child.pid!);
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    /* gone */
  }
  await new Promise((r) => (child.exitCode != null ? r(null) : child.once('exit', r)));
  await new Promise((r) => setTimeout(r, 500));
  return { answeredMs, rss };
}

export async function measureEmbedded(port: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'newsgraph-bench-pglite-'));
  try {
    const first = await startOnce(path.join(dir, 'data'), port);
    const second = await startOnce(path.join(dir, 'data'), port);
    return {
      firstStartMs: first.answeredMs,
      secondStartMs: second.answeredMs,
      idleRssMB: second.rss.totalMB,
      largestProcessRssMB: second.rss.largestMB,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
