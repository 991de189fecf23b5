import { copyFile, link, mkdtemp, mkdir, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { disposeFailed, disposeLoaded, FileGrewError, type DisposalDirs } from './file-disposal.js';

describe('where a file goes after its ingest', () => {
  let root: string;
  let dirs: DisposalDirs;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'windmill-disposal-'));
    dirs = { processed: path.join(root, 'processed'), failed: path.join(root, 'failed'), deleteAfterIngest: false };
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** `count` files named `name`, each in its own folder, each holding its own line. */
  async function sameNamedFiles(name: string, count: number): Promise<string[]> {
    return Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const dir = path.join(root, `inbox-${i}`);
        await mkdir(dir);
        const file = path.join(dir, name);
        await writeFile(file, `piece ${i}\n`);
        return file;
      }),
    );
  }

  const contents = async (dir: string) =>
    (await Promise.all((await readdir(dir)).map((name) => readFile(path.join(dir, name), 'utf8')))).sort();

  it('keeps the file its own name when free, and adds the ledger id when taken', async () => {
    const [first, second] = await sameNamedFiles('day.csv', 2);
    expect(await disposeLoaded(first!, 7, dirs)).toBe(path.join(dirs.processed, 'day.csv'));
    expect(await disposeLoaded(second!, 8, dirs)).toBe(path.join(dirs.processed, 'day.8.csv'));
    expect(await contents(dirs.processed)).toEqual(['piece 0\n', 'piece 1\n']);
  });

  it('never lets files of the same name that end at the same moment overwrite each other', async () => {
    const files = await sameNamedFiles('slow.csv', 8);
    const targets = await Promise.all(files.map((file, i) => disposeLoaded(file, 100 + i, dirs)));
    expect(new Set(targets).size).toBe(8);
    expect(await contents(dirs.processed)).toEqual(files.map((_, i) => `piece ${i}\n`).sort());
  });

  it('leaves nothing behind when the file is gone', async () => {
    await expect(disposeLoaded(path.join(root, 'gone.csv'), 9, dirs)).rejects.toThrow(/ENOENT/);
    expect(await readdir(dirs.processed)).toEqual([]);
  });

  it('finishes the move under the same name when recording where the file went fails', async () => {
    const [file] = await sameNamedFiles('day.csv', 1);
    const lost = async () => {
      throw new Error('Connection terminated');
    };
    await expect(disposeLoaded(file!, 11, dirs, lost)).rejects.toThrow(/Connection terminated/);
    expect(await readdir(path.dirname(file!))).toEqual(['day.csv']); // still in the inbox for the retry
    const recorded: Array<string | null> = [];
    const record = async (target: string | null) => void recorded.push(target);
    expect(await disposeLoaded(file!, 11, dirs, record)).toBe(path.join(dirs.processed, 'day.csv'));
    expect(recorded).toEqual([path.join(dirs.processed, 'day.csv')]);
    expect(await readdir(dirs.processed)).toEqual(['day.csv']);
    expect(await readdir(path.dirname(file!))).toEqual([]);
  });

  it('leaves a file that grew after its load in the inbox, whole, with no other name', async () => {
    const [file] = await sameNamedFiles('slow.csv', 1); // "piece 0\n": 8 bytes, of which 5 were loaded
    const recorded: Array<string | null> = [];
    const record = async (target: string | null) => void recorded.push(target);
    await expect(disposeLoaded(file!, 15, dirs, record, 5)).rejects.toThrow(FileGrewError);
    expect(await readFile(file!, 'utf8')).toBe('piece 0\n');
    expect(await readdir(dirs.processed)).toEqual([]);
    // With DELETE_AFTER_INGEST it is not deleted either.
    await expect(disposeLoaded(file!, 15, { ...dirs, deleteAfterIngest: true }, record, 5)).rejects.toThrow(/grew from 5 to 8 bytes/);
    expect(await readFile(file!, 'utf8')).toBe('piece 0\n');
    // Its loaded size, unchanged, moves as before.
    expect(await disposeLoaded(file!, 15, dirs, record, 8)).toBe(path.join(dirs.processed, 'slow.csv'));
  });

  it('finishes a move stopped after the file got its new name, under that name, on the retry', async () => {
    const [file] = await sameNamedFiles('day.csv', 1);
    await mkdir(dirs.processed);
    await link(file!, path.join(dirs.processed, 'day.csv')); // the process stopped here
    expect(await disposeLoaded(file!, 12, dirs)).toBe(path.join(dirs.processed, 'day.csv'));
    expect(await readdir(dirs.processed)).toEqual(['day.csv']);
    expect(await readdir(path.dirname(file!))).toEqual([]);
  });

  describe('from an inbox on another file system (/dev/shm), where no link can be made', () => {
    let inbox: string;
    beforeEach(async () => {
      inbox = await mkdtemp('/dev/shm/windmill-inbox-');
      // The cases below are about a move between file systems; fail loudly if this is not one.
      expect((await stat(inbox)).dev).not.toBe((await stat(root)).dev);
    });
    afterEach(() => rm(inbox, { recursive: true, force: true }));

    const inboxFile = async (name: string, text: string) => {
      const dir = await mkdtemp(path.join(inbox, 'drop-'));
      await writeFile(path.join(dir, name), text);
      return path.join(dir, name);
    };

    it('copies files of the same name that end together side by side, whole, and leaves no copy behind', async () => {
      const files = await Promise.all([0, 1, 2].map((i) => inboxFile('day.csv', `piece ${i}\n`.repeat(10_000))));
      const targets = await Promise.all(files.map((file, i) => disposeLoaded(file, 300 + i, dirs)));
      expect(new Set(targets).size).toBe(3);
      expect(await contents(dirs.processed)).toEqual([0, 1, 2].map((i) => `piece ${i}\n`.repeat(10_000)));
      for (const file of files) await expect(stat(file)).rejects.toThrow(/ENOENT/);
    });

    it('finishes a copy stopped after it got its new name, under that name, on the retry', async () => {
      const file = await inboxFile('day.csv', 'whole\n');
      await mkdir(dirs.processed);
      const staged = path.join(dirs.processed, '.day.13.csv.moving');
      await copyFile(file, staged);
      await link(staged, path.join(dirs.processed, 'day.csv')); // the process stopped here
      expect(await disposeLoaded(file, 13, dirs)).toBe(path.join(dirs.processed, 'day.csv'));
      expect(await readdir(dirs.processed)).toEqual(['day.csv']);
      await expect(stat(file)).rejects.toThrow(/ENOENT/);
    });

    it('never moves a link in place of the file', async () => {
      const target = await inboxFile('secret.txt', 'outside\n');
      const file = path.join(path.dirname(target), 'day.csv');
      await symlink(target, file);
      await expect(disposeLoaded(file, 14, dirs)).rejects.toThrow(/not a regular file/);
      expect(await readdir(dirs.processed)).toEqual([]);
    });
  });

  it('moves failed files of the same name side by side, each with its own explanation', async () => {
    const files = await sameNamedFiles('bad.csv', 3);
    const now = new Date('2022-03-01T00:00:00Z');
    const targets = await Promise.all(files.map((file, i) => disposeFailed(file, 200 + i, `reason ${i}`, dirs, now)));
    expect(new Set(targets).size).toBe(3);
    for (const [i, target] of targets.entries()) {
      expect(await readFile(target, 'utf8')).toBe(`piece ${i}\n`);
      expect(JSON.parse(await readFile(`${target}.error.json`, 'utf8'))).toMatchObject({ fileId: 200 + i, error: `reason ${i}` });
    }
  });
});
