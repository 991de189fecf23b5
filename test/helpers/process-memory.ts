import { readFile } from 'node:fs/promises';

/** A memory figure of a live process in MB, from /proc (Linux): VmRSS now, or VmHWM, its peak so far. */
export async function processMemoryMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1]);
  return kb / 1024;
}
