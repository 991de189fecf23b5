import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runEntry } from '../helpers/child-process.js';
import { REPO_ROOT } from '../helpers/paths.js';

/**
 * Every entry point stops at once on a Node.js older than 24, with one line saying so, before it
 * reads a setting or touches anything: apps/core/src/platform/node-check.ts, imported first.
 */

/** An older Node.js to try: WINDMILL_OLD_NODE, else the machine's own /usr/bin/node when it is older than 24. */
const OLD_NODE = process.env.WINDMILL_OLD_NODE ?? '/usr/bin/node';
const oldVersion = (() => {
  const probe = spawnSync(OLD_NODE, ['-v'], { encoding: 'utf8' });
  const version = probe.status === 0 ? probe.stdout.trim() : null;
  return version !== null && Number(/^v(\d+)\./.exec(version)?.[1]) < 24 ? version : null;
})();

async function entryPoints(): Promise<string[]> {
  const apps = ['api', 'scheduler', 'watcher', 'worker'].map((app) => `apps/${app}/dist/main.js`);
  const cli = (await readdir(path.join(REPO_ROOT, 'apps/cli/dist'))).filter((f) => f.endsWith('.main.js')).map((f) => `apps/cli/dist/${f}`);
  return [...apps, ...cli.sort()];
}

describe('on a Node.js older than 24', () => {
  let root: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'windmill-node-version-'));
    // Settings that would touch nothing real, should an entry point get past the check.
    env = {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/windmill_node_version',
      REDIS_URL: 'redis://127.0.0.1:1',
      WATCH_DIR: path.join(root, 'inbox'),
      PROCESSED_DIR: path.join(root, 'processed'),
      FAILED_DIR: path.join(root, 'failed'),
      API_PORT: '0',
      STARTUP_TIMEOUT_SECONDS: '1',
    };
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const expectOneLineAndExit1 = async (entry: string, version: string, node?: string, extraEnv: Record<string, string> = {}) => {
    const args = entry.endsWith('ingest.main.js') || entry.endsWith('profile.main.js') ? ['nothing.csv'] : [];
    const child = runEntry(entry, { ...env, ...extraEnv }, args, node);
    const { code } = await child.exited;
    const lines = child.output().trimEnd().split('\n');
    expect({ entry, code, lines }).toEqual({
      entry,
      code: 1,
      lines: [expect.stringMatching(new RegExp(`^Windmill needs Node\\.js 24 or later \\(this is ${version.replace(/\./g, '\\.')}\\): `))],
    });
  };

  (oldVersion ? it : it.skip)(
    `every entry point run by ${oldVersion ?? 'an older Node.js (none found: set WINDMILL_OLD_NODE)'}`,
    async () => {
      for (const entry of await entryPoints()) await expectOneLineAndExit1(entry, oldVersion!, OLD_NODE);
      // The demo, stopped first, generated nothing.
      expect(await readdir(root)).toEqual([]);
    },
  );

  it('every entry point, checked before anything else runs (this Node.js, its version made old)', async () => {
    const fake = path.join(root, 'fake-old-node.mjs');
    await writeFile(fake, "Object.defineProperty(process, 'version', { value: 'v20.11.1' });\n");
    const entries = await entryPoints();
    expect(entries).toHaveLength(10);
    for (const entry of entries) await expectOneLineAndExit1(entry, 'v20.11.1', undefined, { NODE_OPTIONS: `--import=${fake}` });
    expect(await readdir(root)).toEqual(['fake-old-node.mjs']);
  });
});
