import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO_ROOT } from '../helpers/paths.js';
import { deleteKeys } from '../helpers/pipeline-env.js';
import { API_ROUTES, requestPaths, summariseLatencies, type ApiRoute, type DataShape, type LatencySummary } from './api-requests.js';
import { startChild, waitForLine } from './bench-child.js';
import { childEnv, type BenchContext } from './bench-context.js';
import type { BenchDatabase } from './bench-db.js';
import { parseLogLine } from './load-log.js';
import type { ApiSummary } from './report.js';
import { startRssSampler } from './rss-sampler.js';

/**
 * The API on the database the ingest and stats stages filled: the API service as deployed
 * (`node apps/api/dist/main.js`, the compiled build, its own queue prefix, a free port), asked
 * REQUESTS times for each of the three reads of the scale target, one request at a time, each for
 * another turbine and month spread over the data (api-requests.ts), timed by the client from
 * sending the request to the end of the body. A few warm-up requests per route go first (other
 * turbines and months), so the figures are of a running service, not of its first connection.
 * Then GET /turbines again with CONNECTIONS requests in flight at once.
 */

export const REQUESTS = 200;
export const WARM_UP = 5;
export const CONNECTIONS = 20;

interface Answer {
  ms: number;
  ok: boolean;
  items: number;
}

async function ask(base: string, pathAndQuery: string): Promise<Answer> {
  const t0 = performance.now();
  const response = await fetch(base + pathAndQuery);
  const body = (await response.json()) as { items?: unknown[] };
  const ms = performance.now() - t0;
  return { ms, ok: response.status === 200, items: Array.isArray(body.items) ? body.items.length : 0 };
}

function summarise(answers: Answer[]): LatencySummary & { meanItems: number } {
  const summary = summariseLatencies(
    answers.map((a) => a.ms),
    answers.filter((a) => !a.ok).length,
  );
  return { ...summary, meanItems: answers.reduce((s, a) => s + a.items, 0) / Math.max(1, answers.length) };
}

export async function runApiStage(ctx: BenchContext, db: BenchDatabase, shape: DataShape): Promise<ApiSummary> {
  const prefix = `windmill_bench_${ctx.runId}_api`;
  ctx.discard(`Redis keys ${prefix}:*`, () => deleteKeys(prefix));
  const child = startChild(process.execPath, ['--enable-source-maps', path.join(REPO_ROOT, 'apps/api/dist/main.js')], {
    cwd: REPO_ROOT,
    env: childEnv({
      DATABASE_URL: db.url,
      QUEUE_PREFIX: prefix,
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      BOARD_PASSWORD: '',
      // The API's rate limit must not throttle the benchmark's requests.
      API_RATE_LIMIT: '0',
    }),
    logFile: path.join(ctx.runDir, 'api.log'),
  });
  const sampler = startRssSampler(child.pid);
  try {
    const ready = await waitForLine(child, (line) => parseLogLine(line)?.msg === 'API listening', 60_000);
    const base = String(parseLogLine(ready)!.url);
    const routes: ApiSummary['routes'] = [];
    for (const route of API_ROUTES) {
      for (const warm of requestPaths(route, shape, WARM_UP, REQUESTS)) await ask(base, warm);
      const paths = requestPaths(route, shape, REQUESTS);
      const answers: Answer[] = [];
      for (const p of paths) answers.push(await ask(base, p));
      routes.push({ route, example: paths[paths.length >> 1]!, ...summarise(answers) });
      ctx.say(`api: ${route}: p99 ${routes.at(-1)!.p99Ms.toFixed(1)} ms`);
    }
    const concurrent = await askConcurrently(base, '/turbines', REQUESTS, CONNECTIONS);
    return { requests: REQUESTS, warmUp: WARM_UP, routes, concurrent, rss: await sampler.stop() };
  } finally {
    await child.stop(10_000);
    await sampler.stop();
  }
}

/** `total` requests of `pathAndQuery` with `connections` in flight at any moment. */
async function askConcurrently(base: string, pathAndQuery: string, total: number, connections: number): Promise<ApiSummary['concurrent']> {
  const answers: Answer[] = [];
  let started = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (started < total) {
        started += 1;
        answers.push(await ask(base, pathAndQuery));
      }
    }),
  );
  const wallMs = performance.now() - t0;
  return {
    route: 'GET /turbines' satisfies ApiRoute,
    connections,
    ...summarise(answers),
    requestsPerSec: (answers.length * 1000) / wallMs,
  };
}
