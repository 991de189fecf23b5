import '@windmill/core/platform/node-check';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { parseInputProfiles, ProfileError, type WrittenProfile } from '@windmill/core/profiles/input-profile';
import { SNIFF_HEAD_BYTES, sniffProfile } from '@windmill/core/profiles/sniff-profile';

// `npm run -s profile -- FILE... > profiles.json`: sniffs an input profile from the first 256 KB
// of each file. The profiles go to stdout as one `{ "profiles": [...] }` document, what was
// guessed and why to stderr. Needs no configuration, Postgres or Redis.
// Exit codes: 0 every field decided; 1 a field to fill in or check, or a file not read (the
// profiles of the other files are still printed); 2 bad command line.

const USAGE = `usage: npm run -s profile -- FILE... > profiles.json

Reads the first ${SNIFF_HEAD_BYTES / 1024} KB of each CSV export and writes an input profile for it
(SPEC section 8) to stdout; the reason for each guess goes to stderr. Point INPUT_PROFILES at the
result after checking it. Exits 1 when a field must be filled in or a file cannot be read.
`;

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    if (!(await handle.stat()).isFile()) throw new Error('not a regular file');
    const buffer = Buffer.alloc(SNIFF_HEAD_BYTES);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** `name`, or `name-2`, `name-3`... when another profile already has it (names must be unique). */
function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${name.slice(0, 60)}-${n}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

async function main(argv: readonly string[]): Promise<number> {
  const files = argv.filter((arg) => arg !== '--');
  if (files.includes('--help') || files.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const option = files.find((arg) => arg.startsWith('-'));
  if (files.length === 0 || option !== undefined) {
    process.stderr.write(`profile: ${option === undefined ? 'name at least one file' : `unknown option ${option}`}\n\n${USAGE}`);
    return 2;
  }

  const profiles: WrittenProfile[] = [];
  const taken = new Set<string>();
  const toFill: string[] = [];
  const unread: string[] = [];
  for (const file of files) {
    let head: Buffer;
    try {
      head = await readHead(file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      process.stderr.write(`${file}: cannot read (${reason})\n\n`);
      unread.push(file);
      continue;
    }
    const { profile, notes, undecided } = sniffProfile({ fileName: path.basename(file), head });
    profile.name = uniqueName(profile.name, taken);
    profiles.push(profile);
    process.stderr.write(`${file}: profile "${profile.name}"\n${notes.map((note) => `  ${note}\n`).join('')}`);
    for (const item of undecided) process.stderr.write(`  FILL IN ${item}\n`);
    process.stderr.write('\n');
    toFill.push(...undecided.map((item) => `"${profile.name}" ${item.slice(0, item.indexOf(':'))}`));
  }

  if (profiles.length > 0) {
    try {
      parseInputProfiles({ profiles });
    } catch (error) {
      if (!(error instanceof ProfileError)) throw error;
      toFill.push(...error.problems);
    }
    process.stdout.write(`${JSON.stringify({ profiles }, null, 2)}\n`);
  }
  if (unread.length > 0) process.stderr.write(`profile: ${unread.length} file(s) not read: ${unread.join(', ')}\n`);
  if (toFill.length > 0) process.stderr.write(`profile: fill in or check before use: ${toFill.join('; ')}\n`);
  return unread.length > 0 || toFill.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`profile: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
