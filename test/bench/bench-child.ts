import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { descendantPids } from './rss-sampler.js';

/**
 * The measured programs run as real child processes, each in a process group of its own
 * (detached), so the benchmark can stop the whole tree (npm -> sh -> tsx -> node) on Ctrl-C
 * and a terminal's Ctrl-C reaches only the benchmark, which then decides what to stop.
 */

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() at the 'exit' event. */
  endedAt: number;
}

export interface BenchChild {
  pid: number;
  /** performance.now() and Date.now() right after spawn. */
  startedAt: number;
  startedAtEpoch: number;
  stdout: string[];
  stderr: string[];
  /** Called for every complete output line from now on. */
  onLine(listener: (line: string, stream: 'stdout' | 'stderr') => void): void;
  /** Resolves once the process exited and its output was read to the end. */
  exited: Promise<ChildExit>;
  /** SIGTERM to the program itself (the deepest Node process), SIGKILL to the group after `graceMs`. */
  stop(graceMs?: number): Promise<ChildExit>;
}

const live = new Set<BenchChild>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** Starts `command args` in its own process group; everything it prints also goes to `logFile`. */
export function startChild(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string },
): BenchChild {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`$ ${command} ${args.join(' ')}\n`);
  const proc = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const startedAt = performance.now();
  const startedAtEpoch = Date.now();
  const stdout: string[] = [];
  const stderr: string[] = [];
  const listeners: Array<(line: string, stream: 'stdout' | 'stderr') => void> = [];
  for (const [stream, into] of [
    ['stdout', stdout],
    ['stderr', stderr],
  ] as const) {
    let rest = '';
    proc[stream]!.setEncoding('utf8').on('data', (chunk: string) => {
      log.write(chunk);
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        into.push(line);
        for (const listener of listeners) listener(line, stream);
      }
    });
    proc[stream]!.on('end', () => {
      if (rest !== '') into.push(rest);
    });
  }
  let endedAt = 0;
  proc.on('exit', () => (endedAt = performance.now()));
  const exited = new Promise<ChildExit>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      live.delete(child);
      log.end();
      resolve({ code, signal, endedAt: endedAt || performance.now() });
    });
  });
  const pid = proc.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);

  let stopping: Promise<ChildExit> | undefined;
  const stopTree = async (graceMs: number): Promise<ChildExit> => {
    // SIGTERM to the program itself, not to npm and tsx as well: one signal, whose clean
    // shutdown is what the stage's end time measures.
    const tree = await descendantPids(pid);
    try {
      process.kill(tree.at(-1) ?? pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
    const result = await exited;
    clearTimeout(timer);
    killGroup(pid, 'SIGKILL'); // anything the program left behind in its group
    return result;
  };

  const child: BenchChild = {
    pid,
    startedAt,
    startedAtEpoch,
    stdout,
    stderr,
    onLine: (listener) => void listeners.push(listener),
    exited,
    stop(graceMs = 30_000) {
      stopping ??= stopTree(graceMs);
      return stopping;
    },
  };
  live.add(child);
  return child;
}

/** Stops every child still running (Ctrl-C, an error): SIGTERM to each group, SIGKILL after `graceMs`. */
export async function stopAllChildren(graceMs = 5_000): Promise<void> {
  const children = [...live];
  for (const child of children) killGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => children.forEach((c) => killGroup(c.pid, 'SIGKILL')), graceMs);
  await Promise.all(children.map((c) => c.exited.catch(() => undefined)));
  clearTimeout(timer);
}

/** Last resort from a synchronous 'exit' handler. */
export function killAllChildrenNow(): void {
  for (const child of live) killGroup(child.pid, 'SIGKILL');
}

/** Waits for a line matching `test`, rejecting when the child exits first or `timeoutMs` passes. */
export function waitForLine(child: BenchChild, test: (line: string) => boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const seen = [...child.stdout, ...child.stderr].find(test);
    if (seen !== undefined) return resolve(seen);
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for the child's ready line`)), timeoutMs);
    child.onLine((line) => {
      if (!test(line)) return;
      clearTimeout(timer);
      resolve(line);
    });
    void child.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the child exited (code ${code}, signal ${signal}) before it was ready:\n${child.stderr.slice(-20).join('\n')}`));
    });
  });
}
