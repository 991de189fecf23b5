import pino, { type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino';
import { redactText } from './redact.js';

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
  /** Values masked wherever they would appear in a line (URL passwords are masked in any case). */
  secrets?: readonly string[];
  /**
   * Messages never written: the demo tells some events in a line of its own (a failed file) and
   * would otherwise tell them twice.
   */
  hiddenMessages?: readonly string[];
}

/**
 * The one root logger of a process: JSON lines, one per event, with `app` on every line. Every
 * line passes through redactText before it is written, so a URL with a password in an error
 * message (a driver's, a library's) never reaches the log whole.
 */
export function createLogger(app: string, options: LoggerOptions): Logger {
  const secrets = options.secrets ?? [];
  const hidden = new Set(options.hiddenMessages ?? []);
  const common: PinoOptions = {
    level: options.level,
    base: { app },
    hooks: {
      streamWrite: (line) => redactText(line, secrets),
      ...(hidden.size > 0 && {
        logMethod(args, method) {
          // (message, ...) or (object, message, ...)
          const message: unknown = typeof args[0] === 'string' ? args[0] : args[1];
          if (typeof message === 'string' && hidden.has(message)) return;
          method.apply(this, args);
        },
      }),
    },
  };
  if (options.destination) return pino(common, options.destination);
  const fd = options.fd ?? 1;
  if (options.format === 'pretty') {
    // pino-pretty runs in a worker thread (a pino transport), off the main thread's work.
    return pino({
      ...common,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard', destination: fd } },
    });
  }
  return pino(common, pino.destination({ fd, sync: false }));
}

/**
 * A child of `log` bound to those of `bindings` it does not carry yet. pino writes every binding of
 * every ancestor, so a child given a key its parent already has writes that key twice in each line
 * (`"fileId":2,…,"fileId":2`); code that may be handed an already bound logger binds through this.
 * A key the parent carries keeps the parent's value.
 */
export function childWith(log: Logger, bindings: Record<string, unknown>): Logger {
  const bound = log.bindings();
  const missing = Object.entries(bindings).filter(([key, value]) => value !== undefined && !(key in bound));
  return missing.length === 0 ? log : log.child(Object.fromEntries(missing));
}
