import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DASHBOARD_DIR, wantsJsonIndex } from '@windmill/api/plugins/dashboard.plugin';
import { createApiWorld, type ApiWorld } from './api-harness.js';

/** The dashboard's page and files as HTTP resources; the browser test (test/dashboard) drives the page itself. */

let world: ApiWorld;
let app: FastifyInstance;

beforeAll(async () => {
  world = await createApiWorld('dashboard_routes');
  app = await world.build();
});
afterAll(async () => {
  await world?.close();
});

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('GET /', () => {
  it.each([
    ['a browser', BROWSER_ACCEPT],
    ['curl (*/*)', '*/*'],
    ['a client that sends no Accept header', undefined],
  ])('serves the page to %s, with a same-origin-only Content-Security-Policy', async (_who, accept) => {
    const res = await app.inject({ url: '/', headers: accept === undefined ? {} : { accept } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<main id="view"');
    expect(res.body).toContain('<script type="module" src="/dashboard/app.js"></script>');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
  });

  it('answers a JSON client with an index of links instead', async () => {
    const res = await app.inject({ url: '/', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: 'Windmill API', dashboard: '/', docs: '/docs', openapi: '/docs/json', health: '/health' });
  });

  it('decides between page and JSON index from the Accept header', () => {
    expect(wantsJsonIndex(undefined)).toBe(false);
    expect(wantsJsonIndex('*/*')).toBe(false);
    expect(wantsJsonIndex(BROWSER_ACCEPT)).toBe(false);
    expect(wantsJsonIndex('application/json')).toBe(true);
    expect(wantsJsonIndex('application/json, text/plain, */*')).toBe(true);
    expect(wantsJsonIndex('text/html;q=0, application/json')).toBe(true);
    expect(wantsJsonIndex('text/html, application/json;q=0.5')).toBe(false);
  });

  it('leaves the JSON API as it was and out of the OpenAPI document', async () => {
    const turbines = await app.inject({ url: '/turbines', headers: { accept: BROWSER_ACCEPT } });
    expect(turbines.headers['content-type']).toContain('application/json');
    expect(turbines.json()).toEqual({ items: [], nextCursor: null });
    const doc = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p === '/' || p.startsWith('/dashboard'))).toEqual([]);
    expect((await app.inject({ url: '/dashboard' })).headers.location).toBe('/');
  });
});

describe('the page’s files', () => {
  it('serves every file index.html and the modules refer to, all from this origin', async () => {
    const index = (await app.inject({ url: '/' })).body;
    const referenced = [...index.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => u.startsWith('/dashboard/'));
    const modules = (await readdir(DASHBOARD_DIR)).filter((f) => f.endsWith('.js'));
    for (const file of modules) {
      const text = await readFile(path.join(DASHBOARD_DIR, file), 'utf8');
      // Our own files name no other host: everything, uPlot included, comes from this API.
      expect(text).not.toMatch(/https?:\/\//);
      for (const m of text.matchAll(/from '(\.\/[^']+)'/g)) referenced.push(`/dashboard/${m[1]!.slice(2)}`);
    }
    expect(index).not.toMatch(/(?:href|src)="https?:/);
    expect(referenced).toEqual(
      expect.arrayContaining([
        '/dashboard/app.js',
        '/dashboard/dashboard.css',
        '/dashboard/vendor/uplot/uPlot.esm.js',
        '/dashboard/vendor/uplot/uPlot.min.css',
      ]),
    );
    for (const url of new Set(referenced)) {
      const res = await app.inject({ url });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
      const type = String(res.headers['content-type']);
      if (url.endsWith('.js')) expect(type).toContain('javascript');
      if (url.endsWith('.css')) expect(type).toContain('text/css');
    }
  });

  it('serves uPlot from its npm package, and only its two dist files', async () => {
    const esm = await app.inject({ url: '/dashboard/vendor/uplot/uPlot.esm.js' });
    expect(esm.body).toContain('export { uPlot as default }');
    expect((await app.inject({ url: '/dashboard/vendor/uplot/uPlot.d.ts' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/dashboard/vendor/uplot/uPlot.cjs.js' })).statusCode).toBe(404);
  });

  it.each([
    '/dashboard/nope.js',
    '/dashboard/../plugins/dashboard.plugin.ts',
    '/dashboard/%2e%2e/plugins/dashboard.plugin.ts',
    '/dashboard/vendor/uplot/../package.json',
  ])('%s is refused in the API error shape, never a file outside the folder', async (url) => {
    const res = await app.inject({ url });
    expect([403, 404]).toContain(res.statusCode);
    expect(res.json().error.code).toMatch(/^(not_found|forbidden)$/);
    expect(res.body).not.toContain('registerDashboard');
  });
});
