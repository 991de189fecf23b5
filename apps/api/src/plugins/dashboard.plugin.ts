import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The page's static files: index.html, its style sheet and plain ES modules (no build step). They
 * live outside src/, so the same path holds from the sources (src/plugins) and the build (dist/plugins).
 */
export const DASHBOARD_DIR = path.resolve(import.meta.dirname, '../../public');
export const DASHBOARD_ASSETS = '/dashboard/';
/** uPlot is served from its npm package, so the page needs no network beyond this API. */
const UPLOT_DIST = path.join(path.dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
const UPLOT_FILES = new Set(['/uPlot.esm.js', '/uPlot.min.css']);

/**
 * Everything the page may load comes from this origin; the policy makes the browser refuse
 * anything else (a CDN script, an inline script), so "works offline" is enforced, not hoped for.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** q-value of one media range in an Accept header, 0 when it is not listed. */
function listedQuality(accept: string, mediaType: string): number {
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (type !== mediaType) continue;
    const q = params.find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    return Number.isFinite(value) ? value : 0;
  }
  return 0;
}

/**
 * `/` is the page. A client that asks for JSON and not for HTML (`Accept: application/json`)
 * gets a small index of links instead; no Accept header or `*∕*` (curl, a browser) gets the page.
 */
export function wantsJsonIndex(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return listedQuality(accept, 'application/json') > 0 && listedQuality(accept, 'text/html') === 0;
}

function sendPage(reply: FastifyReply): FastifyReply {
  return reply.header('content-security-policy', CONTENT_SECURITY_POLICY).sendFile('index.html', DASHBOARD_DIR);
}

/**
 * The dashboard: the page at `/`, its files under /dashboard/ and uPlot's two dist files under
 * /dashboard/vendor/uplot/. All of it stays out of the OpenAPI document; the JSON routes are
 * untouched and unknown asset paths get the API's 404 body.
 */
export async function registerDashboard(app: FastifyInstance): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: DASHBOARD_DIR,
      prefix: DASHBOARD_ASSETS,
      index: false,
    });
    await scope.register(fastifyStatic, {
      root: UPLOT_DIST,
      prefix: `${DASHBOARD_ASSETS}vendor/uplot/`,
      decorateReply: false,
      index: false,
      allowedPath: (pathName) => UPLOT_FILES.has(pathName),
      // The vendored file changes only with the package version.
      maxAge: '1d',
    });

    scope.get('/', { schema: { hide: true } }, async (request, reply) => {
      if (wantsJsonIndex(request.headers.accept)) {
        return reply.send({
          name: 'Windmill API',
          dashboard: '/',
          docs: '/docs',
          openapi: '/docs/json',
          health: '/health',
        });
      }
      return sendPage(reply);
    });
    scope.get('/dashboard', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/', 301));
  });
}
