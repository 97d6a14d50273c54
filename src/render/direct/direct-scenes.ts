/**
 * Scenes whose frames are a known function of images and crops (tier 0 still, tier 1 Ken Burns,
 * tier 2 parallax in its CSS mode: layers composited back to front) are drawn in Node, with the
 * same camera, parallax and placement math as their components, and encoded straight to H.264:
 * no browser, no screenshot, no JPEG round trip; so are crossfades between such scenes. Everything
 * else (WebGL parallax, clips, slides, wipes, custom scenes) is rendered by Remotion in Chromium.
 */
import type { X264Preset } from '@remotion/renderer';
import { cropAtFrame } from '../../timeline/camera';
import { sourcesHash } from '../../cache/sources-hash';
import { layerRect, layerTransformAt } from '../../timeline/parallax';
import { FULL_RECT, placement } from '../../timeline/placement';
import type { ResolvedTransition, TimelineScene } from '../../timeline/types';
import { encodeFrames } from './encode-frames';
import { Resampler } from './resample';
import { drawLayer, LayerScratch, loadLayerImage, type LayerImage } from './layer-image';
import { drawYuv, i420Frame, loadYuvImage, type YuvImage } from './yuv-image';

/** What the frames drawn in Node depend on: this renderer's code and the frame math it shares. */
const DIRECT_RENDERER_INPUTS = ['src/render/direct', 'src/timeline', 'src/plan'];

let rendererVersion: Promise<string> | null = null;

/** The direct renderer's version for segment cache keys: a hash of its sources, so any change to them re-renders. */
export function directRendererVersion(): Promise<string> {
  rendererVersion ??= sourcesHash('direct-renderer', DIRECT_RENDERER_INPUTS).then((h) => `direct:${h}`);
  return rendererVersion;
}

/** Parallax drawn as CSS layers (not the WebGL mode, not a fallback to the plain image). */
function cssLayers(scene: TimelineScene): boolean {
  return scene.kind === 'parallax' && !!scene.layers && !!scene.parallax && !(scene.parallax.mode === 'webgl' && scene.layers.depth);
}

/** Whether a scene is drawn in Node at this output size (4:2:0 frames need even sizes). */
export function canDrawDirect(scene: TimelineScene, outWidth: number, outHeight: number): boolean {
  if (outWidth % 2 || outHeight % 2) return false;
  if (scene.kind === 'still' || scene.kind === 'kenburns') return true;
  return scene.kind === 'parallax' && (cssLayers(scene) || !scene.layers || !scene.parallax);
}

/** Decoded images, kept for the segments of one render (each is decoded once). */
export class DirectImages {
  private readonly images = new Map<string, Promise<YuvImage>>();
  private readonly layers = new Map<string, Promise<LayerImage>>();
  get(file: string): Promise<YuvImage> {
    let p = this.images.get(file);
    if (!p) {
      p = loadYuvImage(file);
      this.images.set(file, p);
    }
    return p;
  }
  layer(file: string): Promise<LayerImage> {
    let p = this.layers.get(file);
    if (!p) {
      p = loadLayerImage(file);
      this.layers.set(file, p);
    }
    return p;
  }
}

/** A crossfade between two scenes that are both drawn in Node is drawn in Node too. */
export function canCrossfadeDirect(transition: ResolvedTransition | null, from: TimelineScene, to: TimelineScene, outWidth: number, outHeight: number): boolean {
  return transition?.type === 'crossfade' && canDrawDirect(from, outWidth, outHeight) && canDrawDirect(to, outWidth, outHeight);
}

/** What a drawer needs to find and size a scene's images. */
interface DrawContext {
  /** The local file behind an asset URL of the scene. */
  fileFor: (url: string) => string;
  images: DirectImages;
  /** The composition's size; frames are drawn at this times `scale`. */
  width: number;
  height: number;
  scale: number;
}

export interface DirectSegmentOptions extends DrawContext {
  /**
   * The scene, and the scene-local frame of the segment's first frame; for a crossfade, the
   * exiting scene first and the entering one second (the entering scene's local frame k of the
   * `transitionFrames` is drawn over the exiting one at opacity k / transitionFrames, as
   * @remotion/transitions' fade() with linear timing does).
   */
  scenes: { scene: TimelineScene; localFrom: number }[];
  transitionFrames?: number;
  frames: number;
  fps: number;
  x264Preset: X264Preset;
  crf: number;
  outputLocation: string;
  signal?: AbortSignal;
  onFrame?: (done: number) => void;
}

