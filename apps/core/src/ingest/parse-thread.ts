import { parentPort } from 'node:worker_threads';
import { runCleanTask, type CleanTask } from './clean-task.js';

/**
 * A parse thread: runs clean tasks one at a time for the pool in clean-runner.ts, sending COPY
 * text back in batches. At most CREDIT batches may be unacknowledged, so a slow database slows
 * the parsing down instead of filling memory.
 */

export const CREDIT = 4;

export type ToThread = { type: 'run'; id: number; task: CleanTask } | { type: 'ack'; id: number };
export type FromThread =
  | { type: 'chunk'; id: number; text: string; lines: number; bytes: number }
  | { type: 'done'; id: number; result: Awaited<ReturnType<typeof runCleanTask>> }
  | { type: 'error'; id: number; name: string; message: string };

const port = parentPort!;
let inFlight = 0;
let wake: (() => void) | null = null;

port.on('message', (message: ToThread) => {
  if (message.type === 'ack') {
    inFlight--;
    wake?.();
    wake = null;
    return;
  }
  const { id, task } = message;
  inFlight = 0;
  runCleanTask(task, async (text, progress) => {
    while (inFlight >= CREDIT) await new Promise<void>((resolve) => (wake = resolve));
    inFlight++;
    port.postMessage({ type: 'chunk', id, text, ...progress } satisfies FromThread);
  }).then(
    (result) => port.postMessage({ type: 'done', id, result } satisfies FromThread),
    (error: Error) => port.postMessage({ type: 'error', id, name: error.name, message: error.message } satisfies FromThread),
  );
});
