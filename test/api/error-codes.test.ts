import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { createPool } from '@windmill/core/db/pool';
import { TAKE_STATS_READ_LOCK_SQL } from '@windmill/core/stats/stats-lock';
import { REPO_ROOT } from '../helpers/paths.js';
import { apiClient } from '../helpers/api-client.js';
import { createApiWorld, TEST_CONFIG, WRITE_AUTH, type ApiWorld } from './api-harness.js';
import { seed } from './seed.js';

/**
 * What the API says when it refuses: validation messages that name the parameter and what it
 * expects, on every route alike, and every error code README's table lists, each made to happen.
 */

let world: ApiWorld;
let app: FastifyInstance;

beforeAll(async () => {
  world = await createApiWorld('error_codes');
  await seed(world.pool);
  app = await world.build();
});
afterAll(async () => {
  await world?.close();
});

const { get } = apiClient(() => app);

/** zod's own wording, which must never reach a client. */
const ZOD_WORDING = /Invalid input|Invalid option|received (undefined|string|array|number)|expected string/;

type Operation = { parameters?: Array<{ name: string; in: string; required?: boolean }> };

async function documentedReads(): Promise<Array<{ path: string; op: Operation }>> {
  const doc = (await get('/docs/json')).body as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(doc.paths).flatMap(([p, methods]) => (methods.get ? [{ path: p, op: methods.get }] : []));
}

const concrete = (p: string) => p.replace('{id}', '1');

describe('validation messages', () => {
  it('/power-curve without its period names both parameters and what they take', async () => {
    const expected = 'an ISO 8601 date or date-time in the years 0000 to 9999 (UTC), e.g. 2022-03-01T00:00:00Z';
    expect(await get('/power-curve')).toEqual({
      status: 400,
      body: { error: { code: 'invalid_parameter', message: `from: missing; expected ${expected}; to: missing; expected ${expected}` } },
    });
    expect((await get('/power-curve?from=2022-03-01')).body.error.message).toBe(`to: missing; expected ${expected}`);
  });

  it('enumerations list their values, and a parameter given twice says so', async () => {
    expect((await get('/anomalies?kind=spike')).body.error.message).toBe('kind: expected one of reading, turbine, underperformance');
    expect((await get('/files?status=lost')).body.error.message).toBe(
      'status: expected one of queued, processing, done, duplicate, failed',
    );
    expect((await get('/stats?from=2022-03-01&from=2022-03-02')).body.error.message).toBe('from: given more than once; give it once');
  });

  it('on every route, a bad value of any query parameter is named with what it expects, never in zod’s words', async () => {
    const checked: string[] = [];
    for (const { path: p, op } of await documentedReads()) {
      const query = (op.parameters ?? []).filter((q) => q.in === 'query');
      // The required ones get a good value, so each message is about the parameter tried.
      const required = query.filter((q) => q.required).map((q) => `${q.name}=2022-03-0${q.name === 'from' ? 1 : 2}`);
      for (const param of query) {
        const rest = required.filter((r) => !r.startsWith(`${param.name}=`));
        const url = `${concrete(p)}?${[...rest, `${param.name}=%3F%3F`].join('&')}`;
        const { status, body } = await get(url);
        // A turbine named "??" is a valid name that does not exist: 404, not a validation error.
        if (param.name === 'turbine') {
          expect([url, status]).toEqual([url, 404]);
          continue;
        }
        expect([url, status, body.error.code]).toEqual([url, 400, 'invalid_parameter']);
        expect(body.error.message).toMatch(new RegExp(`^${param.name}: \\S`));
        expect(body.error.message).not.toMatch(ZOD_WORDING);
        checked.push(`${p} ${param.name}`);
      }
      for (const param of query.filter((q) => q.required)) {
        const { body } = await get(concrete(p));
        expect(body.error.message).toContain(`${param.name}: missing; expected `);
      }
    }
    // Every list's paging, every period, the kinds and statuses, and the stats window.
    expect(checked).toEqual(expect.arrayContaining(['/anomalies kind', '/files status', '/stats windowStart', '/stats window_start']));
    expect(checked.length).toBeGreaterThan(30);
  });

  it('path parameters too', async () => {
    expect((await get('/files/abc')).body.error).toEqual({
      code: 'invalid_parameter',
      message: 'id: expected an id as a positive integer',
    });
    expect((await get(`/turbines/${'x'.repeat(65)}/stats`)).body.error).toEqual({
      code: 'invalid_parameter',
      message: 'id: a turbine name has at most 64 characters',
    });
  });
});

describe('README’s table of error codes', () => {
  /** One request per code, each answering it. */
  async function produceEveryCode(): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    const note = (res: { statusCode: number; json: () => { error: { code: string } } }) => {
      seen.set(res.json().error.code, res.statusCode);
    };
    const post = (a: FastifyInstance, headers: Record<string, string>, payload?: string) =>
      a.inject({ method: 'POST', url: '/ingest', headers, ...(payload === undefined ? {} : { payload }) });
    note(await app.inject({ url: '/stats?limit=0' }));
    note(await app.inject({ url: '/stats?sort=desc' }));
    note(await post(app, { ...WRITE_AUTH, 'content-type': 'application/json' }, ''));
    note(await post(app, {}));
    note(await post(await world.build({ config: { ...TEST_CONFIG, API_TOKEN: '' } }), {}));
    note(await app.inject({ url: '/dashboard/%00' }));
    note(await app.inject({ url: '/turbines/99/stats' }));
    note(await app.inject({ url: '/dashboard/app.js', headers: { 'if-match': '"not-this-one"' } }));
    note(await post(app, { ...WRITE_AUTH, 'content-type': 'application/json' }, JSON.stringify({ pad: 'x'.repeat(70_000) })));
    note(await post(app, { ...WRITE_AUTH, 'content-type': 'application/xml' }, '<scan/>'));
    note(await app.inject({ url: '/dashboard/app.js', headers: { range: 'bytes=99999999-' } }));
    const limited = await world.build({ config: { ...TEST_CONFIG, API_RATE_LIMIT: 1 } });
    await limited.inject({ url: '/turbines' });
    note(await limited.inject({ url: '/turbines' }));
    const failing = await world.build({
      requestRescan: async () => {
        throw new Error('the watcher is gone');
      },
    });
    note(await post(failing, WRITE_AUTH));

    const holder = new pg.Client({ connectionString: world.db.url });
    await holder.connect();
    const impatient = createPool(world.db.url, 2, undefined, { sessionTimeouts: { statementMs: 5000, lockMs: 100 } });
    try {
      await holder.query('BEGIN');
      await holder.query(TAKE_STATS_READ_LOCK_SQL);
      note(await app.inject({ url: '/stats' }));
      await holder.query('ROLLBACK');
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE window_stat IN ACCESS EXCLUSIVE MODE');
      note(await (await world.build({ pool: impatient })).inject({ url: '/stats' }));
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
      await impatient.end();
    }
    return seen;
  }

  async function readmeTable(): Promise<Map<string, number>> {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Error codes'));
    const rows = section.slice(0, section.indexOf('\n\n', section.indexOf('| status | code | when |')) + 1);
    const table = new Map<string, number>();
    for (const m of rows.matchAll(/^\| (\d{3}) \| `([a-z_]+)` \|/gm)) table.set(m[2]!, Number(m[1]));
    return table;
  }

  it('lists exactly the codes the API answers, each with its status', async () => {
    const table = await readmeTable();
    expect(table.size).toBeGreaterThan(10);
    const answered = await produceEveryCode();
    expect(Object.fromEntries([...answered].sort())).toEqual(Object.fromEntries([...table].sort()));
  });
});
