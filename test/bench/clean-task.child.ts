/**
 * One core's view of the files stage without the database, to profile a parse thread against
 * fast-csv alone on the same files:
 *
 *   node --import tsx [--cpu-prof] test/bench/clean-task.child.ts <clean|fast-csv|parser> <file.csv>...
 *
 * `clean` runs the loader's clean task (read, decode, parse, clean, encode COPY rows) and drops
 * the chunks; `fast-csv` streams the files through fast-csv as arrays; `parser` calls fast-csv's
 * Parser directly the way the loader does. Prints one JSON line with rows and wall time.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse, ParserOptions } from '@fast-csv/parse';
import { Parser } from '@fast-csv/parse/build/src/parser/index.js';
import { runCleanTask } from '@windmill/core/ingest/clean-task';

const [mode, ...files] = process.argv.slice(2);
const settings = { timeZone: 'UTC', bounds: { windSpeedMax: 50, powerMin: 0, powerMax: 20 }, maxGapSeconds: 7200 };
let rows = 0;
const started = performance.now();
for (const [i, path] of files.entries()) {
  if (mode === 'clean') {
    const result = await runCleanTask(
      { path, fileId: i + 1, startOffset: 0, firstDataLine: 2, settings, mode: 'ordered', profile: null, fileName: basename(path) },
      async () => undefined,
      async (names) => names.map((_, k) => -(k + 1)),
    );
    if (result.ordered) rows += result.totals.rowsTotal;
  } else if (mode === 'fast-csv') {
    await new Promise((resolve, reject) => {
      createReadStream(path, { highWaterMark: 1 << 20 })
        .pipe(parse({ headers: false }))
        .on('data', () => (rows += 1))
        .on('error', reject)
        .on('end', resolve);
    });
  } else {
    const parser = new Parser(new ParserOptions({ headers: false }));
    const text = (await readFile(path)).toString('latin1');
    let rest = '';
    for (let at = 0; at < text.length; at += 1 << 18) {
      const parsed = parser.parse(rest + text.slice(at, at + (1 << 18)), true);
      rest = parsed.line;
      rows += parsed.rows.length;
    }
    rows += parser.parse(rest, false).rows.length;
  }
}
process.stdout.write(`${JSON.stringify({ mode, files: files.length, rows, wallMs: performance.now() - started })}\n`);
