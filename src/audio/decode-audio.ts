/**
 * Decodes any audio file ffmpeg can read (WAV, MP3, OGG, M4A, FLAC, ... at any sample rate and
 * channel count) to mono float PCM at the analysis rate, with Remotion's bundled ffmpeg.
 *
 * Remotion's ffmpeg build has no raw f32le muxer and no pcm_f32le encoder, so ffmpeg streams a
 * 24-bit PCM WAV through the pipe (144 dB of range: nothing audible is lost) and wav-codec.ts
 * turns it into floats.
 */
import { promises as fs } from 'node:fs';
import { StillmotionError } from '../errors';
import { runFf } from '../media/ffmpeg';
import { ffprobe, firstLine } from '../media/ffprobe';
import { parseWav } from './wav-codec';

/** Every analysis runs at this rate, so meyda's globally cached filter banks never go stale. */
export const ANALYSIS_SAMPLE_RATE = 22050;

export interface DecodedAudio {
  /** Mono samples at `sampleRate` (ANALYSIS_SAMPLE_RATE), NaN/Infinity replaced by 0. */
  samples: Float32Array;
  sampleRate: number;
  /** Facts about the source file. */
  source: { sampleRate: number; channels: number; codec: string; duration: number };
}

export async function decodeAudio(file: string): Promise<DecodedAudio> {
  let size: number;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw new StillmotionError(`${file}: not a file`);
    size = st.size;
    await fs.access(file, fs.constants.R_OK);
  } catch (err) {
    if (err instanceof StillmotionError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new StillmotionError(`${file}: cannot read audio file (${code === 'ENOENT' ? 'no such file' : code ?? String(err)})`);
  }
  if (size === 0) throw new StillmotionError(`${file}: audio file is empty (0 bytes)`);

  const probe = await ffprobe(file);
  if (!probe.ok) throw new StillmotionError(`${file}: not a readable audio file (${probe.reason})`);
  const info = probe.info;
  const stream = info.streams?.find((s) => s.codec_type === 'audio');
  if (!stream) {
    const kinds = (info.streams ?? []).map((s) => s.codec_type ?? '?').join(', ');
    throw new StillmotionError(`${file}: no audio stream in the file${kinds ? ` (it holds: ${kinds})` : ''}; use WAV, MP3, OGG, M4A or FLAC`);
  }

  const dec = await runFf('ffmpeg', [
    '-v', 'error', '-nostdin', '-i', file,
    '-map', '0:a:0', '-vn', '-ac', '1', '-ar', String(ANALYSIS_SAMPLE_RATE),
    '-f', 'wav', '-acodec', 'pcm_s24le', 'pipe:1',
  ]);
  if (dec.code !== 0) {
    throw new StillmotionError(`${file}: audio is corrupt or cannot be decoded (${firstLine(dec.stderr) || `ffmpeg exited with ${dec.code}`})`);
  }
  let samples: Float32Array;
  try {
    samples = parseWav(dec.stdout).samples;
  } catch (err) {
    throw new StillmotionError(`${file}: audio cannot be decoded (${(err as Error).message})`);
  }
  const claimed = Number(stream.duration ?? info.format?.duration);
  if (samples.length === 0 && Number.isFinite(claimed) && claimed > 0.05) {
    throw new StillmotionError(`${file}: audio is corrupt: header says ${claimed.toFixed(2)} s but no samples decode`);
  }
  return {
    samples,
    sampleRate: ANALYSIS_SAMPLE_RATE,
    source: {
      sampleRate: Number(stream.sample_rate) || 0,
      channels: stream.channels ?? 0,
      codec: stream.codec_name ?? 'unknown',
      duration: samples.length / ANALYSIS_SAMPLE_RATE,
    },
  };
}
