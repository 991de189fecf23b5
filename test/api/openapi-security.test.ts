import type { FastifyInstance } from 'fastify';
import { createApiWorld, TEST_CONFIG, type ApiWorld } from './api-harness.js';
import { seed } from './seed.js';

/**
 * The OpenAPI document says who may call what, as the auth plugin enforces it: bearer security
 * schemes (Swagger UI's Authorize button), each route's requirement, and the 401 and 403 it can
 * answer, documented on exactly the routes that answer them.
 */

let world: ApiWorld;
const WRITE = 'write-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef';

type Operation = { security?: Array<Record<string, string[]>>; responses: Record<string, { description: string }> };
type Document = { components: { securitySchemes?: Record<string, unknown> }; paths: Record<string, Record<string, Operation>> };

beforeAll(async () => {
  world = await createApiWorld('openapi_security');
  await seed(world.pool);
});
afterAll(async () => {
  await world?.close();
});

async function documentOf(app: FastifyInstance, headers: Record<string, string> = {}): Promise<Document> {
  const res = await app.inject({ url: '/docs/json', headers });
  expect(res.statusCode).toBe(200);
  return res.json();
}

function operations(doc: Document): Array<{ method: string; path: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([p, methods]) => Object.entries(methods).map(([method, op]) => ({ method, path: p, op })));
}

const concrete = (p: string) => p.replace('{id}', '1');

describe('with API_TOKEN and no API_READ_TOKEN (the usual set-up)', () => {
  let app: FastifyInstance;
  let doc: Document;
  beforeAll(async () => {
    app = await world.build({ config: { ...TEST_CONFIG, API_TOKEN: WRITE } });
    doc = await documentOf(app);
  });

  it('has a bearer security scheme for API_TOKEN, so /docs has an Authorize button', () => {
    expect(doc.components.securitySchemes).toEqual({
      apiToken: { type: 'http', scheme: 'bearer', description: expect.stringContaining('API_TOKEN') },
    });
  });

  it('the POST routes require it and document 401 and 403 in the error shape', () => {
    for (const p of ['/ingest', '/stats/run']) {
      const op = doc.paths[p]!.post!;
      expect(op.security).toEqual([{ apiToken: [] }]);
      expect(Object.keys(op.responses).sort()).toEqual(['202', '400', '401', '403']);
      expect(op.responses['401']!.description).toMatch(/^unauthorized/);
      expect(op.responses['403']!.description).toMatch(/^disabled/);
      expect(JSON.stringify(op.responses['401'])).toContain('"code"');
    }
  });

  it('reads require nothing and document no 401', () => {
    for (const { method, path: p, op } of operations(doc)) {
      if (method !== 'get') continue;
      expect([p, op.security, op.responses['401']]).toEqual([p, undefined, undefined]);
    }
  });
});

describe('with API_READ_TOKEN set', () => {
  let app: FastifyInstance;
  let doc: Document;
  beforeAll(async () => {
    app = await world.build({ config: { ...TEST_CONFIG, API_TOKEN: WRITE, API_READ_TOKEN: READ } });
    doc = await documentOf(app, { authorization: `Bearer ${READ}` });
  });

  it('adds a bearer scheme for it; every read but /health takes either token and documents 401', () => {
    expect(Object.keys(doc.components.securitySchemes ?? {}).sort()).toEqual(['apiToken', 'readToken']);
    expect(doc.components.securitySchemes?.readToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { method, path: p, op } of operations(doc)) {
      if (method !== 'get') continue;
      if (p === '/health') expect([p, op.security, op.responses['401']]).toEqual([p, undefined, undefined]);
      else expect([p, op.security, Boolean(op.responses['401'])]).toEqual([p, [{ readToken: [] }, { apiToken: [] }], true]);
    }
  });

  it('documents 401 and 403 exactly where the API answers them to a request without credentials', async () => {
    const disabled = await world.build({ config: { ...TEST_CONFIG, API_TOKEN: '', API_READ_TOKEN: READ } });
    const seen: string[] = [];
    for (const { method, path: p, op } of operations(doc)) {
      const request = { method: method.toUpperCase() as 'GET' | 'POST', url: concrete(p) };
      const status = (await app.inject(request)).statusCode;
      expect([method, p, status === 401]).toEqual([method, p, '401' in op.responses]);
      if (method === 'post') {
        const off = (await disabled.inject(request)).statusCode;
        expect([p, off]).toEqual([p, 403]);
        expect('403' in op.responses).toBe(true);
      } else {
        expect([p, '403' in op.responses]).toEqual([p, false]);
      }
      seen.push(`${method} ${p}`);
    }
    expect(seen).toEqual(
      expect.arrayContaining(['get /stats', 'get /turbines/{id}/anomalies', 'post /ingest', 'post /stats/run', 'get /health']),
    );
  });
});
