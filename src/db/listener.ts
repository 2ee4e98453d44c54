import postgres from 'postgres';

type Listener = { onNotify: (payload: string) => void; onListen?: (() => void) | undefined };

export interface PostgresListener {
  listen(channel: string, onNotify: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** True while the LISTEN connection is up and listening (false before the first listen). */
  connected(): boolean;
}

/** Application name of the LISTEN connection, so operators (and tests) can find it. */
export const LISTENER_APPLICATION_NAME = 'newsgraph-listen';

const quoteChannel = (channel: string) => `"${channel.replace(/"/g, '""')}"`;

/**
 * One dedicated connection holding every LISTEN of this instance. postgres.js's own `listen`
 * gives up when its first re-LISTEN fails (e.g. while the server restarts); this one retries
 * with backoff until it is back and then calls each `onListen`, so callers can catch up on what
 * was announced while nobody listened.
 */
export function createPostgresListener(url: string, onError: (error: unknown) => void = () => {}): PostgresListener {
  const channels = new Map<string, Set<Listener>>();
  let closed = false;
  let relistenTimer: NodeJS.Timeout | undefined;
  let connected = false;

  const sql = postgres(url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    onnotice: () => {},
    connection: { application_name: LISTENER_APPLICATION_NAME },
    // Supported by postgres.js (its own `listen` uses it) but missing from its types.
    ...({
      onnotify: (channel: string, payload: string) => channels.get(channel)?.forEach((l) => l.onNotify(payload)),
    } as object),
    onclose: () => {
      connected = false;
      if (!closed && channels.size > 0) scheduleRelisten(0);
    },
  });

  function scheduleRelisten(attempt: number) {
    clearTimeout(relistenTimer);
    relistenTimer = setTimeout(() => void relisten(attempt), Math.min(5_000, attempt === 0 ? 0 : 100 * 2 ** attempt));
    relistenTimer.unref();
  }

  async function relisten(attempt: number) {
    if (closed) return;
    try {
      for (const channel of channels.keys()) await sql.unsafe(`listen ${quoteChannel(channel)}`);
    } catch (error) {
      onError(error);
      scheduleRelisten(attempt + 1);
      return;
    }
    connected = true;
    for (const listeners of channels.values()) listeners.forEach((l) => l.onListen?.());
  }

  return {
    async listen(channel, onNotify, onListen) {
      const listener: Listener = { onNotify, onListen };
      const listeners = channels.get(channel) ?? new Set();
      const first = listeners.size === 0;
      listeners.add(listener);
      channels.set(channel, listeners);
      if (first) await sql.unsafe(`listen ${quoteChannel(channel)}`);
      connected = true;
      onListen?.();
      return async () => {
        listeners.delete(listener);
        if (listeners.size === 0 && channels.get(channel) === listeners) {
          channels.delete(channel);
          if (!closed) await sql.unsafe(`unlisten ${quoteChannel(channel)}`).catch(onError);
        }
      };
    },
    connected: () => connected && !closed,
    async close() {
      closed = true;
      clearTimeout(relistenTimer);
      await sql.end({ timeout: 5 });
    },
  };
}
