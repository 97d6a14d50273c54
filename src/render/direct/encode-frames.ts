/**
 * Encodes frames drawn in Node to H.264 with Remotion's bundled ffmpeg and the same x264 settings
 * Remotion's own renders use (so the chunks can be joined without re-encoding). Frames travel as
 * an uncompressed AVI stream on ffmpeg's stdin; drawing the next frame overlaps encoding (x264
 * works on frames it has taken while Node draws the next one into the same buffer).
 */
import type { X264Preset } from '@remotion/renderer';
import { StillmotionError } from '../../errors';
import { ffBinaryPath, ffEnv } from '../../media/ffmpeg';
import { spawnRelayed } from '../../media/spawn-relay';
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
  /** Memory for the frame handed to ffmpeg, `bytes` long (a reused buffer; default: its own). */
  buffer?: (bytes: number) => Buffer;
}

export async function encodeFrames(o: EncodeFramesOptions): Promise<void> {
  const exe = ffBinaryPath('ffmpeg');
  // Started through the spawn relay: a renderer holding its decoded pictures is not forked per segment.
  const child = await spawnRelayed(exe, ['-hide_banner', '-loglevel', 'error', '-f', 'avi', '-i', 'pipe:0', ...x264Args(o), '-an', '-y', o.outputLocation], {
    env: ffEnv(exe),
    stdin: true,
    signal: o.signal,
  });
  let ended = false;
  const exited = child.exited.then((r) => {
    ended = true;
    return r;
  });
  let pipeError: Error | null = null;
  child.stdin?.on('error', (e) => (pipeError = e));
  const frameBytes = i420FrameBytes(o.width, o.height);
  const chunkHeader = aviFrameChunkHeader(o.width, o.height);
  const buf = o.buffer?.(8 + frameBytes) ?? Buffer.alloc(8 + frameBytes);
  chunkHeader.copy(buf, 0);
  const frame = i420Frame(buf.subarray(8), o.width, o.height);
  const stdin = child.stdin;
  const write = (b: Buffer): Promise<void> =>
    new Promise((resolve) => {
      if (!stdin || stdin.destroyed) return resolve();
      stdin.write(b, () => resolve());
    });
  try {
    await write(aviHeader(o.width, o.height, o.fps, o.frames));
    for (let i = 0; i < o.frames; i++) {
      o.signal?.throwIfAborted();
      if (pipeError || ended || !stdin) break;
      await o.draw(i, frame);
      // Resolves once ffmpeg has taken the frame; it encodes while the next one is drawn.
      await write(buf);
      o.onFrame?.(i + 1);
    }
    stdin?.end();
    const { code, stderr } = await exited;
    o.signal?.throwIfAborted();
    if (code !== 0 || pipeError || !stdin) {
      throw new StillmotionError(`ffmpeg could not encode ${o.outputLocation} (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ') || String(pipeError)}`);
    }
  } catch (err) {
    child.kill();
    stdin?.destroy();
    await exited;
    throw err;
  }
}
