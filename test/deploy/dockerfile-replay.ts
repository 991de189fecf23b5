import { execFileSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replays a Dockerfile without a Docker engine: each stage gets a folder standing for its
 * filesystem root; COPY copies from the build context (minus .dockerignore) or from an earlier
 * stage's folder; RUN runs the command with `sh -c` in the stage's WORKDIR; ENV is collected.
 * What cannot be replayed on a shared machine (creating system users and folders outside the
 * stage) is returned as `skipped` so the caller can decide whether that is acceptable.
 */

export interface Instruction {
  op: string;
  args: string;
  line: number;
}

export interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

/** Instructions per stage; line continuations joined, comments and blank lines dropped. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1).trimEnd()} ${lines[++i]!.trim()}`;
    const [op = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (op.toUpperCase() === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match) throw new Error(`line ${start}: cannot read FROM ${args}`);
      stages.push({ base: match[1]!, name: match[2] ?? String(stages.length), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`line ${start}: ${op} before FROM`);
    stage.instructions.push({ op: op.toUpperCase(), args, line: start });
  }
  return stages;
}

/** A matcher for .dockerignore patterns: a path is excluded when it or one of its parents matches. */
export function dockerignoreMatcher(text: string): (relative: string) => boolean {
  const patterns = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((p) => p.replace(/^\/+/, '').replace(/\/+$/, ''));
  return (relative) => {
    const parts = relative.split(path.sep);
    for (let n = 1; n <= parts.length; n++) {
      const prefix = parts.slice(0, n).join('/');
      if (patterns.some((p) => path.matchesGlob(prefix, p))) return true;
    }
    return false;
  };
}

export interface ReplayResult {
  /** Each stage's root folder. */
  roots: Record<string, string>;
  /** ENV of the last stage. */
  env: Record<string, string>;
  workdir: string;
  entrypoint: string[];
  cmd: string[];
  /** RUN instructions not replayed, with the stage they belong to. */
  skipped: Array<{ stage: string; command: string }>;
}

export interface ReplayOptions {
  context: string;
  dockerfile: string;
  /** Folder that receives one sub-folder per stage. */
  into: string;
  /** Decides which RUN instructions are replayed; the others are reported as skipped. */
  shouldRun: (stage: Stage, command: string) => boolean;
  /** Environment for the replayed RUN commands. */
  runEnv: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export async function replayDockerfile(options: ReplayOptions): Promise<ReplayResult> {
  const stages = parseDockerfile(await readFile(options.dockerfile, 'utf8'));
  const ignored = dockerignoreMatcher(await readFile(path.join(options.context, '.dockerignore'), 'utf8').catch(() => ''));
  const roots: Record<string, string> = {};
  const result: ReplayResult = { roots, env: {}, workdir: '/', entrypoint: [], cmd: [], skipped: [] };

  for (const stage of stages) {
    const root = path.join(options.into, stage.name);
    roots[stage.name] = root;
    await mkdir(root, { recursive: true });
    let workdir = '/';
    const env: Record<string, string> = {};
    const inStage = (p: string) => path.join(root, path.posix.isAbsolute(p) ? p : path.posix.join(workdir, p));
    for (const { op, args, line } of stage.instructions) {
      switch (op) {
        case 'WORKDIR':
          workdir = path.posix.resolve(workdir, args);
          await mkdir(inStage('.'), { recursive: true });
          break;
        case 'ENV':
          for (const match of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[match[1]!] = match[2]!.replace(/^"|"$/g, '');
          break;
        case 'COPY': {
          const words = args.split(/\s+/);
          const flags = words.filter((w) => w.startsWith('--'));
          const paths = words.filter((w) => !w.startsWith('--'));
          const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
          const dest = paths.pop()!;
          for (const source of paths) {
            const sourcePath = from === undefined ? path.join(options.context, source) : path.join(roots[from]!, source);
            if (from !== undefined && !roots[from]) throw new Error(`line ${line}: unknown stage ${from}`);
            const info = await stat(sourcePath).catch(() => null);
            if (!info) throw new Error(`line ${line}: COPY source ${source} does not exist`);
            const target = dest.endsWith('/') || paths.length > 1 ? path.join(inStage(dest), path.basename(source)) : inStage(dest);
            await mkdir(path.dirname(target), { recursive: true });
            await cp(sourcePath, target, {
              recursive: true,
              verbatimSymlinks: true,
              // The build context honours .dockerignore; a copy between stages copies everything.
              filter: (src) => from !== undefined || !ignored(path.relative(options.context, src)),
            });
          }
          break;
        }
        case 'RUN':
          if (!options.shouldRun(stage, args)) {
            result.skipped.push({ stage: stage.name, command: args });
            break;
          }
          options.log?.(`[${stage.name}] RUN ${args}`);
          execFileSync('sh', ['-c', args], { cwd: inStage('.'), env: { ...options.runEnv, ...env }, stdio: 'pipe', maxBuffer: 64 << 20 });
          break;
        case 'ENTRYPOINT':
          result.entrypoint = JSON.parse(args) as string[];
          break;
        case 'CMD':
          result.cmd = JSON.parse(args) as string[];
          break;
        default:
          break; // USER, EXPOSE, LABEL...: nothing to replay
      }
    }
    result.env = env;
    result.workdir = workdir;
  }
  return result;
}

/** Total size in bytes of the regular files under `dir` (symlinks not followed). */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}
