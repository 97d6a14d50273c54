/** One ffprobe call (Remotion's bundled binary) returning the parsed streams and format, or why it failed. */
import { runFf } from './ffmpeg';

export interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
  r_frame_rate?: string;
  nb_frames?: string;
  nb_read_frames?: string;
  nb_read_packets?: string;
  duration?: string;
  color_space?: string;
  color_primaries?: string;
  color_transfer?: string;
  color_range?: string;
}

export interface ProbeInfo {
  streams?: ProbeStream[];
  format?: { duration?: string; format_name?: string };
}

/** The first non-empty line of ffmpeg/ffprobe's stderr: the message worth showing a user. */
export function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
}

export type ProbeResult = { ok: true; info: ProbeInfo } | { ok: false; reason: string };

/** countPackets: count what is really in the file without decoding it (a truncated file has fewer). */
export async function ffprobe(file: string, opts: { countFrames?: boolean; countPackets?: boolean; signal?: AbortSignal } = {}): Promise<ProbeResult> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'];
  if (opts.countFrames) args.push('-count_frames');
  if (opts.countPackets) args.push('-count_packets');
  const r = await runFf('ffprobe', [...args, file], { signal: opts.signal });
  if (r.code !== 0) {
    return { ok: false, reason: firstLine(r.stderr) || `ffprobe exited with ${r.code}` };
  }
  try {
    return { ok: true, info: JSON.parse(r.stdout.toString('utf8')) as ProbeInfo };
  } catch {
    return { ok: false, reason: 'ffprobe gave no readable answer' };
  }
}
