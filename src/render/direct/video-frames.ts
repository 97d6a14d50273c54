/**
 * Provider clips (tier 3) for the direct renderer: each clip is decoded once per segment by
 * Remotion's ffmpeg into 4:2:0 frames, streamed (a segment asks for non-decreasing frames: the
 * speed ramp, then the hold on the last one), so memory holds one frame a clip, never the clip.
 *
 * The frames are the ones Chromium shows: `<OffthreadVideo>` at composition frame f asks Remotion's
 * compositor for time f / fps, and the compositor returns the last decoded frame whose timestamp
 * is at or before that time in the stream's time base (truncated), the last frame for any time
 * beyond it. Measured on Remotion 4.0.527's compositor (ExtractFrame, 24 fps clip, times asked in
 * order and shuffled): 0.9 of a frame interval past a frame still shows that frame, 0.001 before
 * the next shows the earlier one. Its colours are the compositor's too: it converts a frame to RGB with swscale,
 * BT.709 for clips tagged BT.709 or untagged at 720 lines or more, BT.601 otherwise
 * (scalable_frame.rs); here ffmpeg's scale filter does the same conversion, then RGB to the
 * BT.601 limited-range Y'CbCr every direct frame is made of (as images get it, yuv-image.ts).
 */
import { spawn } from 'node:child_process';
import { StillmotionError } from '../../errors';
import { ffBinaryPath, ffEnv, runFf } from '../../media/ffmpeg';
import { firstLine } from '../../media/ffprobe';
import { i420Frame, type YuvImage } from './yuv-image';

/** What decoding a clip as Chromium shows it needs. */
export interface ClipSource {
  file: string;
  width: number;
  height: number;
  /** The video stream's time base, [numerator, denominator] seconds. */
  timeBase: [number, number];
  /** Presentation timestamps of the frames the decoder outputs, ascending, in time-base units. */
  pts: number[];
  /** The file's start time in seconds (what ffmpeg's `-ss` counts from). */
  startTime: number;
  /** The Y'CbCr -> RGB conversion the compositor applies to this clip. */
  matrix: 'bt709' | 'bt601';
  range: 'tv' | 'pc';
}

interface ProbeJson {
  streams?: {
    width?: number;
    height?: number;
    time_base?: string;
    pix_fmt?: string;
    color_space?: string;
    color_range?: string;
    color_transfer?: string;
    color_primaries?: string;
    sample_aspect_ratio?: string;
    side_data_list?: { rotation?: number }[];
  }[];
  packets?: { pts?: number; flags?: string }[];
  format?: { start_time?: string };
}

/** Reads what the compositor decides from: size, time base, colour tags and every frame's timestamp (packets, no decoding). */
export async function probeClip(file: string, signal?: AbortSignal): Promise<ClipSource> {
  const r = await runFf(
    'ffprobe',
    ['-v', 'error', '-fflags', '+genpts', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,time_base,pix_fmt,color_space,color_range,color_transfer,color_primaries,sample_aspect_ratio:stream_side_data=rotation:packet=pts,flags:format=start_time', '-of', 'json', file],
    { signal },
  );
  if (r.code !== 0) throw new StillmotionError(`${file}: cannot read the clip: ${firstLine(r.stderr) || `ffprobe exited with ${r.code}`}`);
  const info = JSON.parse(r.stdout.toString('utf8')) as ProbeJson;
  const s = info.streams?.[0];
  if (!s?.width || !s.height || !s.time_base) throw new StillmotionError(`${file}: no video stream in the clip`);
  const [num, den] = s.time_base.split('/').map(Number) as [number, number];
  // Packets the demuxer marks discardable (before an edit list's start) are never shown.
  const pts = (info.packets ?? []).filter((p) => typeof p.pts === 'number' && !p.flags?.includes('D')).map((p) => p.pts!);
  pts.sort((a, b) => a - b);
  if (!pts.length) throw new StillmotionError(`${file}: the clip has no frames`);
  // The compositor also rotates and tone-maps; provider clips need neither, and drawing them
  // differently from Chromium would be worse than refusing.
  const rotation = s.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ?? 0;
  if (rotation % 360 !== 0) throw new StillmotionError(`${file}: rotated clips (${rotation} degrees) are not supported by the direct renderer`);
  if (s.sample_aspect_ratio && !['1:1', '0:1', 'N/A'].includes(s.sample_aspect_ratio)) {
    throw new StillmotionError(`${file}: clips with non-square pixels (sample aspect ${s.sample_aspect_ratio}) are not supported by the direct renderer`);
  }
  if (s.color_primaries === 'bt2020' || s.color_transfer === 'smpte2084' || s.color_transfer === 'arib-std-b67') {
    throw new StillmotionError(`${file}: HDR clips (${s.color_primaries}/${s.color_transfer}) are not supported by the direct renderer`);
  }
  const untagged = !s.color_space || s.color_space === 'unknown';
  const is709 = s.color_space === 'bt709' || (untagged && s.height >= 720);
  // swscale takes the range from the pixel format unless told (yuvj* is full range).
  const fullRangeFormat = s.pix_fmt?.startsWith('yuvj') ?? false;
  const bt709Limited = is709 && s.color_range !== 'pc' && !fullRangeFormat;
  return {
    file,
    width: s.width,
    height: s.height,
    timeBase: [num, den],
    pts,
    startTime: Number(info.format?.start_time) || 0,
    matrix: bt709Limited ? 'bt709' : 'bt601',
    range: bt709Limited ? 'tv' : fullRangeFormat ? 'pc' : 'tv',
  };
}

/**
 * Index (into `pts`) of the frame the compositor shows at `time` seconds: the requested position
 * is time in time-base units, truncated as the compositor computes it (ffmpeg.rs calc_position);
 * the last frame at or before it is shown (the first frame before the first timestamp).
 */
export function compositorFrameIndex(pts: readonly number[], timeBase: readonly [number, number], time: number): number {
  const position = Math.trunc((time * timeBase[1]) / timeBase[0]);
  // First index whose timestamp is past the position, minus one.
  let lo = 0;
  let hi = pts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pts[mid]! > position) hi = mid;
    else lo = mid + 1;
  }
  return Math.max(0, lo - 1);
}

