import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from './wait.js';

/**
 * A redis-server that belongs to one test, on a free port with its data in a temporary folder, so
 * the test can kill and restart it without disturbing the shared Redis other tests use.
 */
export interface OwnRedis {
  url: string;
  port: number;
  dir: string;
  /** SIGKILL: no shutdown save, clients see their connections drop. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder; with `empty`, its append-only file is deleted first. */
  start(options?: { empty?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `appendonly`: keep queued jobs across a kill, as the production compose file configures Redis. */
export async function startOwnRedis(options: { appendonly: boolean }): Promise<OwnRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'windmill-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;

  const start = async ({ empty = false } = {}) => {
    if (empty) await rm(path.join(dir, 'appendonlydir'), { recursive: true, force: true });
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction'];
    args.push('--appendonly', options.appendonly ? 'yes' : 'no');
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    server = child;
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await waitFor(
        `redis-server on port ${port}`,
        async () => {
          if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
          try {
            if (probe.status === 'wait' || probe.status === 'end') await probe.connect();
            // Ready only once the append-only file has been loaded.
            return /loading:0/.test(await probe.info('persistence'));
          } catch {
            probe.disconnect();
            return false;
          }
        },
        10_000,
        50,
      );
    } finally {
      probe.disconnect();
    }
  };
  const kill = async () => {
    const child = server;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    url,
    port,
    dir,
    kill,
    start,
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
