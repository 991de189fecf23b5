import type { FastifyInstance } from 'fastify';
import { apiClient } from '../helpers/api-client.js';
import { seedReadings } from '../helpers/readings.js';
import { createApiWorld, type ApiWorld } from './api-harness.js';

/**
 * GET /turbines on a fleet of 200 000 turbines (issue 21, item 4): it used to answer all of them at
 * once (26 MB, 2-3 s; ten at once took the API to 1.3 GB). Now it answers pages of at most 1000
 * (the default), chosen through the turbine key, so a page's size and cost do not grow with the
 * fleet. Its speed is measured by `npm run bench`, not here: these tests assert sizes.
 */

const FLEET = 200_000;
const PAGE = 1000;
/** One item is about 140 bytes with both times set; a page of 1000 stays well under this. */
const PAGE_BYTES_MAX = 200_000;

let world: ApiWorld;
let app: FastifyInstance;

beforeAll(async () => {
  world = await createApiWorld('turbine_pages');
  // Numbered turbines named by their number, as the loader names them, plus two named ones
  // (negative ids, in first-loaded order), and per-turbine counters as the writers keep them.
  await world.pool.query(`
    INSERT INTO turbine (id, name) SELECT g, g::text FROM generate_series(1, ${FLEET}) g;
    INSERT INTO turbine (id, name) VALUES (-1, 'Kelmarsh 1'), (-2, 'R80711');
    INSERT INTO turbine_reading_count (turbine_id, readings, files) SELECT g, 744, 1 FROM generate_series(1, ${FLEET}) g;
    ANALYZE turbine; ANALYZE turbine_reading_count;`);
  // The last turbine's readings give it a first and last time; its count stays the preset 744
  // (readings and files that are not here), so they are written without the loader's counting.
  // The named turbine's one reading is written (and counted) as the loader writes it.
  const fileId = await seedReadings(world.pool, [{ turbineId: -2, ts: '2022-03-02T00:00:00Z', power: 3 }], { pending: false });
  await world.pool.query(
    `INSERT INTO reading (turbine_id, ts, power_output, file_id) VALUES ($1, '2022-03-01T00:00:00Z', 1, $2), ($1, '2022-03-31T23:00:00Z', 2, $2)`,
    [FLEET, fileId],
  );
  app = await world.build();
}, 120_000);
afterAll(async () => {
  await world?.close();
});

const api = apiClient(() => app);
/** The whole answer: its size is checked too. */
const get = (url: string) => api.request('GET', url);

describe(`GET /turbines with ${FLEET} turbines`, () => {
  it('answers the first 1000 by default, with a cursor, in a bounded body', async () => {
    const { status, bytes, body } = await get('/turbines');
    expect(status).toBe(200);
    expect(body.items).toHaveLength(PAGE);
    expect(body.items[0]).toEqual({ id: 1, name: '1', readingCount: 744, fileCount: 1, firstReadingAt: null, lastReadingAt: null });
    expect(body.items.at(-1).id).toBe(PAGE);
    expect(typeof body.nextCursor).toBe('string');
    expect(bytes).toBeLessThan(PAGE_BYTES_MAX);
  });

  it('walks the whole fleet page by page, each item once, numbered by id then named, every page bounded', async () => {
    const ids: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let largest = 0;
    do {
      const { status, bytes, body } = await get(`/turbines${cursor ? `?cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(PAGE);
      largest = Math.max(largest, bytes);
      for (const t of body.items) ids.push(t.id);
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(Math.ceil((FLEET + 2) / PAGE));
    expect(largest).toBeLessThan(PAGE_BYTES_MAX);
    expect(ids).toEqual([...Array.from({ length: FLEET }, (_, i) => i + 1), -1, -2]);
  }, 120_000);

  it('crosses from the numbered turbines to the named ones with any page size, counts and times included', async () => {
    const first = await get(`/turbines?limit=1&cursor=${encode([FLEET - 1])}`);
    expect(first.body.items).toEqual([
      {
        id: FLEET,
        name: String(FLEET),
        readingCount: 744,
        fileCount: 1,
        firstReadingAt: '2022-03-01T00:00:00.000Z',
        lastReadingAt: '2022-03-31T23:00:00.000Z',
      },
    ]);
    const second = await get(`/turbines?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((t: { name: string }) => t.name)).toEqual(['Kelmarsh 1']);
    const third = await get(`/turbines?limit=5&cursor=${second.body.nextCursor}`);
    // The pending delta row counts too: the counts are exact before they are folded.
    expect(third.body).toEqual({
      items: [
        {
          id: -2,
          name: 'R80711',
          readingCount: 1,
          fileCount: 1,
          firstReadingAt: '2022-03-02T00:00:00.000Z',
          lastReadingAt: '2022-03-02T00:00:00.000Z',
        },
      ],
      nextCursor: null,
    });
  });

  it('ten first pages at once are each one bounded page', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => get('/turbines')));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body.items).toHaveLength(PAGE);
      expect(a.bytes).toBeLessThan(PAGE_BYTES_MAX);
    }
  });

  it('refuses a page larger than 1000 and a tampered cursor with 400 in the error shape', async () => {
    expect(await get('/turbines?limit=1001')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_parameter', message: 'limit: must be at most 1000' } },
    });
    for (const cursor of [encode([-8.64e15, 1]), encode([2 ** 31]), encode(['1']), 'not*base64', encode([1.5])]) {
      const { status, body } = await get(`/turbines?cursor=${cursor}`);
      expect({ cursor, status, body }).toEqual({
        cursor,
        status: 400,
        body: { error: { code: 'invalid_parameter', message: expect.stringContaining('cursor: not a valid cursor') } },
      });
    }
  });
});

function encode(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}
