/**
 * Renders one format as segments (see plan-segments.ts), each cached under a hash of everything
 * that affects its pixels, plus the soundtrack rendered in one pass (so the audio is exactly a
 * single-pass render's), then joins them without re-encoding. Unchanged segments are reused:
 * after an edit only the changed sections and the transitions beside them render again.
 * Still, Ken Burns, CSS parallax and provider-clip segments, and transitions (crossfades, slides, wipes) between them, are drawn in Node
 * (direct/); the rest by Remotion in Chromium. Every cached file is checked against the hash
 * recorded when it was written before it is reused (segment-record.ts); a damaged one is
 * rendered again, with a warning naming it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { makeCancelSignal, type CancelSignal, type X264Preset } from '@remotion/renderer';
import { contentHash } from '../../cache/content-hash';
import { sha256File } from '../../cache/clip-key';
import { produceAtomic } from '../../fs/atomic-write';
import type { LoudnessTarget } from '../../audio/loudness-target';
import { describeFrame } from '../../frame/describe-frame';
import type { TimelineScene } from '../../timeline/types';
import { canTransitionDirect, canDrawDirect, directRendererVersion, DirectImages, DrawScratchPool, renderDirectSegment } from '../direct/direct-scenes';
import { normalisedSoundtrack, type SoundtrackLoudness } from '../loudness';
import type { PreparedFormat, RenderSession } from '../render-session';
import { joinSegments } from './join-segments';
import { OverlayPictures } from '../overlays/overlay-pictures';
import { overlayCompositorVersion, segmentOverlayDrawer } from '../overlays/segment-overlays';
import { planSegments, type Segment } from './plan-segments';
import { segmentKey, sceneIdentity } from './segment-key';
import { checkCachedSegment, recordSegment } from './segment-record';

export interface SegmentedRenderOptions {
  outputLocation: string;
  /** Where segments are kept (default: <cacheDir>/segments). */
  segmentDir: string;
  scale: number;
  x264Preset: X264Preset;
  crf: number;
  concurrency: number;
  /** Reuse segments rendered before (default true; false renders every segment again). */
  reuse?: boolean;
  /** Normalise the soundtrack to this loudness (null or absent: leave it as rendered). */
  loudness?: LoudnessTarget | null;
  signal?: AbortSignal;
  cancelSignal?: CancelSignal;
  onProgress?: (p: { renderedFrames: number; totalFrames: number }) => void;
  /** Warnings (prefixed `warning: `) and notes. */
  onLog?: (message: string) => void;
  /** Called once every segment is drawn (or reused), before the soundtrack is waited for and the join. */
  onDrawn?: () => void;
}

export interface SegmentStats {
  segments: number;
  reused: number;
  /** Cached but damaged (or unrecorded), so rendered again; counted in direct/browser too. */
  rerendered: number;
  /** Rendered in Node (every scene whose descriptions Node draws: still, Ken Burns, CSS parallax, clips; their transitions). */
  direct: number;
  /** Rendered by Remotion in Chromium. */
  browser: number;
  /** What loudness normalisation did to the soundtrack (null: not normalised). */
  loudness: SoundtrackLoudness | null;
}

const fileHashes = new Map<string, { size: number; mtimeMs: number; hash: string }>();

/** Content hash of a file, remembered while its size and mtime stay the same. */
async function fileHash(file: string): Promise<string> {
  const st = await fs.stat(file);
  const known = fileHashes.get(file);
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.hash;
  const hash = await sha256File(file);
  fileHashes.set(file, { size: st.size, mtimeMs: st.mtimeMs, hash });
  return hash;
}

export interface SegmentJob {
  seg: Segment;
  /** Where it is kept (its cache key as the name). */
  file: string;
  direct: boolean;
}

