import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { basicAuthHeader, createApiWorld, LogCapture, TEST_CONFIG, type ApiWorld } from './api-harness.js';

/**
 * Guessing Bull Board's password (issue 21, item 2): failed logins are counted per client address
 * before the password is compared; past BOARD_MAX_FAILED_LOGINS the address gets 429 with
 * Retry-After on every board request, so a right password is answered exactly as a wrong one.
 * Runs with the default settings (10 failures, 900 s).
 */

let world: ApiWorld;
let app: FastifyInstance;
const USER = 'operator';
const PASSWORD = 'the-real-board-password';
const logs = new LogCapture();
const RIGHT = basicAuthHeader(USER, PASSWORD);
const wrong = (i: number) => basicAuthHeader(USER, `guess-${i}`);

beforeAll(async () => {
  world = await createApiWorld('board_brute');
  app = await world.build({ config: { ...TEST_CONFIG, BOARD_USER: USER, BOARD_PASSWORD: PASSWORD }, logs });
});
afterAll(async () => {
  await world?.close();
});

function board(remoteAddress: string, authorization?: string, url = '/admin/queues/api/queues') {
  return app.inject({ url, remoteAddress, headers: authorization ? { authorization } : {} });
}

/** What a client can tell apart between two answers: status, body, and which headers are set. */
function visible(res: LightMyRequestResponse) {
  const headerNames = Object.keys(res.headers)
    .filter((h) => h !== 'date')
    .sort();
  return { status: res.statusCode, body: res.body, headerNames };
}

const linesFrom = (client: string, msg: string) => logs.lines.filter((l) => l.client === client && l.msg === msg);

describe('Bull Board against password guessing', () => {
  it('1000 wrong passwords from one client: 10 are checked (401), the rest refused (429); then the right one is refused identically', async () => {
    const attacker = '10.1.0.1';
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const res = await board(attacker, wrong(i));
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 10, 429: 990 });

    const right = await board(attacker, RIGHT);
    const wrongAgain = await board(attacker, wrong(1001));
    const none = await board(attacker);
    expect(right.statusCode).toBe(429);
    expect(visible(right)).toEqual(visible(wrongAgain));
    expect(visible(right)).toEqual(visible(none));
    expect(right.json()).toEqual({
      error: { code: 'too_many_requests', message: 'too many failed Bull Board logins from this address; retry after Retry-After seconds' },
    });
    const retryAfter = Number(right.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(Math.abs(Number(wrongAgain.headers['retry-after']) - retryAfter)).toBeLessThanOrEqual(1);
    expect(right.headers['www-authenticate']).toBeUndefined();
    // The board's page is refused too, not only its API.
    expect((await board(attacker, RIGHT, '/admin/queues')).statusCode).toBe(429);

    // A warn line per failed login that was checked, one for the lockout, and no secret anywhere.
    const failed = linesFrom(attacker, 'Bull Board login failed');
    expect(failed.map((l) => [l.level, l.failures])).toEqual(Array.from({ length: 10 }, (_, i) => [40, i + 1]));
    const lockouts = linesFrom(attacker, 'Bull Board logins refused from this address for a while: too many failed logins');
    expect(lockouts).toEqual([expect.objectContaining({ level: 40, failures: 10, lockoutSeconds: 900 })]);
    const text = logs.lines.map((l) => JSON.stringify(l)).join('\n');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('guess-');
    expect(text).not.toContain(Buffer.from(`${USER}:`).toString('base64').slice(0, 8));
  });

  it('other clients are unaffected: their right password works and their wrong one is a plain 401', async () => {
    const other = '10.1.0.2';
    expect((await board(other, RIGHT)).statusCode).toBe(200);
    const res = await board(other, wrong(1));
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="Windmill queues", charset="UTF-8"');
    expect((await board(other, RIGHT)).statusCode).toBe(200);
    // The rest of the API does not share the board's count.
    expect((await app.inject({ url: '/turbines', remoteAddress: '10.1.0.1' })).statusCode).toBe(200);
  });

  it('a right password does not wipe the count: a guesser behind the same address as an operator gets no extra tries', async () => {
    const shared = '10.1.0.3';
    for (let i = 0; i < 9; i++) expect((await board(shared, wrong(i))).statusCode).toBe(401);
    expect((await board(shared, RIGHT)).statusCode).toBe(200);
    expect((await board(shared, wrong(9))).statusCode).toBe(401);
    expect((await board(shared, wrong(10))).statusCode).toBe(429);
    expect((await board(shared, RIGHT)).statusCode).toBe(429);
  });

  it('a burst of 300 guesses at once is counted before any password is compared: still only 10 get checked', async () => {
    const burst = '10.1.0.4';
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => board(burst, wrong(i))));
    const counts = answers.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.statusCode]: (acc[r.statusCode] ?? 0) + 1 }), {});
    expect(counts).toEqual({ 401: 10, 429: 290 });
    expect(linesFrom(burst, 'Bull Board login failed')).toHaveLength(10);
  });

  it('requests without credentials (a browser before its login prompt) are not failed logins', async () => {
    const browser = '10.1.0.5';
    for (let i = 0; i < 30; i++) expect((await board(browser, undefined, '/admin/queues')).statusCode).toBe(401);
    expect((await board(browser, RIGHT, '/admin/queues')).statusCode).toBe(200);
    expect(linesFrom(browser, 'Bull Board login failed')).toEqual([]);
  });
});

describe('Bull Board behind the API rate limit', () => {
  it('a client over API_RATE_LIMIT gets the same 429 for a right and a wrong password, and its passwords are never compared', async () => {
    const limitedLogs = new LogCapture();
    const limited = await world.build({
      config: { ...TEST_CONFIG, BOARD_USER: USER, BOARD_PASSWORD: PASSWORD, API_RATE_LIMIT: 5 },
      logs: limitedLogs,
    });
    const client = '10.2.0.1';
    for (let i = 0; i < 5; i++) expect((await limited.inject({ url: '/turbines', remoteAddress: client })).statusCode).toBe(200);
    const ask = (authorization: string) =>
      limited.inject({ url: '/admin/queues/api/queues', remoteAddress: client, headers: { authorization } });
    const right = await ask(RIGHT);
    const wrongOne = await ask(wrong(1));
    // The message counts down ("retry in 59 seconds"), so the two are compared without it.
    const shape = (res: LightMyRequestResponse) => ({ ...visible(res), body: (res.json() as { error: { code: string } }).error.code });
    expect(right.statusCode).toBe(429);
    expect(shape(right)).toEqual(shape(wrongOne));
    expect(right.headers['retry-after']).toBeDefined();
    for (const res of [right, wrongOne]) {
      expect(res.json()).toEqual({ error: { code: 'too_many_requests', message: expect.stringMatching(/at most 5 a minute/) } });
    }
    expect(limitedLogs.messages()).not.toContain('Bull Board login failed');
  });
});
