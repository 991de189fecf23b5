import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Tests pass a stream to capture lines; pretty printing then stays off (it runs in a worker thread). */
  destination?: DestinationStream;
  /** 1 (stdout, the default) or 2: command-line tools keep stdout for their own output. */
  fd?: 1 | 2;
}

/** The one root logger of a process: JSON lines, one per event, with `app` on every line. */
export function createLogger(app: string, options: LoggerOptions): Logger {
  const base = { app };
  if (options.destination) return pino({ level: options.level, base }, options.destination);
  const fd = options.fd ?? 1;
  if (options.pretty) {
    return pino({
      level: options.level,
      base,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard', destination: fd } },
    });
  }
  return pino({ level: options.level, base }, pino.destination({ fd, sync: false }));
}
