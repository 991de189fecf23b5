import type { FastifyInstance } from 'fastify';
import { apiClient } from '../helpers/api-client.js';
import { createApiWorld, type ApiWorld } from './api-harness.js';
import { seed } from './seed.js';

let world: ApiWorld;
let app: FastifyInstance;

beforeAll(async () => {
  world = await createApiWorld('read');
  await seed(world.pool);
  app = await world.build();
});
afterAll(async () => {
  await world?.close();
});

const { get } = apiClient(() => app);

describe('GET /turbines', () => {
  it('lists every turbine with its reading count, files and time span', async () => {
    const { status, body } = await get('/turbines');
    expect(status).toBe(200);
    expect(body).toEqual({
      items: [
        {
          id: 1,
          name: '1',
          readingCount: 3,
          fileCount: 1,
          firstReadingAt: '2022-03-01T00:00:00.000Z',
          lastReadingAt: '2022-03-02T00:00:00.000Z',
        },
        {
          id: 2,
          name: '2',
          readingCount: 2,
          fileCount: 1,
          firstReadingAt: '2022-03-01T00:00:00.000Z',
          lastReadingAt: '2022-03-03T23:00:00.000Z',
        },
        { id: 3, name: '3', readingCount: 0, fileCount: 0, firstReadingAt: null, lastReadingAt: null },
      ],
      nextCursor: null,
    });
  });

  it('rejects unknown query parameters, naming them', async () => {
    const { status, body } = await get('/turbines?foo=1&bar=2');
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 'unknown_parameter', message: 'unknown query parameters: foo, bar' } });
  });
});

describe('GET /turbines/:id/summary', () => {
  it('computes min/max/mean over [from, to) with an exact decimal mean', async () => {
    const { status, body } = await get('/turbines/1/summary?from=2022-03-01T00:00:00Z&to=2022-03-02T00:00:00Z');
    expect(status).toBe(200);
    // A double average of 2.9 and 3.05 would be 2.9749999999999996.
    expect(body).toEqual({
      turbineId: 1,
      turbineName: '1',
      from: '2022-03-01T00:00:00.000Z',
      to: '2022-03-02T00:00:00.000Z',
      count: 2,
      min: 2.9,
      max: 3.05,
      mean: 2.975,
    });
  });

  it('treats to as exclusive and from as inclusive, and accepts offsets and bare dates', async () => {
    // 01:00+01:00 is 00:00Z: the first reading is in, the 01:00Z one is out.
    const a = await get('/turbines/1/summary?from=2022-03-01T01:00:00%2B01:00&to=2022-03-01T01:00:00Z');
    expect(a.body).toMatchObject({ count: 1, min: 2.9, max: 2.9, mean: 2.9, from: '2022-03-01T00:00:00.000Z' });
    const b = await get('/turbines/1/summary?from=2022-03-02');
    expect(b.body).toMatchObject({ count: 1, mean: 10, from: '2022-03-02T00:00:00.000Z', to: null });
  });

  it('covers all readings without from/to', async () => {
    const { body } = await get('/turbines/1/summary');
    expect(body).toEqual({ turbineId: 1, turbineName: '1', from: null, to: null, count: 3, min: 2.9, max: 10, mean: 5.31666666667 });
  });

  it('answers count 0 and null values for an empty period or a turbine without readings', async () => {
    const { status, body } = await get('/turbines/3/summary');
    expect(status).toBe(200);
    expect(body).toEqual({ turbineId: 3, turbineName: '3', from: null, to: null, count: 0, min: null, max: null, mean: null });
  });

  it('404s for an unknown turbine', async () => {
    const { status, body } = await get('/turbines/99/summary');
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'not_found', message: 'turbine 99 not found' } });
  });

  it('takes a turbine by its name: anything but a known name is a 404, a number with leading zeros is that id', async () => {
    // Any text is a name; no turbine has these.
    for (const name of ['abc', '0', '1.5', '-1']) {
      expect(await get(`/turbines/${name}/summary`)).toMatchObject({
        status: 404,
        body: { error: { code: 'not_found', message: `turbine ${name} not found` } },
      });
    }
    // A name that is a positive integer is the turbine with that id, as the loader keys it.
    expect((await get('/turbines/001/summary')).body).toMatchObject({ turbineId: 1, turbineName: '1', count: 3 });
  });

  it.each([
    ['/turbines/1/summary?from=2022-03-02&to=2022-03-01', 'from: must be before to'],
    ['/turbines/1/summary?from=2022-03-01&to=2022-03-01', 'from: must be before to'],
    ['/turbines/1/summary?from=yesterday', 'from: expected an ISO 8601 date or date-time'],
    ['/turbines/1/summary?to=2022-02-30T00:00:00Z', 'to: expected an ISO 8601 date or date-time'],
    ['/turbines/1/summary?from=1646092800', 'from: expected an ISO 8601 date or date-time'],
    [`/turbines/${'x'.repeat(65)}/summary`, 'id: a turbine name has at most 64 characters'],
  ])('400 for %s', async (url, message) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_parameter');
    expect(body.error.message).toContain(message);
  });
});

