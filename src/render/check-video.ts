/**
 * Checks a rendered file against what it was meant to hold, before it is kept: every frame
 * really there (packets counted without decoding, so a truncated file or one missing a joined
 * segment falls short) and the audio as long as the pictures.
 */
import { StillmotionError } from '../errors';
import { ffprobe } from '../media/ffprobe';

export interface MediaCounts {
  /** Video packets read (one per frame); null without a video stream. */
  frames: number | null;
  videoSeconds: number | null;
  audioSeconds: number | null;
}

/** How far the audio may end from the last frame: AAC ends on whole 1024-sample packets, plus its priming. */
const AUDIO_END_TOLERANCE_SECONDS = 0.1;

export async function countMedia(file: string, signal?: AbortSignal): Promise<MediaCounts> {
  const probe = await ffprobe(file, { countPackets: true, signal });
  if (!probe.ok) throw new StillmotionError(`${file}: cannot read: ${probe.reason}`);
  const streams = probe.info.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video');
  const a = streams.find((s) => s.codec_type === 'audio');
  const num = (s: string | undefined): number | null => (s === undefined || !Number.isFinite(Number(s)) ? null : Number(s));
  return {
    frames: v ? (num(v.nb_read_packets) ?? 0) : null,
    videoSeconds: v ? num(v.duration) : null,
    audioSeconds: a ? num(a.duration) : null,
  };
}

export interface ExpectedMedia {
  /** Video frames, or null for a file without video (a soundtrack). */
  frames: number | null;
  fps: number;
  /** Seconds of audio expected (null: no audio stream). */
  audioSeconds: number | null;
}

/** What is wrong with the file, or null when it holds what was expected. */
export function mediaMismatch(c: MediaCounts, e: ExpectedMedia): string | null {
  if (e.frames !== null) {
    if (c.frames === null) return 'it has no video stream';
    if (c.frames !== e.frames) return `it has ${c.frames} frames, not ${e.frames}`;
    const seconds = e.frames / e.fps;
    if (c.videoSeconds !== null && Math.abs(c.videoSeconds - seconds) > 0.5 / e.fps) {
      return `its video lasts ${c.videoSeconds.toFixed(3)} s, not ${seconds.toFixed(3)} s`;
    }
  }
  if (e.audioSeconds !== null) {
    if (c.audioSeconds === null) return 'it has no audio stream';
    if (Math.abs(c.audioSeconds - e.audioSeconds) > AUDIO_END_TOLERANCE_SECONDS) {
      return `its audio lasts ${c.audioSeconds.toFixed(3)} s, not ${e.audioSeconds.toFixed(3)} s`;
    }
  }
  return null;
}

/** Throws `<what>: <what is wrong>` unless the file holds what was expected. */
export async function checkMedia(file: string, expected: ExpectedMedia, what: string, signal?: AbortSignal): Promise<MediaCounts> {
  const counts = await countMedia(file, signal);
  const wrong = mediaMismatch(counts, expected);
  if (wrong) throw new StillmotionError(`${what}: ${wrong}`);
  return counts;
}
