import { parentPort } from 'node:worker_threads';
import { runCleanTask, type ChunkKind, type CleanTask } from './clean-task.js';

/**
 * A parse thread: runs clean tasks one at a time for the pool in clean-runner.ts, sending binary
 * COPY chunks back with their memory transferred (not copied). At most CREDIT chunks may be
 * unacknowledged, so a slow database slows the parsing down instead of filling memory; a cancel
 * (the load failed, for instance on a key conflict) stops the task at its next chunk.
 */

export const CREDIT = 4;

export type ToThread =
  | { type: 'run'; id: number; task: CleanTask }
  | { type: 'ack'; id: number }
  | { type: 'cancel'; id: number }
  | { type: 'turbines'; id: number; ids: number[] | null; error?: string };
export type FromThread =
  | { type: 'chunk'; id: number; kind: ChunkKind; data: ArrayBuffer; byteOffset: number; byteLength: number; lines: number; bytes: number }
  /** Turbine names that need ids (a profile's names): answered by a `turbines` message. */
  | { type: 'names'; id: number; names: string[] }
  | { type: 'done'; id: number; result: Awaited<ReturnType<typeof runCleanTask>> }
  | { type: 'error'; id: number; name: string; message: string };

class Cancelled extends Error {
  override name = 'Cancelled';
}

const port = parentPort!;
let current = 0;
let cancelled = false;
let inFlight = 0;
let wake: (() => void) | null = null;
let named: { resolve: (ids: number[]) => void; reject: (error: Error) => void } | null = null;

port.on('message', (message: ToThread) => {
  if (message.type === 'turbines') {
    if (message.id !== current || named === null) return;
    const waiting = named;
    named = null;
    if (message.ids) waiting.resolve(message.ids);
    else waiting.reject(new Error(message.error ?? 'turbine names could not be resolved'));
    return;
  }
  if (message.type !== 'run') {
    if (message.id !== current) return;
    if (message.type === 'ack') inFlight--;
    else cancelled = true;
    wake?.();
    wake = null;
    return;
  }
  const { id, task } = message;
  current = id;
  cancelled = false;
  inFlight = 0;
  runCleanTask(
    task,
    async (kind, chunk, progress) => {
      while (inFlight >= CREDIT && !cancelled) await new Promise<void>((resolve) => (wake = resolve));
      if (cancelled) throw new Cancelled('the load was cancelled');
      inFlight++;
      // Chunks own their ArrayBuffer (copy-binary.ts allocates them unpooled), so it can be moved.
      const data = chunk.buffer as ArrayBuffer;
      port.postMessage(
        { type: 'chunk', id, kind, data, byteOffset: chunk.byteOffset, byteLength: chunk.length, ...progress } satisfies FromThread,
        [data],
      );
    },
    (names) =>
      new Promise<number[]>((resolve, reject) => {
        named = { resolve, reject };
        port.postMessage({ type: 'names', id, names } satisfies FromThread);
      }),
  ).then(
    // The ranges (typed arrays, 24 bytes a turbine) are moved to the loader, not copied.
    (result) =>
      port.postMessage(
        { type: 'done', id, result } satisfies FromThread,
        result.ordered
          ? [result.ranges.turbineIds, result.ranges.tsMin, result.ranges.tsMax, result.ranges.counts].map((a) => a.buffer)
          : [],
      ),
    (error: Error) => port.postMessage({ type: 'error', id, name: error.name, message: error.message } satisfies FromThread),
  );
});
