/** Facts about a rendered video (streams, size, duration, frame count) from the bundled ffprobe. */
import { StillmotionError } from '../errors';
import { ffprobe } from './ffprobe';

export interface VideoFacts {
  duration: number;
  width: number;
  height: number;
  fps: number;
  frames: number | null;
  videoCodec: string;
  audioCodec: string | null;
  audioDuration: number | null;
  /** The colour tags of the video stream, as ffprobe names them ('unknown' where untagged). */
  colour: { matrix: string; primaries: string; transfer: string; range: string };
}

export async function probeVideo(file: string, opts: { countFrames?: boolean } = {}): Promise<VideoFacts> {
  const probe = await ffprobe(file, opts);
  if (!probe.ok) throw new StillmotionError(`${file}: cannot read video: ${probe.reason}`);
  const info = probe.info;
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
    colour: { matrix: v.color_space ?? 'unknown', primaries: v.color_primaries ?? 'unknown', transfer: v.color_transfer ?? 'unknown', range: v.color_range ?? 'unknown' },
  };
}
