import { appendFile, copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLogger } from '@windmill/core/platform/logger';
import { startInProcess, type InProcessPipeline } from '../helpers/in-process.js';
import { CHALLENGE_DIR } from '../helpers/paths.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { LogCapture } from '../helpers/silent-logger.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The keys of a JSON object's top level, in order, repeated ones included (JSON.parse keeps only
 * the last, which is how a repeated binding goes unnoticed).
 */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(json.slice(i, end + 1)) as string);
      expectKey = false;
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = c === '{' && depth === 1;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

const repeated = (keys: string[]) => keys.filter((k, i) => keys.indexOf(k) !== i);

describe('JSON log lines', () => {
  let env: PipelineEnv;
  let pipeline: InProcessPipeline;
  const capture = new LogCapture();

  beforeAll(async () => {
    env = await createPipelineEnv('log_lines');
    const logger = createLogger('test', { level: 'debug', destination: capture });
    pipeline = await startInProcess(env.config, logger, { watcher: true, worker: true });
  });
  afterAll(async () => {
    await pipeline?.close();
    await env?.cleanup();
  });

  it('finds repeated keys, nested objects and escaped quotes aside', () => {
    expect(topLevelKeys('{"a":1,"b":{"a":2},"c":"x\\"y,\\"a\\":3","a":4}')).toEqual(['a', 'b', 'c', 'a']);
    expect(repeated(topLevelKeys('{"fileId":2,"file":"f","fileId":2,"file":"f"}'))).toEqual(['fileId', 'file']);
  });

  it('never repeats a key in a line about a loaded, an appended or a failed file', async () => {
    const status = async (name: string) =>
      (
        await pipeline.pool.query<{ status: string }>(`SELECT status FROM ingested_file WHERE path = $1 ORDER BY id`, [
          path.join(env.dirs.watch, name),
        ])
      ).rows.map((r) => r.status);
    await copyFile(path.join(CHALLENGE_DIR, 'data_group_1.csv'), path.join(env.dirs.watch, 'loaded.csv'));
    await writeFile(path.join(env.dirs.watch, 'semicolons.csv'), 'timestamp;turbine_id;power_output\n2022-04-01 00:00:00;1;2.5\n');
    await waitFor('loaded.csv done', async () => (await status('loaded.csv')).includes('done'));
    await waitFor('semicolons.csv failed', async () => (await status('semicolons.csv')).includes('failed'));
    // The same path again with lines appended: a second load with its own lines about the append.
    const grown = path.join(env.dirs.watch, 'loaded.csv');
    await writeFile(grown, await readFile(path.join(CHALLENGE_DIR, 'data_group_1.csv')));
    await appendFile(grown, '2022-04-01 00:00:00,1,11.8,169,2.7\n');
    await waitFor('the grown file loaded', async () => (await status('loaded.csv')).filter((s) => s === 'done').length === 2, 30_000);

    const aboutFiles = capture.raw.filter((line) => /"fileId":/.test(line));
    // The loader's and the worker's lines are all there, each naming its file once.
    const messages = aboutFiles.map((line) => (JSON.parse(line) as { msg: string }).msg);
    for (const msg of ['file loaded', 'ingest job finished', 'file moved to the failed folder']) expect(messages).toContain(msg);
    const withRepeats = capture.raw.filter((line) => repeated(topLevelKeys(line)).length > 0);
    expect(withRepeats).toEqual([]);
    const loaded = aboutFiles.find((line) => line.includes('"msg":"file loaded"'))!;
    expect(topLevelKeys(loaded).filter((k) => k === 'fileId' || k === 'file')).toEqual(['fileId', 'file']);
  }, 60_000);
});
