/**
 * One private temp folder per CLI process. Remotion, Chromium and ffmpeg put their working files
 * in the system temp folder (`remotion-*` assets, `react-motion-render*` frames, Chromium
 * profiles, webpack bundles); pointing TMPDIR at a folder named after this process keeps all of
 * them in one place that is removed when the process exits, however it exits, and lets a later
 * run remove the folder of a process that was killed outright (its pid is in the name).
 */
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from './process-alive';

const PREFIX = 'stillmotion-run-';

/** The temp folder before this process pointed TMPDIR at its scratch folder. */
let systemTemp: string | null = null;

/**
 * Calls `fn` with os.tmpdir() answering the system temp folder. Only what `fn` reads before its
 * first await sees it: TMPDIR is put back as soon as `fn` returns its promise.
 */
export function withSystemTempDir<T>(fn: () => T): T {
  if (systemTemp === null) return fn();
  const scratch = process.env.TMPDIR;
  process.env.TMPDIR = systemTemp;
  try {
    return fn();
  } finally {
    process.env.TMPDIR = scratch;
  }
}
const NAME = new RegExp(`^${PREFIX}(\\d+)-`);

/** Removes the scratch folders under `root` left by processes that are gone; returns them. */
export async function sweepDeadScratchDirs(root: string): Promise<string[]> {
  const names = await fs.readdir(root).catch(() => [] as string[]);
  const dead = names.filter((n) => {
    const m = NAME.exec(n);
    return m !== null && Number(m[1]) !== process.pid && !isProcessAlive(Number(m[1]));
  });
  for (const n of dead) await fs.rm(path.join(root, n), { recursive: true, force: true });
  return dead.map((n) => path.join(root, n));
}

export interface ScratchDir {
  dir: string;
  /** Removes the folder and everything in it (synchronous: it also runs on exit and on signals). */
  removeSync(): void;
}

/**
 * Makes this process's scratch folder and points TMPDIR (TMP, TEMP on Windows) at it, for this
 * process and every child it starts. Node's os.tmpdir() reads TMPDIR on each call, so libraries
 * loaded before this still write inside it.
 */
export function useScratchDir(root = os.tmpdir()): ScratchDir {
  const dir = mkdtempSync(path.join(root, `${PREFIX}${process.pid}-`));
  systemTemp = root;
  process.env.TMPDIR = dir;
  if (process.platform === 'win32') process.env.TMP = process.env.TEMP = dir;
  const removeSync = (): void => {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Nothing more can be done on the way out; the next run sweeps it.
    }
  };
  process.on('exit', removeSync);
  return { dir, removeSync };
}