/** Plans the segments of a prepared format and names each by its cache key. */
export async function segmentJobs(session: RenderSession, prepared: PreparedFormat, o: Pick<SegmentedRenderOptions, 'segmentDir' | 'scale' | 'x264Preset' | 'crf'>): Promise<{ jobs: SegmentJob[]; audioFile: string }> {
  const t = prepared.timeline;
  const outW = Math.round(t.width * o.scale);
  const outH = Math.round(t.height * o.scale);
  const ids = new Map<string, string>();
  for (const [url, file] of prepared.assetFiles) ids.set(url, `file:${await fileHash(file)}`);
  const assetId = (s: string): string | null => ids.get(s) ?? null;
  const encoder = { x264Preset: o.x264Preset, crf: o.crf, scale: o.scale, pixelFormat: 'yuv420p' };
  const directRenderer = await directRendererVersion();
  const browserRenderer = `browser:${path.basename(session.serveUrl)}:${session.browser.executable ?? 'remotion'}:${session.chromiumOptions.gl}:jpeg90`;
  // Overlays (captions, cards) are drawn by the page in Chromium's segments, and by Node's canvas in direct ones (src/frame/draw-overlay.ts both).
  const overlayRenderer = `${browserRenderer}:overlays:${await overlayCompositorVersion()}`;
  const jobs = planSegments(t).map((seg) => {
    const [a, b] = seg.scenes.map((i) => t.scenes[i]!) as [TimelineScene, TimelineScene | undefined];
    const direct = seg.kind === 'scene' ? canDrawDirect(a, outW, outH, t.fps) : canTransitionDirect(a.transitionOut, a, b!, outW, outH, t.fps);
    const key = segmentKey(seg, t, { renderer: direct ? directRenderer : browserRenderer, encoder, assetId, overlayRenderer });
    return { seg, direct, file: path.join(o.segmentDir, `${key}.mp4`) };
  });
  return { jobs, audioFile: soundtrackFileFor(session, t, o.segmentDir, assetId) };
}

function soundtrackFileFor(session: RenderSession, t: PreparedFormat['timeline'], segmentDir: string, assetId: (s: string) => string | null): string {
  const audioKey = contentHash(
    'soundtrack-v1',
    path.basename(session.serveUrl),
    t.fps,
    t.durationInFrames,
    sceneIdentity({ narration: t.narration, music: t.music } as never, assetId),
  );
  return path.join(segmentDir, `audio-${audioKey}.m4a`);
}

/** Where the soundtrack of a prepared format is cached (formats with the same audio share it). */
export async function soundtrackFile(session: RenderSession, prepared: PreparedFormat, segmentDir: string): Promise<string> {
  const ids = new Map<string, string>();
  for (const [url, file] of prepared.assetFiles) ids.set(url, `file:${await fileHash(file)}`);
  return soundtrackFileFor(session, prepared.timeline, segmentDir, (s) => ids.get(s) ?? null);
}

/**
 * The soundtrack, rendered in one pass (or reused), and normalised to `o.loudness` when given:
 * `file` is what to join with the video, `rendered` the mix as Remotion rendered it.
 */
export async function renderSoundtrack(
  session: RenderSession,
  prepared: PreparedFormat,
  audioFile: string,
  o: Pick<SegmentedRenderOptions, 'loudness' | 'signal' | 'cancelSignal'> & { reusable: (file: string, what: string) => Promise<boolean>; onLog?: (m: string) => void },
): Promise<{ file: string; rendered: string; loudness: SoundtrackLoudness | null }> {
  const t = prepared.timeline;
  const seconds = t.durationInFrames / t.fps;
  if (!(await o.reusable(audioFile, 'soundtrack'))) {
    await produceAtomic(audioFile, async (tmp) => {
      await session.renderAudio(prepared, tmp, o.cancelSignal);
      await recordSegment(audioFile, tmp, { frames: null, fps: t.fps, audioSeconds: seconds });
    });
  }
  o.signal?.throwIfAborted();
  if (!o.loudness) return { file: audioFile, rendered: audioFile, loudness: null };
  const normalised = await normalisedSoundtrack(audioFile, o.loudness, { fps: t.fps, seconds, reusable: o.reusable, signal: o.signal, onLog: o.onLog });
  return { ...normalised, rendered: audioFile };
}

