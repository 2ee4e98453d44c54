// Summarises V8 .cpuprofile files (from --cpu-prof): self time by package and the hottest functions.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function bucket(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  if (/\/src\//.test(url)) return 'newsgraph src/';
  if (/\/bench\//.test(url)) return 'bench';
  return url.split('/').slice(-2).join('/');
}

export interface ProfileSummary {
  file: string;
  busyMs: number;
  packages: { name: string; share: number }[];
  functions: { name: string; share: number }[];
}

export function summariseProfiles(dir: string): ProfileSummary[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return [];
  }
  return files.map((file) => {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { nodes: Node[]; startTime: number; endTime: number; samples: number[] };
    const interval = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
    const byPkg = new Map<string, number>(),
      byFn = new Map<string, number>();
    let busy = 0;
    for (const n of profile.nodes) {
      const hits = n.hitCount ?? 0;
      if (!hits || n.callFrame.functionName === '(idle)') continue;
      busy += hits;
      const pkg = bucket(n.callFrame.url, n.callFrame.functionName);
      byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + hits);
      const fn = `${n.callFrame.functionName || '(anonymous)'} ${pkg}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
      byFn.set(fn, (byFn.get(fn) ?? 0) + hits);
    }
    const top = (m: Map<string, number>, k: number) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, k)
        .map(([name, hits]) => ({ name, share: hits / Math.max(1, busy) }));
    return { file, busyMs: busy * interval, packages: top(byPkg, 12), functions: top(byFn, 15) };
  });
}
