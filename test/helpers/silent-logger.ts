import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@windmill/core/platform/logger';

/** A log destination that keeps the JSON lines a logger writes, so tests can assert on them. */
export class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  /** The lines as written, before JSON.parse keeps only the last of a repeated key. */
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
  messages(): string[] {
    return this.lines.map((l) => String(l.msg));
  }
}

/** A logger that keeps its lines in memory, so tests stay quiet yet can assert on what was logged. */
export function memoryLogger(app = 'test', level = 'debug'): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const capture = new LogCapture();
  return { logger: createLogger(app, { level, destination: capture }), lines: () => capture.lines };
}