describe('GET /turbines/:id/stats', () => {
  it("returns the turbine's window stats for the configured window size, oldest first", async () => {
    const { status, body } = await get('/turbines/1/stats');
    expect(status).toBe(200);
    expect(body).toEqual({
      items: [
        {
          turbineId: 1,
          turbineName: '1',
          windowStart: '2022-03-01T00:00:00.000Z',
          windowSeconds: 86400,
          count: 2,
          min: 2.9,
          max: 3.05,
          mean: 2.975,
          stddev: 0.106066017,
          imputedCount: 1,
          expectedCount: 24,
          computedAt: '2022-03-06T00:00:00.000Z',
          energyMWh: 5.95,
          actualEnergyMWh: 2.9,
          expectedEnergyMWh: 3.2,
          lostEnergyMWh: 0.3,
          performanceRatio: 0.90625,
          readingsUsed: 1,
          performanceJudged: false,
        },
        {
          turbineId: 1,
          turbineName: '1',
          windowStart: '2022-03-02T00:00:00.000Z',
          windowSeconds: 86400,
          count: 1,
          min: 10,
          max: 10,
          mean: 10,
          stddev: null,
          imputedCount: 0,
          expectedCount: 24,
          computedAt: '2022-03-06T00:00:00.000Z',
          energyMWh: 0,
          actualEnergyMWh: 0,
          expectedEnergyMWh: 0,
          lostEnergyMWh: 0,
          performanceRatio: null,
          readingsUsed: 0,
          performanceJudged: false,
        },
      ],
      nextCursor: null,
    });
  });

  it('pages with an opaque cursor and filters window_start by from/to', async () => {
    const first = await get('/turbines/1/stats?limit=1');
    expect(first.body.items.map((i: { windowStart: string }) => i.windowStart)).toEqual(['2022-03-01T00:00:00.000Z']);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await get(`/turbines/1/stats?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((i: { windowStart: string }) => i.windowStart)).toEqual(['2022-03-02T00:00:00.000Z']);
    expect(second.body.nextCursor).toBeNull();

    const ranged = await get('/turbines/1/stats?from=2022-03-02T00:00:00Z&to=2022-03-03T00:00:00Z');
    expect(ranged.body.items).toHaveLength(1);
    expect(ranged.body.items[0].windowStart).toBe('2022-03-02T00:00:00.000Z');
  });

  it('404s for an unknown turbine and 400s for bad parameters', async () => {
    expect((await get('/turbines/42/stats')).status).toBe(404);
    const reversed = await get('/turbines/1/stats?from=2022-03-03&to=2022-03-01');
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.message).toBe('from: must be before to');
    const huge = await get('/turbines/1/stats?limit=100000');
    expect(huge.status).toBe(400);
    expect(huge.body.error.message).toBe('limit: must be at most 1000');
  });
});

describe('GET /stats', () => {
  it('lists window stats across turbines by window then turbine', async () => {
    const { status, body } = await get('/stats');
    expect(status).toBe(200);
    expect(body.items.map((i: { windowStart: string; turbineId: number }) => [i.windowStart.slice(0, 10), i.turbineId])).toEqual([
      ['2022-03-01', 1],
      ['2022-03-01', 2],
      ['2022-03-02', 1],
      ['2022-03-03', 2],
    ]);
    expect(body.nextCursor).toBeNull();
  });

  it('filters by window_start, by from/to and by turbine', async () => {
    const one = await get('/stats?window_start=2022-03-01T00:00:00Z');
    expect(one.body.items.map((i: { turbineId: number }) => i.turbineId)).toEqual([1, 2]);
    const range = await get('/stats?from=2022-03-02&to=2022-03-04&turbine=2');
    expect(range.body.items).toHaveLength(1);
    expect(range.body.items[0]).toMatchObject({ turbineId: 2, windowStart: '2022-03-03T00:00:00.000Z', mean: 2.5 });
  });

  it('404s for an unknown turbine', async () => {
    expect(await get('/stats?turbine=99')).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found', message: 'turbine 99 not found' } },
    });
    expect((await get('/stats?turbine=-1')).status).toBe(404);
  });

  it('walks every row exactly once through the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ windowStart: string; turbineId: number }>; nextCursor: string | null } } = await get(
        `/stats?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((i) => `${i.windowStart}/${i.turbineId}`));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
  });

  it.each([
    ['/stats?limit=1001', 'limit: must be at most 1000'],
    ['/stats?limit=0', 'limit: must be at least 1'],
    ['/stats?limit=ten', 'limit: expected an integer'],
    [`/stats?turbine=${'x'.repeat(65)}`, 'turbine: a turbine name has at most 64 characters'],
    ['/stats?turbine=', 'turbine: expected a turbine name'],
    ['/stats?window_start=2022-03-01&from=2022-03-01', 'window_start: give either window_start or from/to, not both'],
    ['/stats?to=2022-03-01&from=2022-03-05', 'from: must be before to'],
    ['/stats?cursor=bm9wZQ', 'cursor: not a valid cursor'],
  ])('400 for %s', async (url, message) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.error.message).toContain(message);
  });
});

