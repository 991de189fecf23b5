import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './own-redis.js';

/**
 * A TCP relay that belongs to one test, in front of a shared service (the local Postgres): the
 * processes under test connect through it, and the test cuts it to make the service disappear
 * for them (open connections reset, new ones refused) and restores it on the same port. Other
 * tests, and the test's own direct connections, never notice.
 */
export interface TcpProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string;
  /** Drops every relayed connection and stops listening: clients see ECONNRESET, then ECONNREFUSED. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const open = new Set<Socket>();
  let server: Server | null = null;

  const listen = async () => {
    const s = createServer((client) => {
      const upstream = connect(target.port, target.host);
      open.add(client);
      open.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        open.delete(client);
        open.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => s.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    server = s;
  };
  const cut = async () => {
    const s = server;
    server = null;
    for (const socket of open) socket.resetAndDestroy();
    open.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    port,
    rewrite(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut,
    restore: listen,
    close: cut,
  };
}
