import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level: string;
  /** JSON lines (the default, for log collectors) or readable, coloured lines for a terminal. */
  format?: LogFormat | undefined;
  /** Tests and the CLI pass a stream to capture or reshape lines; the format is then JSON. */
  destination?: DestinationStream;
  /** 1 (stdout, the default) or 2: command-line tools keep stdout for their own output. */
  fd?: 1 | 2;
}

/** The one root logger of a process: JSON lines, one per event, with `app` on every line. */
export function createLogger(app: string, options: LoggerOptions): Logger {
  const base = { app };
  if (options.destination) return pino({ level: options.level, base }, options.destination);
  const fd = options.fd ?? 1;
  if (options.format === 'pretty') {
    // pino-pretty runs in a worker thread (a pino transport), off the main thread's work.
    return pino({
      level: options.level,
      base,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard', destination: fd } },
    });
  }
  return pino({ level: options.level, base }, pino.destination({ fd, sync: false }));
}
