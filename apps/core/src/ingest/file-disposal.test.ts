import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { disposeFailed, disposeLoaded, type DisposalDirs } from './file-disposal.js';

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

  it('gives the claimed name back when the move fails', async () => {
    await expect(disposeLoaded(path.join(root, 'gone.csv'), 9, dirs)).rejects.toThrow(/ENOENT/);
    expect(await readdir(dirs.processed)).toEqual([]);
  });

  it('gives the claimed name back when recording where the file goes fails, so the retry takes the same name', async () => {
    const [file] = await sameNamedFiles('day.csv', 1);
    const lost = async () => {
      throw new Error('Connection terminated');
    };
    await expect(disposeLoaded(file!, 11, dirs, lost)).rejects.toThrow(/Connection terminated/);
    expect(await readdir(dirs.processed)).toEqual([]);
    expect(await disposeLoaded(file!, 11, dirs)).toBe(path.join(dirs.processed, 'day.csv'));
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
