import { jest } from '@jest/globals';

/**
 * Some CommonJS packages under Fastify (light-my-request behind `inject`, @fastify/static behind
 * Swagger UI and Bull Board) require() packages that are ESM-only. Node >= 20.19 loads those
 * natively, but jest's CommonJS loader refuses require(esm) before Node 24.9. So the test run
 * imports the real packages as ESM (which jest supports) and serves those same modules to the
 * require() calls. Production code is untouched.
 */
const esmOnly = {
  cookie: await import('cookie'),
  'content-disposition': await import('content-disposition'),
};
jest.mock('cookie', () => esmOnly.cookie);
jest.mock('content-disposition', () => esmOnly['content-disposition']);
