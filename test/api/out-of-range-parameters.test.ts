import type { FastifyInstance } from 'fastify';
import { apiClient } from '../helpers/api-client.js';
import { createApiWorld, LogCapture, type ApiWorld } from './api-harness.js';
import { seed } from './seed.js';

/**
 * Instants Postgres cannot store (issue 21, item 6). A cursor is base64url of the last item's sort
 * key; a tampered one holding an instant before 4714 BC (`[-8.64e15,1]`: JavaScript's earliest Date)
 * used to reach SQL and answer 500 `timestamp out of range`. Every cursor and every time parameter
 * is a bad parameter there: 400 in the error shape, and nothing logged as a server error.
 */

let world: ApiWorld;
let app: FastifyInstance;
const logs = new LogCapture();

beforeAll(async () => {
  world = await createApiWorld('out_of_range');
  await seed(world.pool);
  app = await world.build({ logs });
});
afterAll(async () => {
  await world?.close();
});

const encode = (key: unknown[]): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
const JS_MIN = -8.64e15;
const JS_MAX = 8.64e15;
/** Postgres' earliest timestamptz, 4714-11-24 00:00 BC (UTC), and 1 January 4713 BC, where cursors start. */
const PG_MIN = Date.UTC(-4713, 10, 24);
const CURSOR_MIN = Date.UTC(-4712, 0, 1);

/** Every endpoint that takes a cursor, and a valid key of its shape: an instant (ms) first, or an int4 id or line. */
const CURSOR_ENDPOINTS: Array<{ url: string; key: (n: number) => unknown[]; instant: boolean }> = [
  { url: '/stats', key: (ms) => [ms, 1], instant: true },
  { url: '/turbines/1/stats', key: (ms) => [ms, 1], instant: true },
  { url: '/anomalies', key: (ms) => [ms, 1, 1], instant: true },
  { url: '/windows', key: (ms) => [ms], instant: true },
  { url: '/turbines/1/readings', key: (ms) => [ms], instant: true },
  { url: '/turbines', key: (id) => [id], instant: false },
  { url: '/files', key: (id) => [id], instant: false },
  { url: '/files/1/rejections', key: (line) => [line], instant: false },
];

const { get } = apiClient(() => app);

const badCursor = {
  status: 400,
  body: { error: { code: 'invalid_parameter', message: expect.stringMatching(/^cursor: not a valid cursor/) } },
};

describe('a tampered cursor', () => {
  it.each(CURSOR_ENDPOINTS.map((e) => [e.url, e] as const))('on %s answers 400 in the error shape', async (_url, { url, key, instant }) => {
    const tampered = [
      // The probe's cursor, whatever the endpoint's shape.
      encode([JS_MIN, 1]),
      // The endpoint's own shape, out of range: instants Postgres cannot store, ids beyond int4.
      ...(instant
        ? [encode(key(JS_MIN)), encode(key(PG_MIN - 1)), encode(key(CURSOR_MIN - 1)), encode(key(JS_MAX + 1)), encode(key(0.5))]
        : [encode(key(2 ** 31)), encode(key(-(2 ** 31) - 1)), encode(key(1.5)), encode(key(1e300))]),
      encode(['1970-01-01', 1]),
      encode([]),
      Buffer.from('{"id":1}').toString('base64url'),
      'bm90IGpzb24',
      'a+b/c=',
      'A'.repeat(513),
    ];
    for (const cursor of tampered) expect({ cursor, ...(await get(`${url}?cursor=${cursor}`)) }).toEqual({ cursor, ...badCursor });
  });

  it.each(CURSOR_ENDPOINTS.filter((e) => e.instant).map((e) => [e.url, e] as const))(
    'on %s the earliest and latest cursor instants still work (200)',
    async (_url, { url, key }) => {
      for (const ms of [CURSOR_MIN, JS_MAX]) {
        const { status, body } = await get(`${url}?cursor=${encode(key(ms))}`);
        expect({ url, ms, status }).toEqual({ url, ms, status: 200 });
        expect(Array.isArray(body.items)).toBe(true);
      }
    },
  );

  it('never reached SQL: no request failed with a server error', () => {
    expect(logs.lines.filter((l) => l.msg === 'request failed')).toEqual([]);
  });
});

/** Every endpoint that takes from/to (power-curve needs both) or window_start. */
const TIME_ENDPOINTS = [
  '/stats',
  '/turbines/1/stats',
  '/turbines/1/readings',
  '/turbines/1/summary',
  '/windows',
  '/anomalies',
  '/power-curve?from=2022-03-01&to=2022-03-02',
];
const withParam = (url: string, param: string) => {
  const name = param.slice(0, param.indexOf('='));
  const base = url.includes(`${name}=`) ? url.replace(new RegExp(`${name}=[^&]*&?`), '').replace(/\?$/, '') : url;
  return `${base}${base.includes('?') ? '&' : '?'}${param}`;
};

describe('from, to and window_start far outside what Postgres stores', () => {
  const outside = [
    'from=300000-01-01',
    'to=300000-01-01T00:00:00Z',
    'from=+300000-01-01',
    'to=-271821-04-20T00:00:00Z',
    `from=${JS_MIN}`,
    `to=${JS_MAX}`,
    'from=-4714-11-24',
    'from=99999-12-31',
    // Written with four digits, but an offset moves the instant out of the years 0000..9999 (UTC),
    // which the answers that echo the period (summary, power curve) could not write back.
    'from=0000-01-01T00:00:00%2B14:00',
    'to=9999-12-31T23:59:59.999-14:00',
  ];

  it.each(TIME_ENDPOINTS)('%s answers 400 naming the parameter', async (url) => {
    for (const param of outside) {
      const { status, body } = await get(withParam(url, param));
      const name = param.slice(0, param.indexOf('='));
      expect({ param, status, body }).toEqual({
        param,
        status: 400,
        body: { error: { code: 'invalid_parameter', message: expect.stringContaining(`${name}: expected an ISO 8601 date`) } },
      });
    }
  });

  it.each(TIME_ENDPOINTS)('%s answers 200 at the ends of what it accepts: years 0000 and 9999 (UTC)', async (url) => {
    const wide = withParam(withParam(url, 'from=0000-01-01'), 'to=9999-12-31T23:59:59.999Z');
    expect({ wide, status: (await get(wide)).status }).toEqual({ wide, status: 200 });
  });

  it('window_start on /stats: out of range 400, the ends 200', async () => {
    expect((await get('/stats?window_start=300000-01-01')).status).toBe(400);
    expect((await get(`/stats?window_start=${JS_MIN}`)).status).toBe(400);
    expect((await get('/stats?window_start=0000-01-01')).status).toBe(200);
    expect((await get('/stats?window_start=9999-12-31T23:59:59.999Z')).status).toBe(200);
    expect(logs.lines.filter((l) => l.msg === 'request failed')).toEqual([]);
  });
});
