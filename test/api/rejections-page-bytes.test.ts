import type { FastifyInstance } from 'fastify';
import { REJECTIONS_PAGE_BYTES } from '@windmill/core/read/files.read';
import { apiClient } from '../helpers/api-client.js';
import { createApiWorld, type ApiWorld } from './api-harness.js';

/**
 * GET /files/:id/rejections pages hold up to `limit` (1000) lines, and a rejected line may be a
 * whole 1 MiB record: a page of them would be a gigabyte. A page stops once its lines' text passes
 * REJECTIONS_PAGE_BYTES (4 MiB), always holding at least one line; the cursor continues after it.
 */

const MIB = 1024 * 1024;
let world: ApiWorld;
let app: FastifyInstance;

beforeAll(async () => {
  world = await createApiWorld('rejection_bytes');
  // File 1: ten rejected lines of 1 MiB (lines 2..11) between two short ones; file 2: 5 MiB in one line.
  await world.pool.query(`
    INSERT INTO ingested_file (id, path, status, rows_total, rows_rejected) VALUES (1, '/data/inbox/wide.csv', 'done', 12, 12),
                                                                                    (2, '/data/inbox/one.csv', 'done', 1, 1);
    INSERT INTO rejected_row (file_id, line, raw, reason, detail)
    SELECT 1, g, CASE WHEN g IN (1, 12) THEN 'short,line' ELSE repeat('x', ${MIB}) END, 'column_count', 'expected 5 fields, found 1'
      FROM generate_series(1, 12) g;
    INSERT INTO rejected_row (file_id, line, raw, reason, detail) VALUES (2, 2, repeat('y', ${5 * MIB}), 'column_count', 'expected 5 fields, found 1');`);
  app = await world.build();
});
afterAll(async () => {
  await world?.close();
});

const api = apiClient(() => app);
/** The whole answer: its size is checked too. */
const page = (url: string) => api.request('GET', url);

describe('GET /files/:id/rejections with 1 MiB lines', () => {
  it('stops a page at about 4 MiB of text, whatever the limit, and the cursor walks every line once', async () => {
    const lines: number[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const { status, bytes, body } = await page(`/files/1/rejections?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      expect(bytes).toBeLessThan(REJECTIONS_PAGE_BYTES + 64 * 1024);
      sizes.push(body.items.length);
      for (const r of body.items) lines.push(r.line);
      cursor = body.nextCursor;
    } while (cursor !== null);
    // With its detail a long line is a little over 1 MiB, so three fit in 4 MiB: the short first
    // line and three long ones, three long ones twice, then the last long one and the short last line.
    expect(sizes).toEqual([4, 3, 3, 2]);
    expect(lines).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('keeps small lines to `limit` as before', async () => {
    const { body } = await page('/files/1/rejections?limit=1');
    expect(body.items.map((r: { line: number }) => r.line)).toEqual([1]);
    expect(body.nextCursor).not.toBeNull();
  });

  it('answers a line larger than the budget alone on its page', async () => {
    const { status, body } = await page('/files/2/rejections');
    expect(status).toBe(200);
    expect(body.items).toHaveLength(1);
    expect(body.items[0].raw).toHaveLength(5 * MIB);
    expect(body.nextCursor).toBeNull();
  });
});
