import type { Config } from '../config/config.js';
import { openConnections, type ConnectionNeeds, type Connections, type ConnectionsFor } from './connections.js';
import { createLogger, type Logger } from './logger.js';
import { redactText, secretValues } from './redact.js';
import { loadConfigOrExit } from './startup.js';

/** A started app: its close() stops intake, lets work finish (or gives up at its deadline) and reports which. */
export interface RunningService {
  close(): Promise<{ clean: boolean }>;
}

export interface ServiceContext<C extends Connections = Connections> {
  config: Config;
  logger: Logger;
  connections: C;
}

type ContextFor<N extends ConnectionNeeds> = ServiceContext<ConnectionsFor<N>>;

/**
 * The life of one Windmill process: read the configuration, open the connections it needs, start
 * the app, then on SIGTERM or SIGINT stop the app, close the connections and exit 0. A bad setting
 * or an unreachable service stops start-up with one readable line and exit code 1.
 */
export async function runService<N extends ConnectionNeeds, S extends RunningService>(
  app: string,
  needs: N,
  start: (context: ContextFor<N>) => Promise<S>,
  options: { config?: Config; logger?: Logger } = {},
): Promise<ContextFor<N> & { service: S }> {
  const config = options.config ?? loadConfigOrExit();
  const logger = options.logger ?? createLogger(app, { level: config.LOG_LEVEL, format: config.LOG_FORMAT, secrets: secretValues(config) });
  let connections: Connections | null = null;
  try {
    connections = await openConnections(config, logger, needs);
    const context = { config, logger, connections } as ContextFor<N>;
    const service = await start(context);
    const opened = connections;
    stopOnSignals(logger, async () => {
      const { clean } = await service.close();
      await opened.close({ waitForPool: clean });
      return { clean };
    });
    return { ...context, service };
  } catch (error) {
    await connections?.close({ waitForPool: false }).catch(() => undefined);
    exitOnStartupError(app, error);
  }
}

/**
 * A signal this soon after the first is the same request: Ctrl-C in a terminal reaches both npm
 * and the app, and npm passes its own on, so `npm start` sees SIGINT twice within milliseconds.
 */
const SAME_REQUEST_MS = 1000;

/**
 * SIGTERM / SIGINT: stop once, cleanly, and exit 0; another signal while stopping (later than
 * SAME_REQUEST_MS) exits at once. Unexpected errors are logged and end the process with a non-zero code.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<{ clean: boolean }>): void {
  let stoppingSince: number | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppingSince !== null) {
      if (performance.now() - stoppingSince < SAME_REQUEST_MS) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stoppingSince = performance.now();
    logger.info({ signal }, 'shutting down');
    stop()
      .then(({ clean }) => {
        logger.info({ clean }, 'stopped');
        logger.flush();
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: (error as Error).message }, 'error while shutting down');
        logger.flush();
        process.exit(1);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Prints a start-up failure (a bad setting, an unreachable service) as one readable line and exits 1. */
export function exitOnStartupError(app: string, error: unknown): never {
  process.stderr.write(`windmill ${app}: ${redactText((error as Error).message ?? String(error))}\n`);
  process.exit(1);
}

/** Several running apps as one: closed in the order given (intake first, then work). */
export function serviceOf(parts: Array<RunningService | null>): RunningService {
  return {
    async close() {
      let clean = true;
      for (const part of parts) if (part) clean = (await part.close()).clean && clean;
      return { clean };
    },
  };
}