describe('GET /anomalies', () => {
  const key = (i: { id: number }) => i.id;

  it('lists anomalies of the configured window size by window, turbine, id', async () => {
    const { status, body } = await get('/anomalies');
    expect(status).toBe(200);
    expect(body.items.map(key)).toEqual([11, 10, 12, 13]);
    expect(body.items[0]).toEqual({
      id: 11,
      kind: 'reading',
      turbineId: 1,
      turbineName: '1',
      windowStart: '2022-03-01T00:00:00.000Z',
      windowSeconds: 86400,
      ts: '2022-03-01T01:00:00.000Z',
      value: 3.05,
      mean: 2.975,
      stddev: 0.01,
      deviation: 0.075,
      sigma: 2,
      threshold: null,
      lostEnergyMWh: null,
    });
    expect(body.items[1]).toMatchObject({ id: 10, kind: 'turbine', turbineId: 2, ts: null, value: 1.5, deviation: -3.5 });
    expect(body.nextCursor).toBeNull();
  });

  it('filters by kind, turbine and window_start range', async () => {
    expect((await get('/anomalies?kind=turbine')).body.items.map(key)).toEqual([10, 13]);
    expect((await get('/anomalies?kind=reading&turbine=1')).body.items.map(key)).toEqual([11, 12]);
    expect((await get('/anomalies?from=2022-03-02T00:00:00Z')).body.items.map(key)).toEqual([12, 13]);
    expect((await get('/anomalies?to=2022-03-02T00:00:00Z')).body.items.map(key)).toEqual([11, 10]);
    expect((await get('/anomalies?turbine=3')).body.items).toEqual([]);
  });

  it('404s for an unknown turbine, whatever its name looks like', async () => {
    for (const name of ['99', 'abc', '0', '99999999999']) {
      expect(await get(`/anomalies?turbine=${name}`)).toMatchObject({
        status: 404,
        body: { error: { code: 'not_found', message: `turbine ${name} not found` } },
      });
    }
  });

  it('pages stably with limit and cursor, defaulting to 100', async () => {
    const ids: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: { items: Array<{ id: number }>; nextCursor: string | null } } = await get(
        `/anomalies?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      ids.push(...page.body.items.map(key));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(ids).toEqual([11, 10, 12, 13]);
    expect(pages).toBe(4);
    expect((await get('/anomalies?limit=1000')).status).toBe(200);
  });

  it.each([
    ['/anomalies?kind=spike', 'kind:'],
    [`/anomalies?turbine=${'é'.repeat(65)}`, 'turbine: a turbine name has at most 64 characters'],
    ['/anomalies?turbine=1&turbine=2', 'turbine: '],
    ['/anomalies?limit=1001', 'limit: must be at most 1000'],
    ['/anomalies?limit=99999999999999999999', 'limit: must be at most 1000'],
    ['/anomalies?limit=2.5', 'limit: expected an integer'],
    ['/anomalies?from=2022-03-02&to=2022-03-01', 'from: must be before to'],
    ['/anomalies?from=2022-13-01', 'from: expected an ISO 8601 date or date-time'],
    ['/anomalies?cursor=WzEsMl0', 'cursor: not a valid cursor'],
    ['/anomalies?cursor=***', 'cursor: not a valid cursor'],
  ])('400 for %s', async (url, message) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_parameter');
    expect(body.error.message).toContain(message);
  });

  it('rejects unknown parameters by name, even next to valid ones', async () => {
    const { status, body } = await get('/anomalies?kind=reading&sort=desc');
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 'unknown_parameter', message: 'unknown query parameter: sort' } });
  });
});

describe('GET /files', () => {
  it('lists the ledger newest first with every count and the BigInt size as a number', async () => {
    const { status, body } = await get('/files');
    expect(status).toBe(200);
    expect(body.items.map((f: { id: number }) => f.id)).toEqual([3, 2, 1]);
    expect(body.items[2]).toEqual({
      id: 1,
      path: '/data/inbox/a.csv',
      sha256: 'a'.repeat(64),
      sizeBytes: 1234,
      status: 'done',
      rowsTotal: 6,
      rowsLoaded: 3,
      rowsImputed: 1,
      rowsDuplicate: 1,
      rowsRejected: 2,
      rowsSuperseded: 0,
      startOffset: 0,
      appendOfId: null,
      duplicateOfId: null,
      ignoredColumns: [],
      error: null,
      finalPath: '/data/processed/a.csv',
      moveError: null,
      // The canonical layout (GET /files names the input profile a file was read with).
      profile: null,
      attempts: 1,
      queuedAt: '2022-03-05T10:00:00.000Z',
      startedAt: '2022-03-05T10:00:01.000Z',
      finishedAt: '2022-03-05T10:00:02.000Z',
    });
    expect(body.items[0].sizeBytes).toBe(9007199254740000);
    expect(body.items[1]).toMatchObject({ status: 'failed', error: 'empty file (0 bytes)' });
  });

  it('filters by status and pages by cursor', async () => {
    expect((await get('/files?status=failed')).body.items.map((f: { id: number }) => f.id)).toEqual([2]);
    const first = await get('/files?status=done&limit=1');
    expect(first.body.items.map((f: { id: number }) => f.id)).toEqual([3]);
    const second = await get(`/files?status=done&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((f: { id: number }) => f.id)).toEqual([1]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('400s for an unknown status or a huge limit', async () => {
    expect((await get('/files?status=lost')).status).toBe(400);
    const huge = await get('/files?limit=5000');
    expect(huge.status).toBe(400);
    expect(huge.body.error.message).toBe('limit: must be at most 1000');
  });

  it('GET /files/:id returns one row or 404', async () => {
    expect((await get('/files/2')).body).toMatchObject({ id: 2, status: 'failed' });
    expect(await get('/files/77')).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'file 77 not found' } } });
  });
});

