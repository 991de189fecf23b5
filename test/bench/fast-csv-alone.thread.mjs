// One thread of the "fast-csv alone" figure (fast-csv-alone.child.ts): takes the next file from a
// shared counter until none is left and streams it through fast-csv as arrays, counting rows and
// doing nothing else. Plain JavaScript so the thread loads only fast-csv.
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { parse } from 'fast-csv';

const { files, next } = workerData;
const counter = new Int32Array(next);
let rows = 0;
for (let i = Atomics.add(counter, 0, 1); i < files.length; i = Atomics.add(counter, 0, 1)) {
  await new Promise((resolve, reject) => {
    createReadStream(files[i])
      .pipe(parse({ headers: false }))
      .on('data', () => (rows += 1))
      .on('error', reject)
      .on('end', resolve);
  });
}
parentPort.postMessage({ rows });