const evenUp = (v: number): number => Math.max(2, Math.ceil(v / 2) * 2);

/** The size to decode a clip at so that it is drawn at `scale` (device px per clip px) or less: never larger than the clip. */
export function decodeSize(src: Pick<ClipSource, 'width' | 'height'>, scaleX: number, scaleY: number): { width: number; height: number } {
  return {
    width: Math.min(evenUp(src.width), evenUp(src.width * Math.min(1, scaleX))),
    height: Math.min(evenUp(src.height), evenUp(src.height * Math.min(1, scaleY))),
  };
}

/** The compositor's conversion to RGB (swscale, bilinear, at the clip's size), as an ffmpeg filter. */
export function compositorRgbFilter(src: Pick<ClipSource, 'matrix' | 'range'>): string {
  return `scale=flags=bilinear:in_color_matrix=${src.matrix}:in_range=${src.range}:out_range=pc`;
}

/** The ffmpeg filter: the compositor's RGB conversion, then scaled to the decode size as BT.601 limited-range 4:2:0. */
export function decodeFilter(src: Pick<ClipSource, 'matrix' | 'range'>, width: number, height: number): string {
  return [
    compositorRgbFilter(src),
    'format=rgb24',
    `scale=${width}:${height}:flags=bilinear:out_color_matrix=bt601:out_range=tv`,
    'format=yuv420p',
  ].join(',');
}

/**
 * Where to start decoding so that frame `first` is the first one out: `-ss` (before `-i`) seeks to
 * the keyframe before it and ffmpeg drops the frames decoded before this time (accurate seek,
 * counted from the file's start time); halfway between the frame and the one before it, so
 * rounding cannot keep the earlier one or drop this one.
 */
export function seekSeconds(src: Pick<ClipSource, 'pts' | 'timeBase' | 'startTime'>, first: number): number {
  const [num, den] = src.timeBase;
  return ((src.pts[first - 1]! + src.pts[first]!) / 2) * (num / den) - src.startTime;
}

/**
 * One clip decoded at a fixed size from frame `first` on (a segment late in a long clip does not
 * decode it from the start); frames are asked for in non-decreasing order.
 */
export class ClipFrameStream {
  private readonly child;
  private readonly chunks: AsyncIterator<Buffer>;
  private leftover: Buffer | null = null;
  private readonly frameBytes: number;
  private readonly buf: Buffer;
  private stderr = '';
  /** Index of the frame in `buf` (first - 1: none yet). */
  private index: number;
  private readonly first: number;
  private ended = false;
  readonly frame: YuvImage;

