/** Shared test helpers: a temp dir per file and a JSON validity check. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFf } from '../../src/media/ffmpeg';

export async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-audio-test-'));
}

/** Encodes `wav` to another format with Remotion's bundled ffmpeg (e.g. codec libmp3lame, aac). */
export async function transcode(wav: string, out: string, codecArgs: string[]): Promise<string> {
  const r = await runFf('ffmpeg', ['-v', 'error', '-y', '-i', wav, ...codecArgs, out]);
  if (r.code !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  return out;
}

/** Every number anywhere in `value` is finite. */
export function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

export function nearest(xs: readonly number[], t: number): number {
  let best = Infinity;
  for (const x of xs) if (Math.abs(x - t) < Math.abs(best - t)) best = x;
  return best;
}
