import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

/** What every stage gets from bench.main.ts: where to write, how to talk, what to keep. */
export interface BenchContext {
  runId: string;
  /** bench-output/runs/<runId>: child logs, SQL scripts, the watcher's folders. */
  runDir: string;
  keep: boolean;
  say(text: string): void;
  /**
   * Registers how to remove something the run created (a database, Redis keys, a folder); run at
   * the end, or on Ctrl-C, unless --keep.
   */
  discard(what: string, remove: () => Promise<void>): void;
}

export const BENCH_OUTPUT = path.join(REPO_ROOT, 'bench-output');

/**
 * The environment of a measured child: the caller's, with JSON logs at info level (the stages
 * read the 'file loaded' and 'stats run done' lines) and no inherited NODE_OPTIONS.
 */
export function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...overrides };
}
