import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { access, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { apiClient } from '../helpers/api-client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { CHALLENGE_DIR, REPO_ROOT } from '../helpers/paths.js';
import { deleteKeys, REDIS_URL } from '../helpers/pipeline-env.js';
import { waitFor } from '../helpers/wait.js';
import { folderBytes, replayDockerfile, type ReplayResult } from './dockerfile-replay.js';

/**
 * The deployment, proven without a Docker engine: docker/Dockerfile is replayed in a temporary
 * folder (exactly what it copies, its install, build and prune), then every docker-compose service
 * is started from that pruned production tree as its own process, with compose's command and
 * environment, hosts pointed at the local Postgres and Redis. A production dependency missing
 * after the prune, or an entry point that needs tsx, fails here. `npm run test:image` (CI) runs it.
 */

const APPS = ['watcher', 'worker', 'scheduler', 'api'] as const;
/** The runtime stage may only create its user and data folders; anything else must be replayed. */
const RUNTIME_SETUP = /^groupadd .*useradd .*mkdir -p \/data\/\S+( \/data\/\S+)* && chown -R windmill:windmill \/data$/;

interface Service {
  name: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('the Dockerfile replayed and the compose services started from its runtime tree', () => {
  let scratch: string;
  let image: ReplayResult;
  let db: TestDatabase;
  let prefix: string;
  let app: string;
  let env: Record<string, Record<string, string>>;
  let commands: Record<string, string[]>;
  const services: Service[] = [];
  let port: number;

  const start = (name: string, service: string): Service => {
    const argv = [...image.entrypoint, ...commands[service]!];
    expect(argv[0]).toBe('node');
    const child = spawn(process.execPath, argv.slice(1), {
      cwd: app,
      // The image's ENV, then compose's environment; nothing of the test runner's (no NODE_OPTIONS, no loaders).
      env: { PATH: process.env.PATH ?? '', HOME: scratch, ...image.env, ...env[service] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += String(d)));
    child.stderr!.on('data', (d) => (output += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const running = { name, child, output: () => output, exited };
    services.push(running);
    return running;
  };
  const { get } = apiClient(() => `http://127.0.0.1:${port}`);

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'windmill-image-'));
    image = await replayDockerfile({
      context: REPO_ROOT,
      dockerfile: path.join(REPO_ROOT, 'docker/Dockerfile'),
      into: path.join(scratch, 'stages'),
      shouldRun: (stage) => stage.name === 'build',
      runEnv: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? scratch, npm_config_cache: process.env.npm_config_cache },
    });
    app = path.join(image.roots.runtime!, image.workdir);

    const compose = parse(
      execFileSync('docker-compose', ['config'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, BOARD_PASSWORD: 'x' } }),
    ) as { services: Record<string, { command: string[]; environment: Record<string, string> }> };
    db = await createTestDatabase('image', { migrate: false });
    prefix = `wmtest-image-${process.pid}`;
    port = await freePort();
    const data = path.join(scratch, 'data');
    env = {};
    commands = {};
    for (const name of ['migrate', ...APPS]) {
      const service = compose.services[name]!;
      commands[name] = service.command;
      env[name] = {
        ...service.environment,
        DATABASE_URL: db.url,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        WATCH_DIR: path.join(data, 'inbox'),
        PROCESSED_DIR: path.join(data, 'processed'),
        FAILED_DIR: path.join(data, 'failed'),
        API_HOST: '127.0.0.1',
        API_PORT: String(port),
        STATS_INTERVAL_SECONDS: '2',
        WATCH_STABLE_MS: '300',
      };
    }
    await mkdir(path.join(data, 'inbox'), { recursive: true });
  }, 600_000);

  afterAll(async () => {
    for (const s of services) s.child.kill('SIGKILL');
    await db?.drop();
    await deleteKeys(prefix);
    await rm(scratch, { recursive: true, force: true });
  });

  it('replays every step but the runtime user and folders, leaving no dev dependency and no TypeScript', async () => {
    expect(image.skipped.map((s) => s.stage)).toEqual(['runtime']);
    expect(image.skipped[0]!.command).toMatch(RUNTIME_SETUP);
    for (const dev of ['tsx', 'typescript', 'prisma', 'jest', 'eslint']) {
      await expect(access(path.join(app, 'node_modules', dev))).rejects.toThrow();
    }
    await expect(access(path.join(app, 'apps/core/src'))).rejects.toThrow();
    const megabytes = (await folderBytes(path.join(app, 'node_modules'))) / 1_048_576;
    console.log(`runtime node_modules: ${megabytes.toFixed(1)} MB`);
  });

  it('runs migrate once, then watcher, two workers, scheduler and api; loads the challenge files; stops each on SIGTERM', async () => {
    const migrate = start('migrate', 'migrate');
    expect(await migrate.exited).toBe(0);
    expect(migrate.output()).toMatch(/migration\(s\) applied/);

    const running = [
      start('watcher', 'watcher'),
      start('worker-1', 'worker'),
      start('worker-2', 'worker'),
      start('scheduler', 'scheduler'),
    ];
    running.push(start('api', 'api'));
    await waitFor('the API to answer', async () => (await get('/health').catch(() => null))?.status === 200, 60_000);

    // Plain node, no loader, in every service: what a container would run.
    for (const s of running) {
      const argv = (await readFile(`/proc/${s.child.pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
      expect(argv.join(' ')).not.toMatch(/tsx|--import|--loader|\.ts\b/);
      expect(argv.at(-1)).toMatch(/^apps\/\w+\/dist\/[\w.]+\.js$/);
    }

    for (const name of ['data_group_1.csv', 'data_group_2.csv', 'data_group_3.csv']) {
      await copyFile(path.join(CHALLENGE_DIR, name), path.join(env.watcher!.WATCH_DIR!, name));
    }
    await waitFor(
      'three files done',
      async () => (await get('/files')).body.items.filter((f: any) => f.status === 'done').length === 3,
      60_000,
    );
    const summary = await get('/turbines/1/summary?from=2022-03-01T00:00:00Z&to=2022-03-02T00:00:00Z');
    expect(summary.body).toMatchObject({ count: 24, min: 1.6, max: 4.4, mean: 2.975 });
    const stats = await waitFor(
      'the first stats run',
      async () => {
        const page = await get('/turbines/1/stats?limit=1');
        return page.status === 200 && page.body.items.length === 1 ? page.body.items[0] : null;
      },
      60_000,
    );
    expect(stats).toMatchObject({ count: 24, min: 1.6, max: 4.4, mean: 2.975 });
    expect((await get('/turbines')).body.items).toHaveLength(15);

    for (const s of running) s.child.kill('SIGTERM');
    const codes = await Promise.all(running.map(async (s) => [s.name, await s.exited]));
    expect(codes).toEqual(running.map((s) => [s.name, 0]));
  }, 180_000);
});