describe('GET /files/:id/rejections', () => {
  it('lists rejected lines with raw text, reason and detail in line order', async () => {
    const { status, body } = await get('/files/1/rejections');
    expect(status).toBe(200);
    expect(body).toEqual({
      items: [
        { line: 3, raw: '2022-03-01 02:00:00,1,"x,y"', reason: 'column_count', detail: 'expected 5 fields, found 4' },
        { line: 6, raw: 'not a date,1,2,3,4', reason: 'bad_timestamp', detail: 'cannot read "not a date" as a timestamp' },
      ],
      nextCursor: null,
    });
    const page = await get('/files/1/rejections?limit=1');
    expect(page.body.items.map((r: { line: number }) => r.line)).toEqual([3]);
    const next = await get(`/files/1/rejections?limit=1&cursor=${page.body.nextCursor}`);
    expect(next.body.items.map((r: { line: number }) => r.line)).toEqual([6]);
  });

  it('answers an empty list for a file without rejections and 404 for an unknown file', async () => {
    expect((await get('/files/3/rejections')).body).toEqual({ items: [], nextCursor: null });
    expect((await get('/files/4/rejections')).status).toBe(404);
  });
});

describe('hostile input', () => {
  const counts = async () =>
    (
      await world.pool.query<{ readings: string; anomalies: string; files: string; turbines: string }>(
        `SELECT (SELECT count(*) FROM reading) AS readings, (SELECT count(*) FROM anomaly) AS anomalies,
                (SELECT count(*) FROM ingested_file) AS files, (SELECT count(*) FROM turbine) AS turbines`,
      )
    ).rows[0];

  it.each([
    "/turbines/1'%20OR%20'1'='1/summary",
    '/turbines/1;DROP%20TABLE%20reading/stats',
    '/anomalies?turbine=1%20OR%201%3D1',
    "/stats?turbine=1'%3B%20DELETE%20FROM%20turbine%3B--",
  ])('%s is a turbine name like any other: a 404 that changes nothing', async (url) => {
    const { status, body } = await get(url);
    expect(status).toBe(404);
    expect(body.error.code).toBe('not_found');
    expect(await counts()).toEqual({ readings: '5', anomalies: '5', files: '3', turbines: '3' });
  });

  it.each([
    "/anomalies?kind=reading'%3BDROP%20TABLE%20anomaly%3B--",
    "/stats?from=2022-03-01'%20OR%20'1'%3D'1",
    "/files?status=done'%20OR%201%3D1--",
    '/files?cursor=%27%3B%20DELETE%20FROM%20ingested_file%3B--',
    '/files/1/rejections?limit=1;SELECT%20pg_sleep(10)',
  ])('%s is a 400 and changes nothing', async (url) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_parameter');
    expect(await counts()).toEqual({ readings: '5', anomalies: '5', files: '3', turbines: '3' });
  });

  it('very long URLs get a 4xx with the error shape, never a 500', async () => {
    const longValue = 'x'.repeat(20_000);
    const query = await get(`/anomalies?kind=${longValue}`);
    expect(query.status).toBe(400);
    expect(query.body.error.code).toBe('invalid_parameter');
    const unknown = await get(`/stats?${longValue}=1`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('unknown_parameter');
    const id = await get(`/turbines/${'9'.repeat(5_000)}/stats`);
    expect(id.status).toBe(400);
    expect(id.body.error.message).toBe('a path parameter is too long');
  });

  it('a well-formed cursor carrying SQL is still just a 400', async () => {
    const cursor = Buffer.from(JSON.stringify(["1' OR 1=1", 1])).toString('base64url');
    const { status } = await get(`/stats?cursor=${cursor}`);
    expect(status).toBe(400);
  });
});
