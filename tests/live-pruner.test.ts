// The background pruner both logs use (src/live/pruner.ts), against a fake log: its batches,
// its schedule, its failures and its stop. Through the real logs: tests/live-retention.test.ts.
import { describe, expect, it } from 'vitest';
import { createPruner } from '../src/live/pruner.js';

/** A log of `size` old entries; each call deletes up to `batch` of them, as the real ones do. */
function fakeLog(size: number) {
  const calls: { cutoff: Date; batch: number }[] = [];
  let left = size;
  return {
    calls,
    left: () => left,
    async pruneBatch(cutoff: Date, batch: number) {
      calls.push({ cutoff, batch });
      const deleted = Math.min(batch, left);
      left -= deleted;
      return deleted;
    },
  };
}

function logger() {
  const lines: { level: 'info' | 'warn'; obj: object; msg: string }[] = [];
  return {
    lines,
    info: (obj: object, msg: string) => lines.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj, msg }),
  };
}

describe('the background pruner', () => {
  it('deletes batch after batch until one is not full, with the cutoff at now minus retention, and logs the total once', async () => {
    const log = fakeLog(7);
    const lines = logger();
    const pruner = createPruner({ ...log, retentionMs: 60_000, batch: 3, pauseMs: 0, what: 'the test log', logger: lines });
    const before = Date.now();
    await pruner.run();
    expect(log.left()).toBe(0);
    expect(log.calls.map((call) => call.batch)).toEqual([3, 3, 3]); // 3, 3, then 1: short, done
    for (const { cutoff } of log.calls) {
      expect(cutoff.getTime()).toBeGreaterThanOrEqual(before - 60_000);
      expect(cutoff.getTime()).toBeLessThanOrEqual(Date.now() - 60_000);
    }
    expect(lines.lines).toEqual([{ level: 'info', obj: { deleted: 7, retentionMs: 60_000 }, msg: 'pruned the test log' }]);

    // Nothing old enough: one look, no log line.
    await pruner.run();
    expect(log.calls).toHaveLength(4);
    expect(lines.lines).toHaveLength(1);
  });

  it('does nothing without a retention', async () => {
    const log = fakeLog(5);
    const pruner = createPruner({ ...log, what: 'the test log' });
    pruner.start();
    await pruner.run();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await pruner.stop();
    expect(log.calls).toEqual([]);
  });

  it('runs at start and then every interval; a failure is logged and tried again at the next one', async () => {
    const lines = logger();
    let calls = 0;
    const pruner = createPruner({
      pruneBatch: async () => {
        calls++;
        if (calls === 1) throw new Error('the database is away');
        return 0;
      },
      retentionMs: 1_000,
      intervalMs: 10,
      what: 'the test log',
      logger: lines,
    });
    pruner.start();
    await expect.poll(() => calls, { timeout: 2_000 }).toBeGreaterThanOrEqual(3);
    await pruner.stop();
    expect(lines.lines[0]).toMatchObject({ level: 'warn', msg: 'pruning the test log failed; trying again later' });
    expect(lines.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    const stoppedAt = calls;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBe(stoppedAt); // stopped: no more runs
  });

  it('stop waits for the batch in progress and starts no other', async () => {
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let calls = 0;
    const pruner = createPruner({
      pruneBatch: () => {
        calls++;
        started();
        return new Promise<number>((resolve) => (release = () => resolve(2))); // a full batch: more to do
      },
      retentionMs: 1_000,
      batch: 2,
      pauseMs: 0,
      what: 'the test log',
    });
    pruner.start();
    await running;
    let stopped = false;
    const stopping = pruner.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(calls).toBe(1);
  });
});
