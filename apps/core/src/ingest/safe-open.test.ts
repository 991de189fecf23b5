import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fingerprintFile } from './fingerprint.js';
import { listCsvFiles } from './list-files.js';
import { isInside, openRegularFile, RefusedFileError } from './safe-open.js';

describe('openRegularFile', () => {
  let root: string;
  let inbox: string;
  let outside: string;
  let socket: Server;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'windmill-safe-open-'));
    inbox = path.join(root, 'inbox');
    outside = path.join(root, 'outside');
    await mkdir(path.join(inbox, 'sub'), { recursive: true });
    await mkdir(outside);
    await writeFile(path.join(inbox, 'good.csv'), 'timestamp,turbine_id,power_output\n');
    await writeFile(path.join(inbox, 'sub', 'nested.csv'), 'x\n');
    await writeFile(path.join(outside, 'secret.csv'), 'secret\n');
    await symlink('/etc/passwd', path.join(inbox, 'passwd.csv'));
    await symlink(path.join(outside, 'secret.csv'), path.join(inbox, 'outside.csv'));
    await symlink(outside, path.join(inbox, 'dirlink'));
    await symlink(inbox, path.join(inbox, 'loop'));
    await symlink('self.csv', path.join(inbox, 'self.csv'));
    execFileSync('mkfifo', [path.join(inbox, 'fifo.csv')]);
    socket = createServer();
    await new Promise<void>((resolve) => socket.listen(path.join(inbox, 'socket.csv'), resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => socket.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  const refusal = async (name: string, options: { root?: string } = { root: inbox }) => {
    try {
      const { handle } = await openRegularFile(path.join(inbox, name), options);
      await handle.close();
      return 'opened';
    } catch (error) {
      if (error instanceof RefusedFileError) return `${error.reason}: ${error.message}`;
      throw error;
    }
  };

  it('opens a regular file inside the root, nested ones too', async () => {
    expect(await refusal('good.csv')).toBe('opened');
    expect(await refusal('sub/nested.csv')).toBe('opened');
  });

  it.each([
    ['passwd.csv', 'symlink', 'is a symbolic link'],
    ['outside.csv', 'symlink', 'is a symbolic link'],
    ['self.csv', 'symlink', 'is a symbolic link'],
    ['fifo.csv', 'fifo', 'is a FIFO (named pipe)'],
    ['socket.csv', 'socket', 'is a socket'],
    ['sub', 'directory', 'is a directory'],
    ['dirlink/secret.csv', 'outside', 'is a path that resolves outside the watched folder'],
    ['loop/good.csv', 'linked-path', 'is reached through a symbolic link to a folder'],
    ['loop/loop/sub/nested.csv', 'linked-path', 'is reached through a symbolic link to a folder'],
  ])('refuses %s (%s) without reading it', async (name, reason, what) => {
    const started = Date.now();
    expect(await refusal(name)).toBe(
      `${reason}: refused: ${path.basename(name)} ${what}; Windmill reads only regular files inside WATCH_DIR`,
    );
    // A FIFO without a writer would block an ordinary open() for ever.
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a root that is itself a link: files are fine under either name, links below it are not', async () => {
    const linkedRoot = path.join(root, 'inbox-link');
    await symlink(inbox, linkedRoot);
    for (const file of [path.join(linkedRoot, 'good.csv'), path.join(inbox, 'sub', 'nested.csv')]) {
      const { handle } = await openRegularFile(file, { root: linkedRoot });
      await handle.close();
    }
    await expect(openRegularFile(path.join(linkedRoot, 'loop', 'good.csv'), { root: linkedRoot })).rejects.toThrow(
      /symbolic link to a folder/,
    );
    await expect(openRegularFile(path.join(linkedRoot, 'dirlink', 'secret.csv'), { root: linkedRoot })).rejects.toThrow(/outside/);
  });

  it('without a root only the kind of entry is checked (npm run ingest of a named file)', async () => {
    expect(await refusal('dirlink/secret.csv', {})).toBe('opened');
    expect(await refusal('passwd.csv', {})).toMatch(/^symlink/);
  });

  it('fingerprinting refuses the same way, and never hashes what a link points to', async () => {
    await expect(fingerprintFile(path.join(inbox, 'passwd.csv'), undefined, { root: inbox })).rejects.toThrow(RefusedFileError);
    await expect(fingerprintFile(path.join(inbox, 'fifo.csv'), undefined, { root: inbox })).rejects.toThrow(/FIFO/);
    expect((await fingerprintFile(path.join(inbox, 'good.csv'), undefined, { root: inbox })).size).toBe(34);
  });

  it('a folder walk takes regular files and real folders only', async () => {
    const files = await listCsvFiles([inbox], root);
    expect(files.map((f) => path.relative(inbox, f))).toEqual(['good.csv', 'sub/nested.csv']);
  });

  it('isInside: strictly inside, not the root itself, not a sibling with the same prefix', () => {
    expect(isInside('/data/inbox', '/data/inbox/a.csv')).toBe(true);
    expect(isInside('/data/inbox', '/data/inbox')).toBe(false);
    expect(isInside('/data/inbox', '/data/inbox2/a.csv')).toBe(false);
    expect(isInside('/data/inbox', '/data/inbox/../processed/a.csv')).toBe(false);
    expect(isInside('/data/inbox', '/data/inbox/..a.csv')).toBe(true);
  });
});
