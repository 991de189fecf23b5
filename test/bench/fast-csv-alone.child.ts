/**
 * The parser's own speed on the benchmark's files, the yardstick for the files stage:
 *
 *   node test/bench/fast-csv-alone.child.ts <threads> <file.csv>...
 *
 * streams every file through fast-csv (arrays, as the loader reads them) on `threads` worker
 * threads, one file at a time per thread, and prints one JSON line with the rows and wall time.
 * Nothing else runs: no decoding checks, no cleaning, no database.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

const [threadsText, ...files] = process.argv.slice(2);
const threads = Math.max(1, Number(threadsText));
const next = new SharedArrayBuffer(4);
const started = performance.now();
const counts = await Promise.all(
  Array.from(
    { length: threads },
    () =>
      new Promise<number>((resolve, reject) => {
        const worker = new Worker(new URL('./fast-csv-alone.thread.mjs', import.meta.url), { workerData: { files, next } });
        worker.once('message', (m: { rows: number }) => resolve(m.rows));
        worker.once('error', reject);
      }),
  ),
);
const wallMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ threads, files: files.length, rows: counts.reduce((a, b) => a + b, 0), wallMs })}\n`);
