/**
 * The output folder is checked before any work (planning, clip spending, the browser), so a
 * read-only, misspelt or non-folder `--out` fails in a second with its path named, instead of as a
 * raw EEXIST/ENOTDIR/EACCES after the whole render.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StillmotionError } from '../errors';
import { tempPathFor } from '../fs/atomic-write';

const CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'on a read-only file system',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
};

function why(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return (e.code && CODES[e.code]) ?? e.message;
}

/**
 * Creates `dir` (and its parents) when missing, and proves it is a folder files can be written to
 * by creating and removing a small file in it (the only test that also holds for root, whom
 * permission bits do not stop, and for read-only mounts). Returns the absolute path.
 */
export async function checkOutputDir(dir: string, flag = '--out'): Promise<string> {
  const abs = path.resolve(dir);
  const stat = await fs.stat(abs).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    // ENOTDIR: a file stands where a parent folder should be.
    if (err.code === 'ENOTDIR') throw new StillmotionError(`${flag} ${dir}: a part of this path is a file, not a folder`);
    throw new StillmotionError(`${flag} ${dir}: cannot be used: ${why(err)}`);
  });
  if (stat && !stat.isDirectory()) throw new StillmotionError(`${flag} ${dir}: exists and is not a folder`);
  if (!stat) {
    try {
      await fs.mkdir(abs, { recursive: true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOTDIR' || e.code === 'EEXIST') throw new StillmotionError(`${flag} ${dir}: a part of this path is a file, not a folder`);
      throw new StillmotionError(`${flag} ${dir}: cannot create the folder: ${why(err)}`);
    }
  }
  const probe = tempPathFor(path.join(abs, '.stillmotion-write-check'));
  try {
    await fs.writeFile(probe, '');
  } catch (err) {
    throw new StillmotionError(`${flag} ${dir}: cannot write into this folder: ${why(err)}`);
  } finally {
    await fs.rm(probe, { force: true });
  }
  return abs;
}
