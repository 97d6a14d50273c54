/**
 * Scenes whose frames are a known function of images and crops (tier 0 still, tier 1 Ken Burns,
 * tier 2 parallax in its CSS mode: layers composited back to front) are drawn in Node, with the
 * same camera, parallax and placement math as their components, and encoded straight to H.264:
 * no browser, no screenshot, no JPEG round trip. Everything else (WebGL parallax, clips,
 * transitions, custom scenes) is rendered by Remotion in Chromium.
 */
import type { X264Preset } from '@remotion/renderer';
import { cropAtFrame } from '../../timeline/camera';
import { layerRect, layerTransformAt } from '../../timeline/parallax';
import { FULL_RECT, placement } from '../../timeline/placement';
import type { TimelineScene } from '../../timeline/types';
import { encodeFrames } from './encode-frames';
import { Resampler } from './resample';
import { drawLayer, LayerScratch, loadLayerImage, type LayerImage } from './layer-image';
import { drawYuv, loadYuvImage, type YuvImage } from './yuv-image';

/** Bump when the direct renderer's output changes (part of segment cache keys). */
export const DIRECT_RENDERER_VERSION = 'direct-v1';

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

export interface DirectSegmentOptions {
  scene: TimelineScene;
  /** The local file behind an asset URL of the scene. */
  fileFor: (url: string) => string;
  images: DirectImages;
  /** Scene-local frames [localFrom, localFrom + frames). */
  localFrom: number;
  frames: number;
  /** The composition's size; frames are drawn at this times `scale`. */
  width: number;
  height: number;
  scale: number;
  fps: number;
  x264Preset: X264Preset;
  crf: number;
  outputLocation: string;
  signal?: AbortSignal;
  onFrame?: (done: number) => void;
}

export async function renderDirectSegment(o: DirectSegmentOptions): Promise<void> {
  const resampler = new Resampler();
  const { scene } = o;
  const outW = Math.round(o.width * o.scale);
  const outH = Math.round(o.height * o.scale);
  const draw = cssLayers(scene) ? await layersDrawer(o, resampler, outW, outH) : await imageDrawer(o, resampler);
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

type Draw = (i: number, frame: YuvImage) => void;

/** Still and Ken Burns (and parallax without layers): the image under the camera. */
async function imageDrawer(o: DirectSegmentOptions, resampler: Resampler): Promise<Draw> {
  const { scene } = o;
  const img = await o.images.get(o.fileFor(scene.image.src));
  // The component sizes the <Img> to the media's width/height; the decoded file may differ by rounding.
  const fitX = scene.image.width / img.width;
  const fitY = scene.image.height / img.height;
  return (i, frame) => {
    const crop = cropAtFrame(scene.camera, scene.kind === 'still' ? 0 : o.localFrom + i);
    const p = placement(crop, FULL_RECT, scene.image.width, scene.image.height, o.width, o.height);
    // The browser lays out at the composition's size and draws at `scale` device pixels per CSS pixel.
    drawYuv(resampler, img, { tx: p.tx * o.scale, ty: p.ty * o.scale, sx: p.sx * fitX * o.scale, sy: p.sy * fitY * o.scale }, frame);
  };
}

/** Parallax, CSS mode: each depth layer at its own rectangle under the camera, back to front, over black. */
async function layersDrawer(o: DirectSegmentOptions, resampler: Resampler, outW: number, outH: number): Promise<Draw> {
  const { scene } = o;
  const set = scene.layers!;
  const path = scene.parallax!;
  const layers = await Promise.all(set.layers.map((l) => o.images.layer(o.fileFor(l.src))));
  const pw = set.width + 2 * set.overscanPx;
  const ph = set.height + 2 * set.overscanPx;
  const scratch = new LayerScratch(outW, outH);
  return (i, frame) => {
    const f = o.localFrom + i;
    frame.y.data.fill(16);
    frame.u.data.fill(128);
    frame.v.data.fill(128);
    const crop = cropAtFrame(scene.camera, f);
    layers.forEach((layer, k) => {
      const rect = layerRect(set, layerTransformAt(path, k, f), scene.focus);
      const p = placement(crop, rect, pw, ph, o.width, o.height);
      const s = o.scale;
      drawLayer(resampler, layer, { tx: p.tx * s, ty: p.ty * s, sx: ((p.sx * pw) / layer.width) * s, sy: ((p.sy * ph) / layer.height) * s }, frame, scratch);
    });
  };
}
