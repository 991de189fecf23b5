import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runEntry, type Child } from '../helpers/child-process.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { waitFor } from '../helpers/wait.js';

/**
 * `npm run demo` (the compiled apps/cli/dist/demo.main.js) twice against a DATABASE_URL of the
 * test's own, which the demo does not reset: the second summary describes the second run only
 * (its files, all duplicates of the first run's but the unreadable one), once they are loaded, and
 * a failed file is told in one line, not a second time by the worker's log.
 */
describe('npm run demo with DATABASE_URL set, run twice', () => {
  let env: PipelineEnv;
  const children: Child[] = [];

  beforeAll(async () => {
    // The demo's own log settings (LOG_LEVEL=warn, readable lines), as a user gets them.
    env = await createPipelineEnv('demo_rerun', { STATS_INTERVAL_SECONDS: '2' });
  });
  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await env?.cleanup();
  });

  const READY = 'Ctrl-C stops the demo.';
  const start = async () => {
    const child = runEntry('apps/cli/dist/demo.main.js', env.env);
    children.push(child);
    await waitFor('the demo summary', () => child.output().includes(READY), 120_000, 200);
    return child;
  };
  const stop = async (child: Child) => {
    child.process.kill('SIGINT');
    expect((await child.exited).code).toBe(0);
  };
  const linesWith = (child: Child, text: string) =>
    child
      .output()
      .split('\n')
      .filter((l) => l.includes(text));
  const summaryOf = (child: Child) => {
    const output = child.output();
    return output.slice(output.indexOf('=== Windmill demo'), output.indexOf(READY));
  };

  it('tells a failed file in one line, before and after its summary', async () => {
    const first = await start();
    const summary = summaryOf(first);
    expect(summary).toMatch(/^files {5}33 done, 1 failed$/m);
    expect(summary).toMatch(/^lines {5}17323 read: /m);
    expect(summary).toMatch(/^turbines {2}24, daily windows 720$/m);
    // The unreadable file it drops: one line, before the summary.
    const unreadable = linesWith(first, 'export-semicolons.csv');
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]).toMatch(/^failed {5}export-semicolons\.csv: missing required columns/);
    expect(first.output().indexOf(unreadable[0]!)).toBeLessThan(first.output().indexOf('=== Windmill demo'));

    await writeFile(path.join(env.dirs.watch, 'bad.csv'), 'a;b\n1;2\n');
    await waitFor('the line for bad.csv', () => linesWith(first, 'bad.csv').length > 0, 30_000);
    // The worker's warning would follow its job's end; give it the time it would take.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(linesWith(first, 'bad.csv')).toEqual([expect.stringMatching(/^failed {5}bad\.csv: missing required columns .* \(moved to /)]);
    expect(first.output()).not.toContain('file moved to the failed folder');
    await stop(first);
  }, 180_000);

  it('summarises only its own run the second time, after its files are in', async () => {
    const second = await start();
    const summary = summaryOf(second);
    // The same generated content again: every file a duplicate but the unreadable one, which fails again.
    expect(summary).toMatch(/^files {5}33 duplicate, 1 failed$/m);
    expect(summary).toContain('33 duplicate: this database already held their content, nothing added');
    expect(summary).toMatch(/^lines {5}0 read: 0 loaded/m);
    expect(summary).toMatch(/^turbines {2}0, daily windows 0$/m);
    expect(summary).not.toContain('33 done');
    // Every file of this run was settled before the summary: no line for them follows it.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const after = second.output().slice(second.output().indexOf(READY));
    expect(after.split('\n').filter((l) => /^(loaded|duplicate|failed) /.test(l))).toEqual([]);
    await stop(second);
  }, 180_000);
});
