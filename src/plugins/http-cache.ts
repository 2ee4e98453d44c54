import { createHash } from 'node:crypto';
import { type Plugin, isAsyncIterable } from 'graphql-yoga';

export interface HttpCacheOptions {
  /** `Cache-Control: public, max-age=N` on anonymous GET reads; 0 sends `no-cache` (revalidate by ETag). */
  maxAgeSeconds: number;
  graphqlEndpoint?: string;
}

const matches = (ifNoneMatch: string, etag: string) =>
  ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);

/**
 * HTTP caching for what browsers and CDNs may keep: an anonymous GET read that succeeded gets
 * `Cache-Control: public` and a strong ETag (the SHA-256 of its bytes), and `If-None-Match` with
 * that tag gets 304 and no body. Everything else from the endpoint (authenticated, POST, errors,
 * streams) is `no-store`: a shared cache never holds a private or failed answer.
 */
export function useHttpCaching(options: HttpCacheOptions): Plugin {
  const endpoint = options.graphqlEndpoint ?? '/graphql';
  const cacheControl = options.maxAgeSeconds > 0 ? `public, max-age=${options.maxAgeSeconds}` : 'public, no-cache';
  const cacheable = new WeakSet<Request>();
  return {
    onResultProcess({ request, result }) {
      // GET cannot carry a mutation (yoga refuses it); a batch or a stream is not one stored answer.
      if (request.method !== 'GET' || request.headers.has('authorization')) return;
      if (Array.isArray(result) || isAsyncIterable(result) || result.errors?.length) return;
      cacheable.add(request);
    },
    async onResponse({ request, response, setResponse, fetchAPI }) {
      if (new URL(request.url).pathname !== endpoint) return;
      if (!cacheable.has(request) || response.status !== 200) {
        response.headers.set('cache-control', 'no-store');
        return;
      }
      const body = new Uint8Array(await response.arrayBuffer());
      const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('cache-control', cacheControl);
      headers.set('etag', etag);
      // The answer differs by media type; an authenticated request must never get the shared copy.
      const vary = headers.get('vary');
      headers.set('vary', vary ? `${vary}, Accept, Authorization` : 'Accept, Authorization');
      const ifNoneMatch = request.headers.get('if-none-match');
      if (ifNoneMatch && matches(ifNoneMatch, etag)) {
        headers.delete('content-length');
        headers.delete('content-type');
        setResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      setResponse(new fetchAPI.Response(body, { status: response.status, headers }));
    },
  };
}
