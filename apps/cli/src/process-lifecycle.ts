import type { Logger } from '@windmill/core/platform/logger';
import { redactText } from '@windmill/core/platform/redact';

/**
 * SIGTERM / SIGINT: stop once, cleanly, and exit 0; a second signal while stopping exits at once.
 * Unexpected errors are logged and end the process with a non-zero code.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<{ clean: boolean }>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
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
