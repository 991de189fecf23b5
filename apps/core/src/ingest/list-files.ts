import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isIngestibleFileName } from '../domain/file-name.js';

/**
 * The CSV files named by `inputs` (files or directories, directories expanded recursively), as
 * absolute paths in lexicographic order. Hidden entries and partial-write names are skipped.
 * A named path that does not exist is an error naming it.
 */
export async function listCsvFiles(inputs: readonly string[], cwd: string): Promise<string[]> {
  const found: string[] = [];
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    let info;
    try {
      info = await stat(absolute);
    } catch {
      throw new Error(`no such file or directory: ${input}`);
    }
    if (info.isDirectory()) found.push(...(await walk(absolute)));
    else found.push(absolute);
  }
  return [...new Set(found)].sort();
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else if (entry.isFile() && isIngestibleFileName(entry.name)) files.push(full);
  }
  return files;
}
