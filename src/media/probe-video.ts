/** Facts about a rendered video (streams, size, duration, frame count) from the bundled ffprobe. */
import { StillmotionError } from '../errors';
import { runFf } from './ffmpeg';

export interface VideoFacts {
  duration: number;
  width: number;
  height: number;
  fps: number;
  frames: number | null;
  videoCodec: string;
  audioCodec: string | null;
  audioDuration: number | null;
}

interface ProbeJson {
  streams?: {
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    r_frame_rate?: string;
    nb_frames?: string;
    nb_read_frames?: string;
    duration?: string;
  }[];
  format?: { duration?: string };
}

export async function probeVideo(file: string, opts: { countFrames?: boolean } = {}): Promise<VideoFacts> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'];
  if (opts.countFrames) args.push('-count_frames');
  const r = await runFf('ffprobe', [...args, file]);
  if (r.code !== 0) throw new StillmotionError(`${file}: cannot read video: ${r.stderr.trim().split('\n')[0]}`);
  const info = JSON.parse(r.stdout.toString('utf8')) as ProbeJson;
  const v = info.streams?.find((s) => s.codec_type === 'video');
  if (!v) throw new StillmotionError(`${file}: no video stream`);
  const a = info.streams?.find((s) => s.codec_type === 'audio');
  const [num, den] = (v.r_frame_rate ?? '0/1').split('/').map(Number);
  const frames = Number(v.nb_read_frames ?? v.nb_frames);
  return {
    duration: Number(info.format?.duration ?? v.duration ?? 0),
    width: v.width ?? 0,
    height: v.height ?? 0,
    fps: den ? num! / den : 0,
    frames: Number.isFinite(frames) ? frames : null,
    videoCodec: v.codec_name ?? 'unknown',
    audioCodec: a?.codec_name ?? null,
    audioDuration: a?.duration ? Number(a.duration) : null,
  };
}
