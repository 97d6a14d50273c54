/**
 * Segments drawn in Node: every frame is the scene's frame description (src/frame/describe-frame.ts)
 * drawn by draw-frame.ts and encoded straight to H.264: no browser, no screenshot, no JPEG round
 * trip. A scene is drawn here when Node draws every item of its descriptions (still, Ken Burns, CSS
 * parallax, spotlight); so is a crossfade between two such scenes. Everything else (WebGL parallax,
 * clips, slides, wipes) is rendered by Remotion in Chromium, from the same descriptions.
 */
import type { X264Preset } from '@remotion/renderer';
import { describeFrame } from '../../frame/describe-frame';
import { crossfadeOpacity, transitionProgress } from '../../frame/transition';
import type { ResolvedTransition, TimelineScene } from '../../timeline/types';
import { codeVersion } from '../../cache/sources-hash';
import { blendOver, FrameDrawer, nodeCanDraw, type DrawContext } from './draw-frame';
import { encodeFrames } from './encode-frames';
import { i420Frame, type YuvImage } from './yuv-image';

export { DirectImages } from './draw-frame';

let rendererVersion: Promise<string> | null = null;

/**
 * The direct renderer's version for segment cache keys: a hash of every project source this module
 * imports (the drawer, the scene descriptions, the frame math) and the versions of the packages they
 * use, so any change that can move a pixel re-renders.
 */
export function directRendererVersion(): Promise<string> {
  rendererVersion ??= codeVersion('direct-renderer', ['src/render/direct/direct-scenes.ts']).then((h) => `direct:${h}`);
  return rendererVersion;
}

/** Whether a scene is drawn in Node at this output size: every frame's description is (4:2:0 frames need even sizes). */
export function canDrawDirect(scene: TimelineScene, outWidth: number, outHeight: number, fps: number): boolean {
  if (outWidth % 2 || outHeight % 2) return false;
  for (let f = 0; f < scene.durationInFrames; f++) if (!nodeCanDraw(describeFrame(scene, f, fps))) return false;
  return true;
}

/** A crossfade between two scenes that are both drawn in Node is drawn in Node too. */
export function canCrossfadeDirect(transition: ResolvedTransition | null, from: TimelineScene, to: TimelineScene, outWidth: number, outHeight: number, fps: number): boolean {
  return transition?.type === 'crossfade' && canDrawDirect(from, outWidth, outHeight, fps) && canDrawDirect(to, outWidth, outHeight, fps);
}

export interface DirectSegmentOptions extends DrawContext {
  /**
   * The scene, and the scene-local frame of the segment's first frame; for a crossfade, the
   * exiting scene first and the entering one second (the entering scene's local frame k is frame k
   * of the transition, drawn over the exiting one as crossfadeOpacity says).
   */
  scenes: { scene: TimelineScene; localFrom: number }[];
  /** The crossfade (for a transition segment). */
  transition?: ResolvedTransition;
  frames: number;
  fps: number;
  x264Preset: X264Preset;
  crf: number;
  outputLocation: string;
  signal?: AbortSignal;
  onFrame?: (done: number) => void;
}

function blackFrame(width: number, height: number): YuvImage {
  const f = i420Frame(new Uint8Array(width * height * 1.5), width, height);
  f.y.data.fill(16);
  f.u.data.fill(128);
  f.v.data.fill(128);
  return f;
}

export async function renderDirectSegment(o: DirectSegmentOptions): Promise<void> {
  const outW = Math.round(o.width * o.scale);
  const outH = Math.round(o.height * o.scale);
  const drawer = new FrameDrawer(o);
  const drawScene = (k: number, i: number, frame: YuvImage): Promise<void> => {
    const { scene, localFrom } = o.scenes[k]!;
    return drawer.draw(describeFrame(scene, localFrom + i, o.fps), frame);
  };
  let draw: (i: number, frame: YuvImage) => Promise<void>;
  if (o.scenes.length === 1) {
    draw = (i, frame) => drawScene(0, i, frame);
  } else {
    const t = o.transition;
    if (t?.type !== 'crossfade') throw new Error(`the direct renderer draws crossfades only (got ${t?.type ?? 'no transition'})`);
    const into = o.scenes[1]!;
    const entering = i420Frame(new Uint8Array(outW * outH * 1.5), outW, outH);
    let black: YuvImage | null = null;
    draw = async (i, frame) => {
      const progress = transitionProgress(t, into.localFrom + i);
      await drawScene(0, i, frame);
      // Both sides over the video's black background, the entering one on top.
      const exiting = crossfadeOpacity('exiting', progress);
      if (exiting < 1) {
        black ??= blackFrame(outW, outH);
        blendOver(frame, black, 1 - exiting);
      }
      await drawScene(1, i, entering);
      blendOver(frame, entering, crossfadeOpacity('entering', progress));
    };
  }
  await encodeFrames({
    width: outW,
    height: outH,
    fps: o.fps,
    frames: o.frames,
    x264Preset: o.x264Preset,
    crf: o.crf,
    outputLocation: o.outputLocation,
    signal: o.signal,
    onFrame: o.onFrame,
    draw,
  });
}
