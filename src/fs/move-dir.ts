/**
 * Moves a finished folder into place. Work folders live in the per-run scratch folder (swept when
 * their process is gone: src/process/scratch-dir.ts), which may be on another file system than the
 * cache: then the folder is copied beside the target first, so the final step is still one rename.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Renames `from` to `to`; false when `to` is in the way (someone else's finished copy, or a damaged one). */
export async function moveDirInto(from: string, to: string): Promise<boolean> {
  try {
    await fs.rename(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') return false;
  }
  const beside = path.join(path.dirname(to), `.${path.basename(to)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.cp(from, beside, { recursive: true });
    await fs.rename(beside, to);
    await fs.rm(from, { recursive: true, force: true });
    return true;
  } catch {
    await fs.rm(beside, { recursive: true, force: true });
    return false;
  }
}
