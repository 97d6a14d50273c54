/**
 * Remotion ships its own ffmpeg and ffprobe (in @remotion/compositor-<platform>),
 * so Stillmotion needs no system ffmpeg. This module finds those binaries and runs them.
 */
import path from 'node:path';
import { RenderInternals } from '@remotion/renderer';
import { spawnRelayed } from './spawn-relay';

export type FfBinary = 'ffmpeg' | 'ffprobe';

const binaryPaths = new Map<FfBinary, string>();

/**
 * Remembered per binary: Remotion works it out through process.report.getReport() (its musl check),
 * which took 0.1-0.3 s a call on a loaded machine, twice for every segment of a long story.
 */
export function ffBinaryPath(bin: FfBinary): string {
  let exe = binaryPaths.get(bin);
  if (exe === undefined) {
    exe = RenderInternals.getExecutablePath({
      type: bin,
      indent: false,
      logLevel: 'error',
      binariesDirectory: null,
    });
    binaryPaths.set(bin, exe);
  }
  return exe;
}

export interface FfResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** The environment the bundled binaries need (their shared libraries sit beside them). */
export function ffEnv(exe: string): NodeJS.ProcessEnv {
  const libDir = path.dirname(exe);
  if (process.platform === 'darwin') return { ...process.env, DYLD_LIBRARY_PATH: libDir };
  if (process.platform === 'linux') return { ...process.env, LD_LIBRARY_PATH: [libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
  return process.env;
}

/**
 * Runs Remotion's bundled ffmpeg/ffprobe and collects stdout (binary) and stderr (text). Started
 * through the spawn relay (spawn-relay.ts: the render process is never forked), in the caller's
 * directory so relative paths work. Rejects with the signal's reason when it is aborted.
 */
export async function runFf(bin: FfBinary, args: string[], opts: { signal?: AbortSignal } = {}): Promise<FfResult> {
  const exe = ffBinaryPath(bin);
  const run = await spawnRelayed(exe, args, { env: ffEnv(exe), signal: opts.signal });
  const r = await run.exited;
  opts.signal?.throwIfAborted();
  return r;
}
