import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin } from 'graphql-yoga';
import { projectPath } from '../paths.js';

export interface LivePageOptions {
  /** Where scripts/build.mjs writes the page's script (live.js); default dist/web. */
  bundleDir?: string;
}

const PAGE_PATH = '/live';
const SCRIPT_PATH = '/live/live.js';

/**
 * Everything from the service itself; the one script is ours; styles are inline in the page. The
 * statement texts are put in with textContent, and this forbids any other script besides.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Newsgraph · live statements</title>
<style>
  :root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --accent: #2563eb; font-family: system-ui, sans-serif; }
  body { margin: 0 auto; max-width: 52rem; padding: 1.5rem 1rem; line-height: 1.45; }
  header { display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem 1rem; margin-bottom: 1rem; }
  h1 { font-size: 1.35rem; margin: 0; flex: 1 1 auto; }
  #status { font-size: 0.8rem; padding: 0.15rem 0.6rem; border-radius: 1rem; background: #e5e7eb; color: #374151; }
  #status[data-status="live"] { background: #dcfce7; color: #166534; }
  #status[data-status="reconnecting"], #status[data-status="offline"] { background: #fef3c7; color: #92400e; }
  .filters { display: flex; gap: 0.5rem; flex-wrap: wrap; width: 100%; }
  label { font-size: 0.9rem; color: var(--muted); display: flex; align-items: center; gap: 0.4rem; }
  input, select { font: inherit; padding: 0.25rem 0.4rem; }
  #notice { background: #fef3c7; color: #92400e; padding: 0.5rem 0.75rem; border-radius: 0.3rem; }
  #statements { list-style: none; padding: 0; margin: 0; }
  #statements:empty::after { content: "Waiting for new statements…"; color: var(--muted); }
  .statement { border-top: 1px solid var(--line); padding: 0.75rem 0; }
  .meta { display: flex; gap: 0.6rem; align-items: baseline; flex-wrap: wrap; font-size: 0.9rem; }
  .speaker { font-weight: 600; }
  .kind { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.03em; color: var(--accent); }
  .time { color: var(--muted); margin-left: auto; }
  .text { margin: 0.35rem 0; font-size: 1.05rem; }
  .headline { font-size: 0.85rem; color: var(--muted); }
</style>
<script type="module" src="${SCRIPT_PATH}"></script>
</head>
<body>
<header>
  <h1>Live statements</h1>
  <span id="status" data-status="connecting" role="status">connecting</span>
  <div class="filters" role="search">
    <label>Find a person <input id="person-search" type="search" placeholder="name or alias" autocomplete="off"></label>
    <label>Speaker <select id="speaker"><option value="">Everyone</option></select></label>
  </div>
</header>
<p id="notice" role="alert" hidden></p>
<ul id="statements" aria-live="polite"></ul>
</body>
</html>
`;

const etagOf = (body: string) => `"${createHash('sha256').update(body).digest('base64url')}"`;

/**
 * GET /live: a page on which statements appear as they are stored (src/web/live.ts, bundled by
 * scripts/build.mjs; nothing from a CDN, nothing built at run time). The script is read from disk
 * on first use and kept; a missing one (no build yet) is a 503 that says what to run.
 */
export function useLivePage(options: LivePageOptions = {}): Plugin {
  const scriptFile = path.join(options.bundleDir ?? projectPath('dist', 'web'), 'live.js');
  const pageTag = etagOf(PAGE);
  let script: Promise<{ body: string; etag: string }> | undefined;
  const loadScript = () => {
    script ??= readFile(scriptFile, 'utf8').then(
      (body) => ({ body, etag: etagOf(body) }),
      (error: unknown) => {
        script = undefined; // built later: try again on the next request
        throw error;
      },
    );
    return script;
  };

  return {
    async onRequest({ request, url, fetchAPI, endResponse }) {
      if (url.pathname !== PAGE_PATH && url.pathname !== SCRIPT_PATH) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response('Only GET and HEAD.', { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' } }));
        return;
      }
      let body: string;
      let etag: string;
      const headers: Record<string, string> = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
      if (url.pathname === PAGE_PATH) {
        body = PAGE;
        etag = pageTag;
        headers['content-type'] = 'text/html; charset=utf-8';
        headers['content-security-policy'] = CONTENT_SECURITY_POLICY;
      } else {
        try {
          ({ body, etag } = await loadScript());
        } catch {
          endResponse(
            new fetchAPI.Response('The live page is not built: run `npm run build` (npm start does it).', {
              status: 503,
              headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
            }),
          );
          return;
        }
        headers['content-type'] = 'text/javascript; charset=utf-8';
      }
      headers.etag = etag;
      const ifNoneMatch = request.headers.get('if-none-match');
      if (ifNoneMatch?.split(',').some((tag) => tag.trim() === etag)) {
        endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : body, { status: 200, headers }));
    },
  };
}
