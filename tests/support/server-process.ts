import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** The JSON log lines (pino) seen so far. */
  lines: any[];
  /** Every other stdout line (plain human messages such as the development token). */
  plain: string[];
  exited: Promise<{ code: number | null; at: number }>;
  /** Sends SIGKILL if it is still running (for afterEach/afterAll). */
  kill(): void;
  /** Sends a signal (to the whole group when started with a command). */
  signal(name: NodeJS.Signals): void;
}

/**
 * The real server (src/server.ts) in its own process on a free loopback port: in-memory PGlite
 * unless `env` says otherwise. Resolves once it logs that it is listening. `command` runs it some
 * other way (`npm start`); it then runs in its own process group, which signals reach as a whole.
 */
export async function startServerProcess(env: Record<string, string> = {}, command?: string[]): Promise<ServerProcess> {
  const [file, ...args] = command ?? [process.execPath, '--import', 'tsx', 'src/server.ts'];
  const child = spawn(file!, args, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PGLITE_DIR: 'memory://', DATABASE_URL: '', LOG_LEVEL: 'info', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: command !== undefined,
  });
  const signal = (name: NodeJS.Signals) => {
    if (command) process.kill(-child.pid!, name);
    else child.kill(name);
  };
  const lines: any[] = [];
  const plain: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: any;
      try {
        entry = JSON.parse(line);
      } catch {
        plain.push(line);
        return;
      }
      lines.push(entry);
      if (entry.msg === 'Newsgraph is listening') {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => {
    if (child.exitCode !== null) resolve({ code: child.exitCode, at: Date.now() });
    child.once('exit', (code) => resolve({ code, at: Date.now() }));
  });
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    lines,
    plain,
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) signal('SIGKILL');
    },
    signal,
  };
}

/** The value of one Prometheus sample on /metrics (NaN when absent). */
export async function metricValue(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', baseUrl))).text();
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

export interface ExitedProcess {
  code: number | null;
  /** The JSON log lines (pino), and every other stdout and stderr line. */
  lines: any[];
  plain: string[];
  stderr: string;
  /** Milliseconds from the first error-level log line (or stderr output) to the exit. */
  exitAfterErrorMs: number | null;
}

/** Runs a process that is expected to stop by itself (a refused start) and collects what it said. */
export function runToExit(env: Record<string, string>, command?: string[], timeoutMs = 60_000): Promise<ExitedProcess> {
  const [file, ...args] = command ?? [process.execPath, '--import', 'tsx', 'src/server.ts'];
  const child = spawn(file!, args, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PGLITE_DIR: 'memory://', DATABASE_URL: '', LOG_LEVEL: 'info', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: any[] = [];
  const plain: string[] = [];
  let stderr = '';
  let firstErrorAt: number | null = null;
  child.stderr!.on('data', (chunk) => {
    firstErrorAt ??= Date.now();
    stderr += chunk;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      const entry = JSON.parse(line);
      lines.push(entry);
      if (entry.level >= 50) firstErrorAt ??= Date.now();
    } catch {
      plain.push(line);
    }
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after ${timeoutMs} ms: ${JSON.stringify(lines)} ${stderr}`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, lines, plain, stderr, exitAfterErrorMs: firstErrorAt === null ? null : Date.now() - firstErrorAt });
    });
  });
}
