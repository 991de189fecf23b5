// Jest's global set-up: the tests start compiled entry points (apps/*/dist) in child processes,
// so the build must match the sources. tsc -b is incremental: a no-op when nothing changed.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

export default function buildOnce() {
  const root = path.resolve(import.meta.dirname, '../..');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