/** Draws a scene's frame (scene-local) over the whole of `frame`. */
type Draw = (localFrame: number, frame: YuvImage) => void;

export async function renderDirectSegment(o: DirectSegmentOptions): Promise<void> {
  const outW = Math.round(o.width * o.scale);
  const outH = Math.round(o.height * o.scale);
  const drawers = await Promise.all(o.scenes.map(({ scene }) => sceneDrawer(scene, o, outW, outH)));
  let draw: (i: number, frame: YuvImage) => void;
  if (o.scenes.length === 1) {
    const localFrom = o.scenes[0]!.localFrom;
    draw = (i, frame) => drawers[0]!(localFrom + i, frame);
  } else {
    const out = o.scenes[0]!;
    const into = o.scenes[1]!;
    const d = o.transitionFrames ?? o.frames;
    const entering = i420Frame(new Uint8Array(outW * outH * 1.5), outW, outH);
    draw = (i, frame) => {
      drawers[0]!(out.localFrom + i, frame);
      drawers[1]!(into.localFrom + i, entering);
      blendOver(frame, entering, Math.min(1, Math.max(0, (into.localFrom + i) / d)));
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

/** frame = frame * (1 - opacity) + top * opacity, on all three planes (the blend commutes with RGB -> Y'CbCr). */
function blendOver(frame: YuvImage, top: YuvImage, opacity: number): void {
  const w = Math.round(opacity * 256);
  if (w <= 0) return;
  for (const k of ['y', 'u', 'v'] as const) {
    const a = frame[k].data;
    const b = top[k].data;
    for (let i = 0; i < a.length; i++) a[i] = (a[i]! * (256 - w) + b[i]! * w + 128) >> 8;
  }
}

function sceneDrawer(scene: TimelineScene, c: DrawContext, outW: number, outH: number): Promise<Draw> {
  return cssLayers(scene) ? layersDrawer(scene, c, outW, outH) : imageDrawer(scene, c);
}

/** Still and Ken Burns (and parallax without layers): the image under the camera. */
async function imageDrawer(scene: TimelineScene, c: DrawContext): Promise<Draw> {
  const resampler = new Resampler();
  const img = await c.images.get(c.fileFor(scene.image.src));
  // The component sizes the <Img> to the media's width/height; the decoded file may differ by rounding.
  const fitX = scene.image.width / img.width;
  const fitY = scene.image.height / img.height;
  return (f, frame) => {
    const crop = cropAtFrame(scene.camera, scene.kind === 'still' ? 0 : f);
    const p = placement(crop, FULL_RECT, scene.image.width, scene.image.height, c.width, c.height);
    // The browser lays out at the composition's size and draws at `scale` device pixels per CSS pixel.
    drawYuv(resampler, img, { tx: p.tx * c.scale, ty: p.ty * c.scale, sx: p.sx * fitX * c.scale, sy: p.sy * fitY * c.scale }, frame);
  };
}

/** Parallax, CSS mode: each depth layer at its own rectangle under the camera, back to front, over black. */
async function layersDrawer(scene: TimelineScene, c: DrawContext, outW: number, outH: number): Promise<Draw> {
  const resampler = new Resampler();
  const set = scene.layers!;
  const path = scene.parallax!;
  const layers = await Promise.all(set.layers.map((l) => c.images.layer(c.fileFor(l.src))));
  const pw = set.width + 2 * set.overscanPx;
  const ph = set.height + 2 * set.overscanPx;
  const scratch = new LayerScratch(outW, outH);
  const s = c.scale;
  return (f, frame) => {
    frame.y.data.fill(16);
    frame.u.data.fill(128);
    frame.v.data.fill(128);
    const crop = cropAtFrame(scene.camera, f);
    layers.forEach((layer, k) => {
      const rect = layerRect(set, layerTransformAt(path, k, f), scene.focus);
      const p = placement(crop, rect, pw, ph, c.width, c.height);
      drawLayer(resampler, layer, { tx: p.tx * s, ty: p.ty * s, sx: ((p.sx * pw) / layer.width) * s, sy: ((p.sy * ph) / layer.height) * s }, frame, scratch);
    });
  };
}
