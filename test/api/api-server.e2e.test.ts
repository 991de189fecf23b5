import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { basicAuthHeader, REDIS_URL } from './api-harness.js';
import { TYPESCRIPT_CHILD_ARGS } from '../helpers/child-process.js';

/**
 * The API once as a real server in its own process, over HTTP, outside jest's module loader (so
 * without the shims of jest-esm-interop.ts): what `npm start` serves.
 */

const FIXTURE = path.resolve(import.meta.dirname, 'api-server.fixture.ts');
const USER = 'operator';
const PASSWORD = 'correct horse:battery';
const TOKEN = 'e2e-api-token-0123456789';

interface Server {
  url: string;
  child: ChildProcess;
  stderr: string[];
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, [...TYPESCRIPT_CHILD_ARGS, FIXTURE], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr.join('\n')}`)), 30_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stderr.join('\n')}`));
    });
  });
  return { url, child, stderr };
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/**
 * The status of a response whose body the test does not need, with the body read: an unread body
 * holds its connection, and the server's end of it closing leaves this process a socket in
 * CLOSE-WAIT for as long as the response lives, which kept jest's worker from exiting
 * ("A worker process has failed to exit gracefully").
 */
async function statusOf(response: Promise<Response>): Promise<number> {
  const res = await response;
  await res.arrayBuffer();
  return res.status;
}

let db: TestDatabase;
const prefix = `wm-test-e2e-${randomBytes(4).toString('hex')}`;
let board: Server | undefined;

beforeAll(async () => {
  db = await createTestDatabase('api_e2e');
  const env = { DATABASE_URL: db.url, REDIS_URL, QUEUE_PREFIX: prefix, BOARD_USER: USER, BOARD_PASSWORD: PASSWORD, API_TOKEN: TOKEN };
  board = await startServer(env);
});
afterAll(async () => {
  await stopServer(board);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  for (const name of ['ingest', 'stats']) {
    const q = new Queue(name, { connection: redis, prefix });
    await q.obliterate({ force: true });
    await q.close();
  }
  await redis.quit();
  await db?.drop();
});

describe('the API as a started server', () => {
  it('answers /health and /docs/json over HTTP', async () => {
    const health = await fetch(`${board!.url}/health`);
    expect(health.status).toBe(200);
    expect((await health.json()) as unknown).toMatchObject({ status: 'ok', postgres: { status: 'up' }, redis: { status: 'up' } });
    const docs = await fetch(`${board!.url}/docs/json`);
    const doc = (await docs.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/anomalies');
  });

  it('serves the dashboard at / and its files, uPlot included, without jest in the way', async () => {
    const page = await fetch(`${board!.url}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('/dashboard/app.js');
    for (const file of ['/dashboard/app.js', '/dashboard/vendor/uplot/uPlot.esm.js', '/dashboard/vendor/uplot/uPlot.min.css']) {
      expect({ file, status: await statusOf(fetch(`${board!.url}${file}`)) }).toEqual({ file, status: 200 });
    }
    const readings = await fetch(`${board!.url}/turbines/1/readings`);
    expect(readings.status).toBe(404);
    expect(await readings.json()).toEqual({ error: { code: 'not_found', message: 'turbine 1 not found' } });
  });

  it('POST /stats/run queues a job visible on the board', async () => {
    expect(await statusOf(fetch(`${board!.url}/stats/run`, { method: 'POST' }))).toBe(401);
    const res = await fetch(`${board!.url}/stats/run`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(202);
    expect((await res.json()) as unknown).toEqual({ jobId: expect.any(String) });
  });
});

describe('Bull Board at /admin/queues', () => {
  it.each([
    ['no credentials', undefined],
    ['a wrong password', basicAuthHeader(USER, 'guess')],
    ['a wrong user', basicAuthHeader('admin', PASSWORD)],
    ['a malformed header', 'Basic !!!'],
  ])('401 with WWW-Authenticate for %s', async (_case, authorization) => {
    for (const url of [`${board!.url}/admin/queues`, `${board!.url}/admin/queues/api/queues`]) {
      const res = await fetch(url, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="Windmill queues"/);
      expect(await res.json()).toEqual({
        error: { code: 'unauthorized', message: 'Bull Board needs valid BOARD_USER / BOARD_PASSWORD credentials' },
      });
    }
  });

  it('200 with the right credentials: the page and both queues', async () => {
    const authorization = basicAuthHeader(USER, PASSWORD);
    const page = await fetch(`${board!.url}/admin/queues`, { headers: { authorization } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toMatch(/<html/i);
    const api = await fetch(`${board!.url}/admin/queues/api/queues`, { headers: { authorization } });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['ingest', 'stats']);
    expect(body.queues.every((q) => q.readOnlyMode === false)).toBe(true);
  });
});

/** A GET over a connection from `localAddress` (any 127/8 address is this machine), so the server sees another client. */
function getFrom(
  localAddress: string,
  url: string,
  authorization: string,
): Promise<{ status: number; retryAfter: string | null; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { localAddress, headers: { authorization }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, retryAfter: (res.headers['retry-after'] as string | undefined) ?? null, body }),
      );
    });
    req.on('error', reject);
  });
}

describe('Bull Board against password guessing, over HTTP', () => {
  it('1000 wrong passwords from one address: 10 answered 401, then 429 for right and wrong alike; other addresses unaffected', async () => {
    const url = `${board!.url}/admin/queues/api/queues`;
    const attacker = '127.0.0.7';
    const statuses: Record<number, number> = {};
    for (let i = 0; i < 1000; i++) {
      const res = await getFrom(attacker, url, basicAuthHeader(USER, `guess-${i}`));
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
    expect(statuses).toEqual({ 401: 10, 429: 990 });
    const right = await getFrom(attacker, url, basicAuthHeader(USER, PASSWORD));
    const wrong = await getFrom(attacker, url, basicAuthHeader(USER, 'guess-1000'));
    expect([right.status, right.body]).toEqual([wrong.status, wrong.body]);
    expect(right.status).toBe(429);
    expect(Number(right.retryAfter)).toBeGreaterThan(0);
    expect(JSON.parse(right.body)).toEqual({ error: { code: 'too_many_requests', message: expect.any(String) } });

    // Another address, and this test's usual one, still log in.
    expect((await getFrom('127.0.0.8', url, basicAuthHeader(USER, PASSWORD))).status).toBe(200);
    expect(await statusOf(fetch(url, { headers: { authorization: basicAuthHeader(USER, PASSWORD) } }))).toBe(200);

    // The server's log (warn and above): one line per checked failure and one for the lockout, no password.
    const lines = board!.stderr.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const fromAttacker = lines.filter((l) => l.client === attacker);
    expect(fromAttacker.filter((l) => l.msg === 'Bull Board login failed')).toHaveLength(10);
    expect(fromAttacker.filter((l) => String(l.msg).startsWith('Bull Board logins refused'))).toHaveLength(1);
    expect(board!.stderr.join('\n')).not.toMatch(/guess-|correct horse/);
  });
});
