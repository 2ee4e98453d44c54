// One process owns an embedded (PGlite) data directory: PGlite runs PostgreSQL inside the process,
// and two processes on one directory each believe they own it, so writes of one are lost to the
// other. The owner holds `<directory>.lock` (PGlite wants the directory itself to itself).
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface LockOwner {
  pid: number;
  /** What the owner runs: the service, or a script's file name. */
  command: string;
  /** The owner's GraphQL URL once it serves one. */
  url?: string;
  port?: number;
  since: string;
}

/** Another process (or another open in this one) holds the directory. */
export class DataDirectoryInUseError extends Error {
  constructor(
    readonly directory: string,
    readonly owner: LockOwner,
  ) {
    const who = owner.url ? `the Newsgraph service (pid ${owner.pid}, ${owner.url})` : `another process (pid ${owner.pid}, ${owner.command})`;
    super(`the embedded database ${directory} is in use by ${who}`);
    this.name = 'DataDirectoryInUseError';
  }
}

export interface DirectoryLock {
  /** Records the URL the owner serves, for whoever is refused next. */
  describe(details: { url: string; port: number }): void;
  release(): void;
}

/** Lock files this process holds: a second open in the same process is refused too. */
const held = new Set<string>();

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function readOwner(file: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) ? owner : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    return null; // unreadable: no owner can be named, so no owner is protected
  }
}

/** Writes `content` to `file` whole, or not at all (a reader never sees half a lock). */
function writeWhole(file: string, content: string, place: (temp: string, file: string) => void) {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(temp, content);
  try {
    place(temp, file);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // renamed into place
    }
  }
}

/**
 * Takes the directory's lock or throws DataDirectoryInUseError. Taking is atomic (a hard link
 * fails when the lock exists). A lock whose pid is gone, or is this process's own pid from an
 * earlier life (a container's pid 1), is stale and taken over.
 */
export function lockDataDirectory(directory: string, command: string): DirectoryLock {
  const file = `${path.resolve(directory)}.lock`;
  if (held.has(file)) throw new DataDirectoryInUseError(directory, { pid: process.pid, command: 'this process', since: '' });
  let owner: LockOwner = { pid: process.pid, command, since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeWhole(file, JSON.stringify(owner), linkSync);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
    }
    let current: LockOwner | null;
    try {
      current = readOwner(file);
    } catch {
      continue; // released meanwhile: try again
    }
    if (current && current.pid !== process.pid && alive(current.pid)) throw new DataDirectoryInUseError(directory, current);
    removeStale(file, current);
  }
  held.add(file);
  let released = false;
  const releaseOnExit = () => release();
  function release() {
    if (released) return;
    released = true;
    held.delete(file);
    process.off('exit', releaseOnExit);
    try {
      if (readOwner(file)?.pid === process.pid) unlinkSync(file);
    } catch {
      // already gone
    }
  }
  process.on('exit', releaseOnExit);
  return {
    describe(details) {
      owner = { ...owner, ...details };
      writeWhole(file, JSON.stringify(owner), renameSync);
    },
    release,
  };
}

/**
 * Removes a stale lock, unless another process replaced it with a live one meanwhile: the lock is
 * moved aside first (atomic) and put back when what was moved is not the stale one judged.
 */
function removeStale(file: string, stale: LockOwner | null) {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // gone already
  }
  let moved: LockOwner | null = null;
  try {
    moved = readOwner(aside);
  } catch {
    // vanished
  }
  if (moved && (moved.pid !== stale?.pid || moved.since !== stale.since)) {
    try {
      linkSync(aside, file); // a live owner's lock: back where it was
    } catch {
      // someone took the free lock in between; theirs stands
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // gone
  }
}
