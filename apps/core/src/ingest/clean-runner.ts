import { Worker } from 'node:worker_threads';
import type { ResolveTurbines } from './clean-records.js';
import { runCleanTask, type CleanProgress, type CleanTask, type CleanTaskResult, type EmitChunk } from './clean-task.js';
import { FileFormatError, FileUnstableError } from './errors.js';
import type { FromThread, ToThread } from './parse-thread.js';

/**
 * Runs clean tasks. Parsing is the CPU-bound part of a load, so with `threads` > 0 the tasks run
 * in a pool of parse threads, one file per thread, while this thread only moves the COPY data on
 * to Postgres: several files parse on several cores, overlapping with the database's work. With
 * `threads` = 0 tasks run on the calling thread (simpler to debug; one core).
 *
 * A parse thread that dies while it runs a task (it hit its memory limit on a hostile file, say)
 * fails that file as unreadable: the task rejects with a FileFormatError, and the pool replaces
 * the thread.
 */
export interface CleanRunner {
  run(task: CleanTask, emit: EmitChunk, resolveTurbines: ResolveTurbines): Promise<CleanTaskResult>;
  close(): Promise<void>;
}

/** A parse thread's heap limits (Node's worker resourceLimits), in MB. */
export interface ParseThreadLimits {
  maxOldGenerationSizeMb: number;
  maxYoungGenerationSizeMb: number;
}

/**
 * A parse thread keeps little alive on its heap (one chunk of rows, the rows of one gap per
 * turbine, or the capped rows of an unsorted file; the rest of its per-turbine state is numbers
 * in typed arrays, outside the heap), so its old generation is capped to keep RSS low. The young
 * generation keeps near V8's usual size: parsing allocates fast, and a small nursery (16 MB was
 * tried) made the threads spend most of their time collecting, three times slower.
 */
export const PARSE_THREAD_LIMITS: ParseThreadLimits = { maxOldGenerationSizeMb: 192, maxYoungGenerationSizeMb: 24 };

export function createCleanRunner(threads: number, limits: ParseThreadLimits = PARSE_THREAD_LIMITS): CleanRunner {
  if (threads <= 0) return { run: runCleanTask, close: async () => undefined };
  return new ThreadPoolRunner(threads, limits);
}

/**
 * The compiled build starts a parse thread from its JavaScript. Run from the TypeScript sources
 * (development and tests), a thread does not inherit tsx's loader, so a small boot file registers
 * it before loading the module.
 */
const PARSE_THREAD_ENTRY = import.meta.url.endsWith('.ts')
  ? new URL('./parse-thread.boot.mjs', import.meta.url)
  : new URL('./parse-thread.js', import.meta.url);

interface Job {
  id: number;
  task: CleanTask;
  emit: EmitChunk;
  resolveTurbines: ResolveTurbines;
  resolve: (result: CleanTaskResult) => void;
  reject: (error: Error) => void;
}

class ThreadPoolRunner implements CleanRunner {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly limits: ParseThreadLimits,
  ) {}

  run(task: CleanTask, emit: EmitChunk, resolveTurbines: ResolveTurbines): Promise<CleanTaskResult> {
    if (this.closed) return Promise.reject(new Error('the parse pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, emit, resolveTurbines, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker && this.all.length < this.size) worker = this.spawn();
      if (!worker) return;
      this.start(worker, this.queue.shift()!);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(PARSE_THREAD_ENTRY, {
      execArgv: [],
      resourceLimits: { ...this.limits },
    });
    worker.unref();
    this.all.push(worker);
    return worker;
  }

  private start(worker: Worker, job: Job): void {
    // Chunks are written in order: each waits for the previous one's write before acknowledging.
    let writes = Promise.resolve();
    let failed: Error | null = null;
    const detach = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const finish = (settle: () => void) => {
      detach();
      this.idle.push(worker);
      settle();
      this.dispatch();
    };
    const onMessage = (message: FromThread) => {
      if (message.id !== job.id) return;
      if (message.type === 'names') {
        job.resolveTurbines(message.names).then(
          (ids) => worker.postMessage({ type: 'turbines', id: job.id, ids } satisfies ToThread),
          (error: Error) => {
            failed ??= error;
            worker.postMessage({ type: 'turbines', id: job.id, ids: null, error: error.message } satisfies ToThread);
          },
        );
      } else if (message.type === 'chunk') {
        const progress: CleanProgress = { lines: message.lines, bytes: message.bytes };
        const chunk = Buffer.from(message.data, message.byteOffset, message.byteLength);
        writes = writes.then(async () => {
          if (!failed) {
            try {
              await job.emit(message.kind, chunk, progress);
            } catch (error) {
              failed = error as Error;
              // Nothing more will be written: the thread may stop parsing this file.
              worker.postMessage({ type: 'cancel', id: job.id } satisfies ToThread);
            }
          }
          // Acknowledged even after a failed write: only once the thread has finished can the
          // task fail and its load roll back.
          worker.postMessage({ type: 'ack', id: job.id } satisfies ToThread);
        });
      } else if (message.type === 'done') {
        void writes.then(() => finish(() => (failed ? job.reject(failed) : job.resolve(message.result))));
      } else {
        void writes.then(() => finish(() => job.reject(failed ?? rebuildError(message.name, message.message))));
      }
    };
    const died = (reason: string) => {
      // The thread itself died: replace it so the pool keeps its size, and fail the file unless
      // the pool is closing (then the load was interrupted, not the file's fault).
      detach();
      this.all.splice(this.all.indexOf(worker), 1);
      void writes.then(() => {
        job.reject(
          failed ??
            (this.closed
              ? new Error('the parse pool was closed')
              : new FileFormatError(`the file could not be parsed within the parse thread's limits (${reason})`)),
        );
        this.dispatch();
      });
    };
    const onError = (error: Error) => died(error.message);
    const onExit = (code: number) => died(`the thread exited with code ${code}`);
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage({ type: 'run', id: job.id, task: job.task } satisfies ToThread);
  }
}

function rebuildError(name: string, message: string): Error {
  if (name === 'FileFormatError') return new FileFormatError(message);
  if (name === 'FileUnstableError') return new FileUnstableError(message);
  const error = new Error(message);
  error.name = name;
  return error;
}
