/**
 * Segments drawn in Node: every frame is the scene's frame description (src/frame/describe-frame.ts)
 * drawn by draw-frame.ts and encoded straight to H.264: no browser, no screenshot, no JPEG round
 * trip. A scene is drawn here when Node draws every item of its descriptions (still, Ken Burns, CSS
 * parallax, provider clips, spotlight); so is any transition (crossfade, slide, wipe) between two
 * such scenes, each side drawn as src/frame/transition.ts's sideLook says. Everything else (WebGL
 * parallax, component-only scenes) is rendered by Remotion in Chromium, from the same descriptions.
 */
import type { X264Preset } from '@remotion/renderer';
import { describeFrame, hasFrameDescription } from '../../frame/describe-frame';
import { sideLook, transitionProgress, type PixelGrid, type TransitionSide } from '../../frame/transition';
import type { ResolvedTransition, TimelineScene } from '../../timeline/types';
import { codeVersion } from '../../cache/sources-hash';
import { activeProjectConfig } from '../../config/load-config';
import { DrawScratch, FrameDrawer, nodeCanDraw, type DrawContext, type DrawScratchPool } from './draw-frame';
import { encodeFrames } from './encode-frames';
import { coversFrame, drawSide, pixelLook, showsSide, type PixelLook } from './transition-blend';
import type { YuvImage } from './yuv-image';

export { DirectImages, DrawScratchPool } from './draw-frame';

let rendererVersion: Promise<string> | null = null;

/**
 * The direct renderer's version for segment cache keys: a hash of every project source this module
 * imports (the drawer, the scene descriptions, the frame math) and the versions of the packages they
 * use, so any change that can move a pixel re-renders.
 */
export function directRendererVersion(): Promise<string> {
  rendererVersion ??= codeVersion('direct-renderer', ['src/render/direct/direct-scenes.ts']).then((h) => `direct:${h}`);
  // A project's own scenes draw here too: their code (the config and its imports) counts.
  const scenes = activeProjectConfig()?.version;
  return scenes ? rendererVersion.then((v) => `${v}+scenes:${scenes}`) : rendererVersion;
}

/** Whether a scene is drawn in Node at this output size: every frame's description is (4:2:0 frames need even sizes). */
export function canDrawDirect(scene: TimelineScene, outWidth: number, outHeight: number, fps: number): boolean {
  // A scene type drawn by a React component has no description: Chromium draws it.
  if (outWidth % 2 || outHeight % 2 || !hasFrameDescription(scene)) return false;
  for (let f = 0; f < scene.durationInFrames; f++) if (!nodeCanDraw(describeFrame(scene, f, fps))) return false;
  return true;
}

/** A transition (every kind: its sides are moved, clipped or faded) between two scenes that are both drawn in Node is drawn in Node too. */
export function canTransitionDirect(transition: ResolvedTransition | null, from: TimelineScene, to: TimelineScene, outWidth: number, outHeight: number, fps: number): boolean {
  return transition !== null && canDrawDirect(from, outWidth, outHeight, fps) && canDrawDirect(to, outWidth, outHeight, fps);
}

export interface DirectSegmentOptions extends DrawContext {
  /**
   * The scene, and the scene-local frame of the segment's first frame; for a transition, the
   * exiting scene first and the entering one second (the entering scene's local frame k is frame k
   * of the transition; each side drawn as sideLook says, the entering one on top).
   */
  scenes: { scene: TimelineScene; localFrom: number }[];
  /** The transition (for a transition segment). */
  transition?: ResolvedTransition;
  frames: number;
  fps: number;
  x264Preset: X264Preset;
  crf: number;
  outputLocation: string;
  signal?: AbortSignal;
  onFrame?: (done: number) => void;
  /** Draws what is shown over segment frame i (captions: src/render/overlays/segment-overlays.ts), after the scenes. */
  overlays?: (i: number, frame: YuvImage) => void;
  /** The render's drawing memory, reused across its segments (default: the segment's own). */
  scratch?: DrawScratchPool;
}

function fillBlack(f: YuvImage): void {
  f.y.data.fill(16);
  f.u.data.fill(128);
  f.v.data.fill(128);
}

export async function renderDirectSegment(o: DirectSegmentOptions): Promise<void> {
  const outW = Math.round(o.width * o.scale);
  const outH = Math.round(o.height * o.scale);
  const scratch = o.scratch?.take(outW, outH) ?? new DrawScratch(outW, outH);
  const drawer = new FrameDrawer(o, scratch);
  // Every frame's description first, so clips are decoded once at the size the segment needs.
  drawer.plan(o.scenes.flatMap(({ scene, localFrom }) => Array.from({ length: o.frames }, (_, i) => describeFrame(scene, localFrom + i, o.fps))));
  const drawScene = (k: number, i: number, frame: YuvImage): Promise<void> => {
    const { scene, localFrom } = o.scenes[k]!;
    return drawer.draw(describeFrame(scene, localFrom + i, o.fps), frame);
  };
  let draw: (i: number, frame: YuvImage) => Promise<void>;
  if (o.scenes.length === 1) {
    draw = (i, frame) => drawScene(0, i, frame);
  } else {
    const t = o.transition;
    if (!t) throw new Error('a direct segment of two scenes needs their transition');
    const into = o.scenes[1]!;
    const grid: PixelGrid = { width: o.width, height: o.height, scale: o.scale };
    const side = scratch.side;
    const sides: TransitionSide[] = ['exiting', 'entering'];
    draw = async (i, frame) => {
      const progress = transitionProgress(t, into.localFrom + i);
      const [exiting, entering] = sides.map((s) => pixelLook(sideLook(t, s, progress, grid), grid, outW, outH)) as [PixelLook, PixelLook];
      // Both sides over the video's black background, the entering one on top. An exiting side that
      // covers the frame unmoved and opaque (crossfades) is drawn straight into it.
      if (coversFrame(exiting, outW, outH) && exiting.opacity >= 1) {
        await drawScene(0, i, frame);
      } else {
        fillBlack(frame);
        if (showsSide(exiting)) {
          await drawScene(0, i, side);
          drawSide(frame, side, exiting);
        }
      }
      if (showsSide(entering)) {
        await drawScene(1, i, side);
        drawSide(frame, side, entering);
      }
    };
  }
  try {
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
      buffer: (bytes) => scratch.encoderFrame(bytes),
      draw: o.overlays
        ? async (i, frame) => {
            await draw(i, frame);
            o.overlays?.(i, frame);
          }
        : draw,
    });
  } finally {
    drawer.close();
    o.scratch?.give(scratch);
  }
}
