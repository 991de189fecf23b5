import type { FastifyInstance } from 'fastify';
import { basicAuthHeader, createApiWorld, LogCapture, TEST_CONFIG, type ApiWorld } from './api-harness.js';

let world: ApiWorld;
let app: FastifyInstance;
const USER = 'operator';
const PASSWORD = 'pa:ss wörd';
const logs = new LogCapture();

beforeAll(async () => {
  world = await createApiWorld('board');
  app = await world.build({ config: { ...TEST_CONFIG, BOARD_USER: USER, BOARD_PASSWORD: PASSWORD }, logs });
});
afterAll(async () => {
  await world?.close();
});

describe('Bull Board behind basic auth', () => {
  it.each([
    ['no credentials', undefined],
    ['a wrong password', basicAuthHeader(USER, 'pa:ss word')],
    ['a wrong user', basicAuthHeader('admin', PASSWORD)],
    ['an empty password', basicAuthHeader(USER, '')],
    ['another scheme', 'Bearer abc'],
  ])('401 with WWW-Authenticate and the error shape for %s', async (_case, authorization) => {
    for (const url of ['/admin/queues', '/admin/queues/queue/ingest', '/admin/queues/api/queues']) {
      const res = await app.inject({ url, headers: authorization ? { authorization } : {} });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="Windmill queues", charset="UTF-8"');
      expect(res.json()).toEqual({
        error: { code: 'unauthorized', message: 'Bull Board needs valid BOARD_USER / BOARD_PASSWORD credentials' },
      });
    }
  });

  it('200 with the right credentials (UTF-8 and colons in the password work)', async () => {
    const authorization = basicAuthHeader(USER, PASSWORD);
    const page = await app.inject({ url: '/admin/queues', headers: { authorization } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const api = await app.inject({ url: '/admin/queues/api/queues', headers: { authorization } });
    expect(api.statusCode).toBe(200);
    expect(
      api
        .json()
        .queues.map((q: { name: string }) => q.name)
        .sort(),
    ).toEqual(['ingest', 'stats']);
  });

  it('logs that the board is mounted, and leaves the API itself open', async () => {
    expect(logs.lines.find((l) => l.msg === 'Bull Board mounted')).toMatchObject({ readOnly: false, path: '/admin/queues' });
    expect((await app.inject({ url: '/turbines' })).statusCode).toBe(200);
  });

  it('is not mounted without a password (404) or without queues', async () => {
    const noPassword = await world.build({ config: { ...TEST_CONFIG, BOARD_PASSWORD: '' } });
    expect((await noPassword.inject({ url: '/admin/queues' })).statusCode).toBe(404);
    const noQueuesLogs = new LogCapture();
    const noQueues = await world.build({ queues: null, config: { ...TEST_CONFIG, BOARD_PASSWORD: PASSWORD }, logs: noQueuesLogs });
    expect(
      (await noQueues.inject({ url: '/admin/queues', headers: { authorization: basicAuthHeader('admin', PASSWORD) } })).statusCode,
    ).toBe(404);
    expect(noQueuesLogs.messages()).toContain('Bull Board not mounted: this process has no queues (no Redis)');
  });

  it('BOARD_READ_ONLY=true refuses actions', async () => {
    const readOnly = await world.build({ config: { ...TEST_CONFIG, BOARD_USER: USER, BOARD_PASSWORD: PASSWORD, BOARD_READ_ONLY: true } });
    const authorization = basicAuthHeader(USER, PASSWORD);
    const queues = await readOnly.inject({ url: '/admin/queues/api/queues', headers: { authorization } });
    expect(queues.json().queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
    const pause = await readOnly.inject({ method: 'PUT', url: '/admin/queues/api/queues/ingest/pause', headers: { authorization } });
    expect(pause.statusCode).toBe(405);
    expect(await world.queues.ingest.isPaused()).toBe(false);
  });
});