/** Renders one segment to `job.file` (atomically): drawn in Node, or by Remotion in Chromium. */
export async function renderSegment(
  session: RenderSession,
  prepared: PreparedFormat,
  job: SegmentJob,
  o: Omit<SegmentedRenderOptions, 'outputLocation' | 'segmentDir' | 'reuse' | 'onProgress' | 'onLog' | 'onDrawn'> & { images?: DirectImages; scratch?: DrawScratchPool; overlayPictures?: OverlayPictures; onFrames?: (n: number) => void },
): Promise<void> {
  const t = prepared.timeline;
  const { seg } = job;
  // Checked and recorded before the rename: a cached segment always has the record it is verified against.
  const produce = (render: (tmp: string) => Promise<void>): Promise<void> =>
    produceAtomic(job.file, async (tmp) => {
      await render(tmp);
      await recordSegment(job.file, tmp, { frames: seg.to - seg.from, fps: t.fps, audioSeconds: null });
    });
  if (job.direct) {
    const fileFor = (url: string): string => {
      const file = prepared.assetFiles.get(url);
      if (!file) throw new Error(`no local file for ${url}`);
      return file;
    };
    // Captions over the frames: frame i of the segment is video frame seg.from + i.
    const overlays = segmentOverlayDrawer(t, seg.from, seg.to, o.overlayPictures ?? new OverlayPictures(o.scale));
    await produce((tmp) =>
      renderDirectSegment({
        scenes: seg.scenes.map((i) => ({ scene: t.scenes[i]!, localFrom: seg.from - t.scenes[i]!.from })),
        transition: seg.kind === 'transition' ? t.scenes[seg.scenes[0]!]!.transitionOut! : undefined,
        fileFor,
        images: o.images ?? new DirectImages(),
        scratch: o.scratch,
        frames: seg.to - seg.from,
        width: t.width,
        height: t.height,
        scale: o.scale,
        fps: t.fps,
        x264Preset: o.x264Preset,
        crf: o.crf,
        outputLocation: tmp,
        signal: o.signal,
        onFrame: o.onFrames,
        overlays,
      }),
    );
    return;
  }
  await produce((tmp) =>
    session.renderVideo(prepared, {
      outputLocation: tmp,
      scale: o.scale,
      frameRange: [seg.from, seg.to - 1],
      muted: true,
      enforceAudioTrack: false,
      audioCodec: null,
      x264Preset: o.x264Preset,
      crf: o.crf,
      concurrency: o.concurrency,
      cancelSignal: o.cancelSignal,
      overwrite: true,
      onProgress: (p) => o.onFrames?.(p.renderedFrames),
    }),
  );
}

/** The local files of the pictures (images, depth layers) a segment drawn in Node draws. */
function segmentPictures(t: PreparedFormat['timeline'], seg: Segment, assetFiles: Map<string, string>): Set<string> {
  const files = new Set<string>();
  for (const i of seg.scenes) {
    const scene = t.scenes[i]!;
    // A scene draws the same pictures in every frame; its first frame in the segment names them.
    for (const item of describeFrame(scene, Math.max(0, seg.from - scene.from), t.fps).items) {
      const file = (item.kind === 'image' || item.kind === 'layer') && assetFiles.get(item.src);
      if (file) files.add(file);
    }
  }
  return files;
}

/**
 * Segments rendered at once. Two keep both cores busy on a 2-core machine: while one segment waits
 * on its encoder (the frame pipe, x264's flush, the check and hash of the finished file), the other
 * is drawn. More would only hold more decoded pictures.
 */
const SEGMENTS_AT_ONCE = 2;

type Soundtrack = Awaited<ReturnType<typeof renderSoundtrack>>;

/**
 * Soundtracks being rendered, by file and loudness target: a format that shares one with a format
 * still waiting for it (formats are drawn while the one before waits for its soundtrack) waits for
 * the same pass instead of rendering it again.
 */
const soundtracksInFlight = new Map<string, Promise<Soundtrack>>();

