import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium, if installed (.ci/run installs it; locally a browser test skips without it, in CI it fails). */
export function chromiumPath(): string | undefined {
  try {
    return execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

export const inCI = /^(?:1|true)$/i.test(process.env.CI ?? '');

/** Headless chromium with a fresh profile; `close()` also removes the profile. */
export async function launchChromium(executablePath: string | undefined, what: string): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  // In CI a missing browser is a broken check, not a skipped one.
  if (!executablePath) throw new Error(`CI is set but chromium is not installed (apt-get install chromium): ${what} cannot run.`);
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'newsgraph-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
