import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

export interface Child {
  process: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs one of the project's compiled entry points (`apps/<app>/dist/<name>.js`, what production
 * runs; jest's global set-up builds them) in a real child process: plain node, one process, so a
 * signal reaches the program itself and not a wrapper. `node`: another Node.js binary than the
 * tests' own.
 */
export function runEntry(entry: string, env: Record<string, string>, args: string[] = [], node = process.execPath): Child {
  const child = spawn(node, [path.join(REPO_ROOT, entry), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, output: () => output, exited };
}

/** Node's arguments for running a TypeScript file of the tests in a child process, from the sources. */
export const TYPESCRIPT_CHILD_ARGS = ['--import', 'tsx', '--conditions=development'];
