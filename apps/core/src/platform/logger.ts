import pino, { type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino';
import { redactText } from './redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Tests pass a stream to capture lines; pretty printing then stays off (it runs in a worker thread). */
  destination?: DestinationStream;
  /** 1 (stdout, the default) or 2: command-line tools keep stdout for their own output. */
  fd?: 1 | 2;
  /** Values masked wherever they would appear in a line (URL passwords are masked in any case). */
  secrets?: readonly string[];
}

/**
 * The one root logger of a process: JSON lines, one per event, with `app` on every line. Every
 * line passes through redactText before it is written, so a URL with a password in an error
 * message (a driver's, a library's) never reaches the log whole.
 */
export function createLogger(app: string, options: LoggerOptions): Logger {
  const secrets = options.secrets ?? [];
  const common: PinoOptions = {
    level: options.level,
    base: { app },
    hooks: { streamWrite: (line) => redactText(line, secrets) },
  };
  if (options.destination) return pino(common, options.destination);
  const fd = options.fd ?? 1;
  if (options.pretty) {
    return pino({
      ...common,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard', destination: fd } },
    });
  }
  return pino(common, pino.destination({ fd, sync: false }));
}
