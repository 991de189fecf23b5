#!/usr/bin/env node
// Fails when a tracked file refers to a path outside the repository: a clone in an empty folder
// must find everything it needs inside itself. Two kinds of reference are checked:
// - relative paths that climb out of the repository (`../<folder beside the clone>` from the root, or more `../`
//   than a file's own depth), unless the climb lands on something inside that exists;
// - absolute paths into a developer's machine (home folders, scratch folders).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
const SKIP = new Set(['package-lock.json', '.ci/check-self-contained.mjs']);
// Not inside a URL or a longer path (`/dashboard/../x`, `.../x`): those are not file references.
const RELATIVE = /(?<![\w./%-])(?:\.\.\/)+[\w@.-]+/g;
const ABSOLUTE = /(?<![\w.])\/(?:work|home|root|Users|mnt)\/[\w.-]+/g;

const inside = (p) => p === root || p.startsWith(root + path.sep);
const problems = [];

for (const file of files) {
  if (SKIP.has(file)) continue;
  const full = path.join(root, file);
  let text;
  try {
    text = readFileSync(full, 'utf8');
  } catch {
    continue;
  }
  if (text.includes('\0')) continue; // binary
  const dir = path.dirname(full);
  text.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(RELATIVE)) {
      const ref = match[0];
      const fromDir = path.resolve(dir, ref);
      const fromRoot = path.resolve(root, ref);
      // An import or config path: resolved from its own folder it stays inside and names something real.
      const landsInside = inside(fromDir) && [fromDir, fromDir.replace(/\.js$/, '.ts')].some((p) => existsSync(p));
      if (!landsInside && (!inside(fromDir) || !inside(fromRoot))) problems.push(`${file}:${index + 1}: ${ref}`);
    }
    for (const match of line.matchAll(ABSOLUTE)) problems.push(`${file}:${index + 1}: ${match[0]}`);
  });
}

if (problems.length > 0) {
  process.stderr.write(`Tracked files refer to paths outside the repository:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`self-contained: ${files.length} tracked files refer to nothing outside the repository\n`);
