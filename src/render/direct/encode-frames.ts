/**
 * Encodes frames drawn in Node to H.264 with Remotion's bundled ffmpeg and the same x264 settings
 * Remotion's own renders use (so the chunks can be joined without re-encoding). Frames travel as
 * an uncompressed AVI stream on ffmpeg's stdin; drawing the next frame overlaps encoding.
 */
import { spawn } from 'node:child_process';
import type { X264Preset } from '@remotion/renderer';
import { StillmotionError } from '../../errors';
import { ffBinaryPath, ffEnv } from '../../media/ffmpeg';
import { aviFrameChunkHeader, aviHeader, i420FrameBytes } from './avi-stream';
import { i420Frame, type YuvImage } from './yuv-image';

export interface EncodeSettings {
  x264Preset: X264Preset;
  crf: number;
}

/** x264 arguments shared by direct chunks and Remotion's renders (see @remotion/renderer ffmpeg-args). */
export function x264Args(s: EncodeSettings): string[] {
  return ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', s.x264Preset, '-video_track_timescale', '90000', '-crf', String(s.crf)];
}

export interface EncodeFramesOptions extends EncodeSettings {
  width: number;
  height: number;
  fps: number;
  frames: number;
  outputLocation: string;
  signal?: AbortSignal;
  /** Draws frame `i` (0-based) into the planes of `frame`. */
  draw: (i: number, frame: YuvImage) => void | Promise<void>;
  onFrame?: (done: number) => void;
}

/** Buffers in flight: one being drawn while earlier ones drain to ffmpeg. */
const RING = 3;

export async function encodeFrames(o: EncodeFramesOptions): Promise<void> {
  const exe = ffBinaryPath('ffmpeg');
  const child = spawn(exe, ['-hide_banner', '-loglevel', 'error', '-f', 'avi', '-i', 'pipe:0', ...x264Args(o), '-an', '-y', o.outputLocation], {
    env: ffEnv(exe),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
  let pipeError: Error | null = null;
  child.stdin.on('error', (e) => (pipeError = e));
  const onAbort = (): void => {
    child.kill('SIGKILL');
  };
  o.signal?.addEventListener('abort', onAbort);
  const frameBytes = i420FrameBytes(o.width, o.height);
  const chunkHeader = aviFrameChunkHeader(o.width, o.height);
  const ring = Array.from({ length: Math.min(RING, o.frames) }, () => Buffer.alloc(8 + frameBytes));
  const flushed: Promise<void>[] = ring.map(() => Promise.resolve());
  const write = (b: Buffer): Promise<void> =>
    new Promise((resolve) => {
      child.stdin.write(b, () => resolve());
    });
  try {
    await write(aviHeader(o.width, o.height, o.fps, o.frames));
    for (let i = 0; i < o.frames; i++) {
      o.signal?.throwIfAborted();
      if (pipeError || child.exitCode !== null) break;
      const slot = i % ring.length;
      await flushed[slot];
      const buf = ring[slot]!;
      chunkHeader.copy(buf, 0);
      await o.draw(i, i420Frame(buf.subarray(8), o.width, o.height));
      flushed[slot] = write(buf);
      if (child.stdin.writableNeedDrain) await new Promise((r) => child.stdin.once('drain', r));
      o.onFrame?.(i + 1);
    }
    await Promise.all(flushed);
    child.stdin.end();
    const code = await exited;
    o.signal?.throwIfAborted();
    if (code !== 0 || pipeError) {
      throw new StillmotionError(`ffmpeg could not encode ${o.outputLocation} (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ') || String(pipeError)}`);
    }
  } catch (err) {
    child.kill('SIGKILL');
    await exited.catch(() => undefined);
    throw err;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}
