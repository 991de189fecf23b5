import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@windmill/core/platform/logger';

/** A logger that keeps its lines in memory, so tests stay quiet yet can assert on what was logged. */
export function memoryLogger(app = 'test'): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger(app, { level: 'debug', destination });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
