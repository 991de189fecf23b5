import type { FastifyInstance } from 'fastify';
import { basicAuthHeader, createApiWorld, TEST_CONFIG, type ApiWorld } from './api-harness.js';

/**
 * Who may change state and who may read, with the real app and real queues: the state-changing
 * actions need API_TOKEN (and are off without one), API_READ_TOKEN guards reads, at most one
 * requested stats run waits however many requests arrive, and the rate limit answers 429.
 */
let world: ApiWorld;
const WRITE = 'write-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  world = await createApiWorld('auth');
});
afterAll(async () => {
  await world?.close();
});

describe('state-changing actions without API_TOKEN', () => {
  it('are disabled with a message saying how to enable them, and do nothing', async () => {
    const app = await world.build({ config: { ...TEST_CONFIG, API_TOKEN: '' } });
    const before = world.rescans;
    for (const url of ['/ingest', '/stats/run']) {
      for (const headers of [{}, bearer(WRITE)]) {
        const res = await app.inject({ method: 'POST', url, headers });
        expect(res.statusCode).toBe(403);
        expect(res.json()).toEqual({
          error: { code: 'disabled', message: 'this action is disabled: set API_TOKEN to enable state-changing requests' },
        });
      }
    }
    expect(world.rescans).toBe(before);
    expect(await world.queues.stats.count()).toBe(0);
  });
});

describe('state-changing actions with API_TOKEN', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await world.build({ config: { ...TEST_CONFIG, API_TOKEN: WRITE, API_READ_TOKEN: READ } });
  });

  it.each([
    ['no credentials', {}, 'Bearer realm="windmill"'],
    ['a wrong token', bearer('write-token-0123456789abcdeX'), 'Bearer realm="windmill", error="invalid_token"'],
    ['the token one character short', bearer(WRITE.slice(0, -1)), 'Bearer realm="windmill", error="invalid_token"'],
    ['the read token', bearer(READ), 'Bearer realm="windmill", error="invalid_token"'],
    [
      'the right token as a basic-auth password',
      { authorization: basicAuthHeader('x', WRITE) },
      'Bearer realm="windmill", error="invalid_token"',
    ],
    ['the token under another scheme', { authorization: `Token ${WRITE}` }, 'Bearer realm="windmill"'],
  ])('401 with WWW-Authenticate for %s', async (_case, headers, challenge) => {
    const before = world.rescans;
    for (const url of ['/ingest', '/stats/run']) {
      const res = await app.inject({ method: 'POST', url, headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe(challenge);
      expect(res.json().error.code).toBe('unauthorized');
    }
    expect(world.rescans).toBe(before);
  });

  it('202 with the right bearer token', async () => {
    const before = world.rescans;
    expect((await app.inject({ method: 'POST', url: '/ingest', headers: bearer(WRITE) })).statusCode).toBe(202);
    expect(world.rescans).toBe(before + 1);
    const run = await app.inject({ method: 'POST', url: '/stats/run', headers: { authorization: `bearer   ${WRITE}` } });
    expect(run.statusCode).toBe(202);
    await world.queues.stats.obliterate({ force: true });
  });

  it('a flood of stats-run requests leaves one run waiting in the queue', async () => {
    const answers = await Promise.all(
      Array.from({ length: 300 }, () => app.inject({ method: 'POST', url: '/stats/run', headers: bearer(WRITE) })),
    );
    expect(answers.every((a) => a.statusCode === 202)).toBe(true);
    expect(new Set(answers.map((a) => a.json().jobId)).size).toBe(1);
    expect(await world.queues.stats.getJobCounts('waiting', 'delayed', 'prioritized')).toEqual({ waiting: 1, delayed: 0, prioritized: 0 });
    await world.queues.stats.obliterate({ force: true });
  });
});

describe('reads', () => {
  it('are open while API_READ_TOKEN is unset', async () => {
    const app = await world.build({ config: { ...TEST_CONFIG, API_TOKEN: WRITE } });
    for (const url of ['/turbines', '/files', '/docs/json', '/metrics']) expect((await app.inject({ url })).statusCode).toBe(200);
  });

  it('need API_READ_TOKEN (or API_TOKEN) once it is set; /health stays open for probes', async () => {
    const app = await world.build({ config: { ...TEST_CONFIG, API_TOKEN: WRITE, API_READ_TOKEN: READ } });
    for (const url of ['/turbines', '/files', '/anomalies', '/docs/json', '/metrics', '/']) {
      const refused = await app.inject({ url });
      expect({ url, status: refused.statusCode }).toEqual({ url, status: 401 });
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="windmill", Basic realm="windmill", charset="UTF-8"');
      expect(refused.json().error.code).toBe('unauthorized');
      expect((await app.inject({ url, headers: bearer('wrong-token-0123456789abcdef') })).statusCode).toBe(401);
      for (const headers of [bearer(READ), bearer(WRITE), { authorization: basicAuthHeader('anyone', READ) }]) {
        expect({ url, status: (await app.inject({ url, headers })).statusCode }).toEqual({ url, status: 200 });
      }
    }
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    // Unknown routes are 404 whatever the credentials: nothing to guard.
    expect((await app.inject({ url: '/nothing-here' })).statusCode).toBe(404);
  });

  it('Bull Board keeps its own basic auth, whatever the API tokens', async () => {
    const app = await world.build({
      config: { ...TEST_CONFIG, API_TOKEN: WRITE, API_READ_TOKEN: READ, BOARD_USER: 'operator', BOARD_PASSWORD: 'board-password' },
    });
    expect((await app.inject({ url: '/admin/queues', headers: bearer(READ) })).statusCode).toBe(401);
    expect(
      (await app.inject({ url: '/admin/queues', headers: { authorization: basicAuthHeader('operator', 'board-password') } })).statusCode,
    ).toBe(200);
  });
});

describe('rate limit', () => {
  it('answers 429 in the error shape with Retry-After past API_RATE_LIMIT requests a minute', async () => {
    const app = await world.build({ config: { ...TEST_CONFIG, API_RATE_LIMIT: 5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await app.inject({ url: '/turbines' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const limited = await app.inject({ url: '/turbines' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json()).toEqual({ error: { code: 'too_many_requests', message: expect.stringMatching(/at most 5 a minute/) } });
    // Writes count too: a flood of actions is refused before it reaches the queue.
    expect((await app.inject({ method: 'POST', url: '/stats/run', headers: bearer(TEST_CONFIG.API_TOKEN) })).statusCode).toBe(429);
    // Another client address has its own budget.
    expect((await app.inject({ url: '/turbines', remoteAddress: '10.0.0.2' })).statusCode).toBe(200);
  });
});
