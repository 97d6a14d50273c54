/** Audio facts (duration, stream) with Remotion's bundled ffprobe, plus a decode pass to catch corrupt files. */
import { StillmotionError } from '../errors';
import { runFf } from './ffmpeg';
import { ffprobe, firstLine } from './ffprobe';

export interface AudioFacts {
  duration: number;
  sampleRate: number;
  channels: number;
  codec: string;
}

export async function probeAudio(file: string, label = file): Promise<AudioFacts> {
  const probe = await ffprobe(file);
  if (!probe.ok) throw new StillmotionError(`${label}: cannot read audio: ${probe.reason}`);
  const info = probe.info;
  const stream = info.streams?.find((s) => s.codec_type === 'audio');
  if (!stream) throw new StillmotionError(`${label}: no audio stream in the file`);
  // Decode it all: headers can be fine while the data is not.
  const decode = await runFf('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-map', '0:a:0', '-f', 'null', '-']);
  if (decode.code !== 0 || /invalid|error/i.test(decode.stderr)) {
    throw new StillmotionError(`${label}: audio is corrupt: ${firstLine(decode.stderr) || `ffmpeg exited with ${decode.code}`}`);
  }
  const duration = Number(stream.duration ?? info.format?.duration);
  if (!Number.isFinite(duration) || duration <= 0) throw new StillmotionError(`${label}: audio is empty (zero length)`);
  return {
    duration,
    sampleRate: Number(stream.sample_rate) || 0,
    channels: stream.channels ?? 0,
    codec: stream.codec_name ?? 'unknown',
  };
}
