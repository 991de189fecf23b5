import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isIngestibleFileName } from '../domain/file-name.js';

/**
 * The CSV files named by `inputs` (files or directories, directories expanded recursively), as
 * absolute paths in lexicographic order. Hidden entries and partial-write names are skipped.
 * A named path that does not exist is an error naming it. A link named explicitly is resolved (the
 * user chose it); inside a directory only regular files and real subdirectories are taken, links
 * and special files are skipped, so a link loop or a link out of the folder is never followed.
 */
export async function listCsvFiles(inputs: readonly string[], cwd: string): Promise<string[]> {
  return (await listCsvInputs(inputs, cwd)).map((f) => f.path);
}

/** A file found by listCsvInputs, with the path input profiles are matched against. */
export interface CsvInput {
  path: string;
  /** Relative to the folder argument it was found in, or a file argument's bare name. */
  matchPath: string;
}

/** listCsvFiles, each file with its `matchPath` (the first argument that named it decides). */
export async function listCsvInputs(inputs: readonly string[], cwd: string): Promise<CsvInput[]> {
  const found: CsvInput[] = [];
  for (const input of inputs) {
    let absolute = path.resolve(cwd, input);
    let info;
    try {
      if ((await lstat(absolute)).isSymbolicLink()) absolute = await realpath(absolute);
      info = await stat(absolute);
    } catch {
      throw new Error(`no such file or directory: ${input}`);
    }
    if (info.isDirectory()) {
      const root = absolute;
      found.push(...(await walk(absolute, false)).map((p) => ({ path: p, matchPath: path.relative(root, p) })));
    } else found.push({ path: absolute, matchPath: path.basename(absolute) });
  }
  const unique = new Map<string, CsvInput>();
  for (const file of found) if (!unique.has(file.path)) unique.set(file.path, file);
  return [...unique.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(dir: string, special: boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full, special)));
    else if ((entry.isFile() || special) && isIngestibleFileName(entry.name)) files.push(full);
  }
  return files;
}

/**
 * Every entry with a CSV name in `dir` and its real subfolders that is not a folder: regular files
 * and also links, FIFOs and sockets so named, for the watcher's scan to refuse (and report) them.
 * Linked folders are not entered.
 */
export async function listCsvEntries(dir: string): Promise<string[]> {
  return (await walk(dir, true)).sort();
}
