import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { RssPeak } from './report.js';

/**
 * Peak memory of a child process and its descendants, read from Linux's /proc every 100 ms.
 * VmHWM is each process's own high-water mark, kept by the kernel, so a peak between two samples
 * is still seen as long as the process is alive at the next one; VmRSS summed over the tree at
 * each sample gives the tree's peak. Only Node processes count (npm and tsx run on node; sh and
 * psql do not).
 */

/** The pids below `root` (children first, then theirs), from /proc/<pid>/task/<tid>/children. */
export async function descendantPids(root: number): Promise<number[]> {
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
    for (const tid of tasks) {
      const text = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '');
      for (const child of text.split(/\s+/).filter(Boolean).map(Number)) {
        if (!found.includes(child)) {
          found.push(child);
          queue.push(child);
        }
      }
    }
  }
  return found;
}

interface ProcessMemory {
  hwmKb: number;
  rssKb: number;
}

async function readMemory(pid: number): Promise<ProcessMemory | null> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  if (text === null) return null;
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { hwmKb: field('VmHWM'), rssKb: field('VmRSS') };
}

/** What a pid runs, for the report: its node entry point (last path-like argument) or its command. */
async function describe(pid: number): Promise<{ isNode: boolean; label: string }> {
  const exe = await readlink(`/proc/${pid}/exe`).catch(() => '');
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
  const isNode = path.basename(exe).startsWith('node');
  // The program's own entry point rather than a loader tsx preloads (`--require .../preflight.cjs`).
  const scripts = argv.slice(1).filter((a) => /\.(ts|js|mjs|cjs)$/.test(a) && !a.startsWith('-'));
  const script = scripts.filter((a) => !a.includes('node_modules')).at(-1) ?? scripts.at(-1);
  const runner = argv[1] !== undefined && /(\.bin\/tsx|tsx\/dist\/cli)/.test(argv[1]) ? 'tsx (cli)' : 'node';
  const label = script ? `${runner} ${path.relative(process.cwd(), script) || script}` : argv.slice(0, 4).join(' ');
  return { isNode, label };
}

export interface RssSampler {
  /** Takes a last sample and stops; the peaks seen. */
  stop(): Promise<RssPeak>;
}

/** Samples the tree under `root` (root included) every `everyMs` until stopped. */
export function startRssSampler(root: number, everyMs = 100): RssSampler {
  const peaks = new Map<number, { hwmKb: number; label: string }>();
  const kinds = new Map<number, { isNode: boolean; label: string }>();
  let treeKb = 0;
  let samples = 0;
  let busy: Promise<void> | null = null;

  const sample = async () => {
    const pids = [root, ...(await descendantPids(root))];
    let sum = 0;
    for (const pid of pids) {
      // Only Node processes are remembered: `sh -c` may exec into node after the first look.
      let kind = kinds.get(pid);
      if (!kind) {
        kind = await describe(pid);
        if (!kind.isNode) continue;
        kinds.set(pid, kind);
      }
      const memory = await readMemory(pid);
      if (!memory) continue;
      sum += memory.rssKb;
      const previous = peaks.get(pid);
      if (!previous || memory.hwmKb > previous.hwmKb) peaks.set(pid, { hwmKb: memory.hwmKb, label: kind.label });
    }
    treeKb = Math.max(treeKb, sum);
    samples += 1;
  };
  const tick = () => {
    if (busy) return; // a slow /proc read on a busy machine: skip a beat rather than pile up
    busy = sample().finally(() => (busy = null));
  };
  const timer = setInterval(tick, everyMs);
  tick();

  return {
    async stop() {
      clearInterval(timer);
      await busy;
      await sample();
      let largest = { hwmKb: 0, label: 'none seen' };
      for (const peak of peaks.values()) if (peak.hwmKb > largest.hwmKb) largest = peak;
      return { largestMb: largest.hwmKb / 1024, process: largest.label, treeMb: treeKb / 1024, samples };
    },
  };
}