export async function renderSegmented(session: RenderSession, prepared: PreparedFormat, o: SegmentedRenderOptions): Promise<SegmentStats> {
  const t = prepared.timeline;
  const { jobs, audioFile } = await segmentJobs(session, prepared, o);
  const stats: SegmentStats = { segments: jobs.length, reused: 0, rerendered: 0, direct: 0, browser: 0, loudness: null };
  const log = o.onLog ?? (() => undefined);
  /** Whether a cached file can be used as it is; says why not when it was there but is not sound. */
  const reusable = async (file: string, what: string): Promise<boolean> => {
    if (o.reuse === false) return false;
    const cached = await checkCachedSegment(file);
    if (cached.state === 'ok') return true;
    if (cached.state === 'damaged') log(`warning: cached ${what} ${file} is damaged (${cached.reason}); rendering it again`);
    if (cached.state === 'unrecorded') log(`cached ${what} ${file} has no content hash on record; rendering it again`);
    if (cached.state !== 'missing') stats.rerendered++;
    return false;
  };
  // One failure stops the rest of this format's work (the other segment, the soundtrack) before it is reported.
  const stop = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
  const { cancelSignal, cancel } = makeCancelSignal();
  o.cancelSignal?.(cancel);
  stop.signal.addEventListener('abort', cancel);
  const settings = { ...o, signal, cancelSignal };
  await fs.mkdir(o.segmentDir, { recursive: true });
  // The soundtrack is rendered by Chromium (its own tabs) while Node draws: neither waits for the other.
  const soundKey = `${audioFile}\n${JSON.stringify(o.loudness ?? null)}\n${o.reuse !== false}`;
  let soundtrack = soundtracksInFlight.get(soundKey);
  if (!soundtrack) {
    const pass = renderSoundtrack(session, prepared, audioFile, { ...settings, reusable, onLog: log });
    soundtrack = pass;
    soundtracksInFlight.set(soundKey, pass);
    pass.then(
      () => soundtracksInFlight.delete(soundKey),
      () => soundtracksInFlight.delete(soundKey),
    );
  }
  const framesDone = jobs.map(() => 0);
  const report = (): void => o.onProgress?.({ renderedFrames: framesDone.reduce((a, b) => a + b, 0), totalFrames: t.durationInFrames });
  // The captions and cards of the segments Node draws, each drawn once and kept while shown.
  const overlayPictures = new OverlayPictures(o.scale);
  /** Draws (or reuses) every segment; its decoded pictures are let go when it returns. */
  const drawAll = async (): Promise<void> => {
    const images = new DirectImages();
    // The drawing memory, reused from segment to segment (one set for each segment drawn at once).
    const scratch = new DrawScratchPool();
    // Each picture is let go once the last segment that draws it is done, not kept to the end of the format.
    const pictures = jobs.map((job) => (job.direct ? segmentPictures(t, job.seg, prepared.assetFiles) : []));
    const uses = new Map<string, number>();
    for (const files of pictures) for (const f of files) uses.set(f, (uses.get(f) ?? 0) + 1);
    const drawnWith = (k: number): void => {
      for (const f of pictures[k]!) {
        const left = uses.get(f)! - 1;
        uses.set(f, left);
        if (left === 0) images.release(f);
      }
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        signal.throwIfAborted();
        const k = next++;
        const job = jobs[k]!;
        if (await reusable(job.file, `segment (frames ${job.seg.from}-${job.seg.to - 1})`)) {
          stats.reused++;
        } else {
          await renderSegment(session, prepared, job, {
            ...settings,
            images,
            scratch,
            overlayPictures,
            onFrames: (n) => {
              framesDone[k] = n;
              report();
            },
          });
          if (job.direct) stats.direct++;
          else stats.browser++;
        }
        drawnWith(k);
        framesDone[k] = job.seg.to - job.seg.from;
        report();
      }
    };
    const workers = Array.from({ length: Math.min(SEGMENTS_AT_ONCE, jobs.length) }, worker);
    // The first failure is the one reported, once everything it stopped has wound down.
    let failure: unknown = null;
    const failed = (err: unknown): void => {
      failure ??= err;
      stop.abort();
    };
    for (const w of workers) w.catch(failed);
    soundtrack.catch(failed);
    await Promise.allSettled(workers);
    if (failure) {
      await Promise.allSettled([soundtrack]);
      throw failure;
    }
  };
  await drawAll();
  // The caller may go on to other work (the next format) while this one waits for its soundtrack.
  o.onDrawn?.();
  const sound = await soundtrack;
  stats.loudness = sound.loudness;
  o.signal?.throwIfAborted();
  await joinSegments(
    jobs.map((j) => j.file),
    sound.file,
    o.outputLocation,
    o.signal,
  );
  return stats;
}
