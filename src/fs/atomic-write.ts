/**
 * Output is never left half-written: everything is written to a temporary file beside
 * the target and renamed into place only when complete. Temp names carry the writer's pid, so
 * the leftovers of a process that died (kill -9, power loss) can be told from files that another
 * live process is still writing, and swept.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from '../process/process-alive';

/** `.<stem>.<pid>.<8 hex>.tmp<ext>`: what tempPathFor writes. */
const TEMP_NAME = /^\..*\.(\d+)\.[0-9a-f]{8}\.tmp(\.[^./]*)?$/;

/** A temp path in the same directory as `target` (so the final rename is atomic). */
export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  const ext = path.extname(base);
  return path.join(dir, `.${base.slice(0, base.length - ext.length)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp${ext}`);
}

/** The pid of the process that made a temp file (a name from tempPathFor), or null for any other name. */
function tempFileOwner(name: string): number | null {
  const m = TEMP_NAME.exec(name);
  return m ? Number(m[1]) : null;
}

/** Temp files this process is writing right now: an interrupted process removes them before it exits. */
const liveTemps = new Set<string>();

export function liveTempFiles(): ReadonlySet<string> {
  return liveTemps;
}

const swept = new Map<string, Promise<string[]>>();

/**
 * Removes the temp files in `dir` whose writer is gone (once per folder and process); returns
 * what it removed. Files of live processes (two renders into one folder) are left alone.
 */
export function sweepStaleTemps(dir: string): Promise<string[]> {
  const key = path.resolve(dir);
  let done = swept.get(key);
  if (!done) {
    done = (async () => {
      const names = await fs.readdir(key).catch(() => [] as string[]);
      const stale = names.filter((n) => {
        const pid = tempFileOwner(n);
        return pid !== null && pid !== process.pid && !isProcessAlive(pid);
      });
      for (const n of stale) await fs.rm(path.join(key, n), { force: true, recursive: true });
      return stale.map((n) => path.join(key, n));
    })();
    swept.set(key, done);
  }
  return done;
}

async function withTemp<T>(target: string, write: (tmp: string) => Promise<T>): Promise<T> {
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true });
  await sweepStaleTemps(dir);
  const tmp = tempPathFor(target);
  liveTemps.add(tmp);
  try {
    const result = await write(tmp);
    await fs.rename(tmp, target);
    return result;
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  } finally {
    liveTemps.delete(tmp);
  }
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await withTemp(target, (tmp) => fs.writeFile(tmp, data));
}

/**
 * Runs `produce(tmpPath)` which must create the file at tmpPath, then renames it to target.
 * If produce throws, the temp file is removed and the target is left untouched.
 */
export async function produceAtomic<T>(target: string, produce: (tmpPath: string) => Promise<T>): Promise<T> {
  return withTemp(target, produce);
}
