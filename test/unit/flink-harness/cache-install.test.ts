import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  exists,
  INSTALL_MARKER,
  installFolder,
  writeFileAtomically,
} from '../../../scripts/flink/cache-install.js';

let root: string;
const complete = (dir: string) => exists(join(dir, INSTALL_MARKER));

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'fjc-cache-install-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('installFolder', () => {
  it('builds privately, writes the marker last and renames into place, leaving no private folder', async () => {
    const dir = join(root, 'cache', '1.0.0');
    await installFolder(dir, '1.0.0', complete, async (tmp) => {
      expect(await exists(dir)).toBe(false);
      await mkdir(tmp);
      await writeFile(join(tmp, 'payload'), 'x');
    });
    expect(await readFile(join(dir, 'payload'), 'utf8')).toBe('x');
    expect(JSON.parse(await readFile(join(dir, INSTALL_MARKER), 'utf8'))).toMatchObject({
      version: '1.0.0',
    });
    expect(await readdir(join(root, 'cache'))).toEqual(['1.0.0']);
  });

  it('replaces a partial install and keeps one another process completed first', async () => {
    const dir = join(root, '2.0.0');
    await mkdir(dir);
    await writeFile(join(dir, 'half'), '');
    await installFolder(dir, '2.0.0', complete, async (tmp) => {
      await mkdir(tmp);
    });
    expect((await readdir(dir)).sort()).toEqual([INSTALL_MARKER]);
    await installFolder(dir, '2.0.0', complete, async (tmp) => {
      await mkdir(tmp);
      await writeFile(join(tmp, 'second'), '');
    });
    expect(await exists(join(dir, 'second'))).toBe(false);
    expect(await readdir(root)).toEqual(['2.0.0']);
  });

  it('removes the private folder when the build fails', async () => {
    const dir = join(root, '3.0.0');
    await expect(
      installFolder(dir, '3.0.0', complete, async (tmp) => {
        await mkdir(tmp);
        throw new Error('pip failed');
      }),
    ).rejects.toThrow('pip failed');
    expect(await readdir(root)).toEqual([]);
  });
});

describe('writeFileAtomically', () => {
  it('writes the bytes under the final name only, with no dot file left', async () => {
    const path = join(root, 'opt', 'a.jar');
    await writeFileAtomically(path, Buffer.from('jar'), 'a');
    expect(await readFile(path, 'utf8')).toBe('jar');
    expect(await readdir(join(root, 'opt'))).toEqual(['a.jar']);
  });
});
