import type { FastifyInstance } from 'fastify';
import { BOARD_CSP, DOCS_CSP } from '@windmill/api/plugins/security-headers.plugin';
import { basicAuthHeader, createApiWorld, TEST_CONFIG, WRITE_AUTH, type ApiWorld } from './api-harness.js';
import { seed } from './seed.js';

/**
 * Security headers on every answer of the API: JSON, pages, static files, errors. The pages'
 * policies are exercised in a browser by test/dashboard/security-headers.e2e.test.ts.
 */
let world: ApiWorld;
let app: FastifyInstance;
const board = { authorization: basicAuthHeader('operator', 'board-password') };

beforeAll(async () => {
  world = await createApiWorld('headers');
  await seed(world.pool);
  app = await world.build({ config: { ...TEST_CONFIG, BOARD_USER: 'operator', BOARD_PASSWORD: 'board-password' } });
});
afterAll(async () => {
  await world?.close();
});

const API_POLICY = "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'";

it.each([
  ['GET', '/health', {}, 200, API_POLICY],
  ['GET', '/turbines', {}, 200, API_POLICY],
  ['GET', '/anomalies?limit=x', {}, 400, API_POLICY],
  ['GET', '/turbines/999/stats', {}, 404, API_POLICY],
  ['GET', '/no-such-route', {}, 404, API_POLICY],
  ['GET', '/metrics', {}, 200, API_POLICY],
  ['GET', '/docs/json', {}, 200, DOCS_CSP],
  ['POST', '/stats/run', {}, 401, API_POLICY],
  ['POST', '/stats/run', WRITE_AUTH, 202, API_POLICY],
  ['GET', '/docs/static/swagger-ui.css', {}, 200, DOCS_CSP],
  ['GET', '/docs/static/swagger-ui-bundle.js', {}, 200, DOCS_CSP],
  ['GET', '/admin/queues', board, 200, BOARD_CSP],
  ['GET', '/admin/queues/api/queues', board, 200, BOARD_CSP],
  ['GET', '/admin/queues', {}, 401, BOARD_CSP],
  ['GET', '/dashboard/app.js', {}, 200, API_POLICY],
])('%s %s (%#): nosniff, frames denied, its policy', async (method, url, headers, status, policy) => {
  const res = await app.inject({ method: method as 'GET' | 'POST', url, headers });
  expect(res.statusCode).toBe(status);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(res.headers['content-security-policy']).toBe(policy);
  expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  expect(res.headers['x-powered-by']).toBeUndefined();
});

it('the dashboard page keeps its own policy, at least as strict as before', async () => {
  const res = await app.inject({ url: '/', headers: { accept: 'text/html' } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['content-security-policy']).toBe(
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  );
});

it('/docs itself (the redirect or the page) carries the headers too', async () => {
  const res = await app.inject({ url: '/docs' });
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
});