  constructor(
    readonly source: ClipSource,
    readonly width: number,
    readonly height: number,
    first = 0,
  ) {
    const exe = ffBinaryPath('ffmpeg');
    const start = first > 0 && first < source.pts.length ? first : 0;
    const seek = start > 0 ? ['-ss', seekSeconds(source, start).toFixed(6)] : [];
    // The frame before the first one out: the stream reads on from there.
    this.index = start - 1;
    this.first = start;
    this.child = spawn(
      exe,
      ['-v', 'error', '-nostdin', '-noautorotate', ...seek, '-i', source.file, '-map', '0:v:0', '-an', '-sn', '-vf', decodeFilter(source, width, height), '-fps_mode', 'passthrough', '-c:v', 'rawvideo', '-f', 'image2pipe', 'pipe:1'],
      { env: ffEnv(exe), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.on('error', (e) => (this.stderr += String(e)));
    this.chunks = this.child.stdout[Symbol.asyncIterator]();
    this.frameBytes = width * height * 1.5;
    this.buf = Buffer.alloc(this.frameBytes);
    this.frame = i420Frame(this.buf, width, height);
  }

  /** Index of the frame `frame` holds (-1 before the first read). */
  get current(): number {
    return this.index;
  }

  /** Reads up to frame `index` (the last frame if the clip ends before it); `frame` then holds it. */
  async seek(index: number): Promise<YuvImage> {
    if (index < this.index) throw new Error(`clip frames are read in order (asked for ${index} after ${this.index})`);
    while (this.index < index && !this.ended) {
      if (await this.readFrame()) this.index++;
      else this.ended = true;
    }
    if (this.index < this.first) {
      const code = await this.exitCode();
      throw new StillmotionError(`${this.source.file}: ffmpeg decoded no frames (exit ${code}): ${this.stderr.trim().split('\n').slice(-3).join(' ')}`);
    }
    return this.frame;
  }

  /** Fills `buf` with the next frame; false at the end of the stream (a partial frame is an error). */
  private async readFrame(): Promise<boolean> {
    let filled = 0;
    while (filled < this.frameBytes) {
      let chunk = this.leftover;
      this.leftover = null;
      if (!chunk) {
        const next = await this.chunks.next();
        if (next.done) break;
        chunk = next.value;
      }
      const take = Math.min(chunk.length, this.frameBytes - filled);
      chunk.copy(this.buf, filled, 0, take);
      filled += take;
      if (take < chunk.length) this.leftover = chunk.subarray(take);
    }
    if (filled === 0) return false;
    if (filled < this.frameBytes) throw new StillmotionError(`${this.source.file}: ffmpeg ended mid-frame while decoding the clip: ${this.stderr.trim().split('\n').slice(-3).join(' ')}`);
    return true;
  }

  private exitCode(): Promise<number> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => this.child.once('close', (code) => resolve(code ?? -1)));
  }

  close(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * The clip frames one drawer needs: one stream a clip, decoded at the size the largest scale it
 * is drawn at needs (`need`, called for every frame before drawing), opened on first use.
 */
export class VideoFrames {
  private readonly scales = new Map<string, { x: number; y: number }>();
  private readonly streams = new Map<string, ClipFrameStream>();

  constructor(private readonly sources: (file: string) => Promise<ClipSource>) {}

  /** Records that `file` is drawn at this scale (device px per clip px) somewhere in the frames to come. */
  need(file: string, scaleX: number, scaleY: number): void {
    const s = this.scales.get(file) ?? { x: 0, y: 0 };
    this.scales.set(file, { x: Math.max(s.x, scaleX), y: Math.max(s.y, scaleY) });
  }

  /** The frame of `file` Chromium shows at `time` seconds of the clip. */
  async at(file: string, time: number): Promise<YuvImage> {
    const source = await this.sources(file);
    const index = compositorFrameIndex(source.pts, source.timeBase, time);
    let stream = this.streams.get(file);
    if (stream && index < stream.current) {
      // Backwards (a clip drawn out of order): start again rather than keep the clip in memory.
      stream.close();
      stream = undefined;
    }
    if (!stream) {
      // Unplanned clips are decoded at full size.
      const s = this.scales.get(file) ?? { x: 1, y: 1 };
      const size = decodeSize(source, s.x, s.y);
      stream = new ClipFrameStream(source, size.width, size.height, index);
      this.streams.set(file, stream);
    }
    return stream.seek(index);
  }

  close(): void {
    for (const s of this.streams.values()) s.close();
    this.streams.clear();
  }
}
