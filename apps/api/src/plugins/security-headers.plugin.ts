import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** A Content-Security-Policy header value from directive name -> sources. */
export function cspHeader(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/**
 * JSON answers and everything else without a page of its own: nothing may load, nothing may frame it.
 */
const API_CSP = { 'default-src': ["'none'"], 'base-uri': ["'none'"], 'form-action': ["'none'"], 'frame-ancestors': ["'none'"] };

/**
 * The one inline style Swagger UI writes: the <style> element inside its SVG logo (in
 * swagger-ui-standalone-preset.js). Allowed by its hash rather than by 'unsafe-inline'; a new
 * Swagger UI version with another logo makes the browser test fail, and the hash is updated.
 */
const SWAGGER_LOGO_STYLE = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

/**
 * Swagger UI at /docs: its scripts and style sheets are files under /docs/static (no inline
 * script), it fetches /docs/json, and its style sheet embeds SVG icons as data: URLs. Checked in
 * Chromium (test/dashboard/security-headers.e2e.test.ts): with this policy the page renders every
 * operation and reports no violation.
 */
export const DOCS_CSP = cspHeader({
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", SWAGGER_LOGO_STYLE],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
});

/**
 * The inline styles of Bull Board 9.10.1 (pinned), allowed one by one by hash instead of by
 * 'unsafe-inline': the loading placeholder of its page template (five style attributes, which
 * need 'unsafe-hashes', and a <style> with its keyframes) and the <style> inside the Redis logo its
 * app renders. Without them the board still works but shows an unstyled placeholder and a grey
 * logo; a board upgrade that changes them makes the browser test fail, and the hashes are redone
 * (each is the base64 SHA-256 of the exact text between the quotes or the tags).
 */
const BOARD_INLINE_STYLES = [
  "'unsafe-hashes'",
  "'sha256-of39ksKG33VNCYo5/quRg1dhdo2AWSv8WJi2LNKOSTU='",
  "'sha256-dg51HqBfD6n0yW6arUPC/pQLVghRZbOuP0gPg9FhCTw='",
  "'sha256-XtkH5bXSf2qTXVOXBZrUBgydsBjBOqKXas4aSqlrDYQ='",
  "'sha256-4qiUsLv1mhPpLyv14EyMNeEfESFsI8tYHvGHgST5oO4='",
  "'sha256-z865ZzzyqKnk/u5EJq1ujBhzC4S9g1xzvJyr7y3Ut8s='",
  "'sha256-dv714QSXJBurriRZTklJT4phtgwCe+o7Frxoi2awcdg='",
  "'sha256-r2N1TB/gHbBtBZFKg7ejmq1acVSREzucTAEw6ga4hoU='",
];

/**
 * Bull Board at /admin/queues: a React app loaded from files under its own path. Its page sets a
 * <base href> (hence base-uri 'self') and carries its settings in a JSON block (not executed, so
 * no script allowance). Its web font comes from a CDN and is refused: the board falls back to the
 * system font rather than reach the internet. Checked in Chromium like /docs.
 */
export const BOARD_CSP = cspHeader({
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", ...BOARD_INLINE_STYLES],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'base-uri': ["'self'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
});

/**
 * Security headers on every answer (helmet): nosniff, frames denied (X-Frame-Options and
 * frame-ancestors), no referrer, same-origin resource and opener policies, and a
 * Content-Security-Policy that lets nothing load. Pages replace that policy with the strictest one
 * they work with: the dashboard sets its own (dashboard.plugin.ts), /docs uses DOCS_CSP and the
 * board BOARD_CSP. No Strict-Transport-Security: the API speaks plain HTTP, and the TLS proxy in
 * front of it is the place to set HSTS.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}
