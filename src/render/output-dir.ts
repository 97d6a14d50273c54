/**
 * The output folder is checked before any work (planning, clip spending, the browser), so a
 * read-only, misspelt or non-folder `--out` fails in a second with its path named, instead of as a
 * raw EEXIST/ENOTDIR/EACCES after the whole render. Nothing is created here: a run that fails
 * later (an invalid plan) leaves no empty folder behind.
 */
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { StillmotionError } from '../errors';

const CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted (immutable or locked)',
  EROFS: 'on a read-only file system',
};

function why(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return (e.code && CODES[e.code]) ?? e.message;
}

/**
 * Checks that `dir` is a folder files can be written to, or, when it does not exist yet, that its
 * nearest existing parent is one (so it can be created). access(2) with W_OK also refuses root on a
 * read-only mount or an immutable folder, which permission bits do not. Returns the absolute path.
 */
export async function checkOutputDir(dir: string, flag = '--out'): Promise<string> {
  const abs = path.resolve(dir);
  let existing = abs;
  for (;;) {
    const stat = await fs.stat(existing).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      if (err.code === 'ENOTDIR') throw new StillmotionError(`${flag} ${dir}: a part of this path is a file, not a folder`);
      throw new StillmotionError(`${flag} ${dir}: cannot be used: ${why(err)}`);
    });
    if (stat) {
      if (!stat.isDirectory()) {
        throw new StillmotionError(existing === abs ? `${flag} ${dir}: exists and is not a folder` : `${flag} ${dir}: ${existing} is a file, not a folder`);
      }
      break;
    }
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    await fs.access(existing, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new StillmotionError(
      existing === abs ? `${flag} ${dir}: cannot write into this folder: ${why(err)}` : `${flag} ${dir}: cannot create it in ${existing}: ${why(err)}`,
    );
  }
  return abs;
}
