/**
 * Draws a frame description (src/frame/frame-description.ts) in Node, into Y'CbCr 4:2:0 planes:
 * the same description the browser draws through remotion/scenes/DescribedFrame.tsx, with the same
 * placement math. What Node can draw is decided by the description's items: images, depth layers,
 * clip frames (decoded as Chromium shows them, video-frames.ts) and vignettes (WebGL displacement
 * is left to Chromium).
 */
import type { FrameDescription, FrameItem, LayerItem, Rgb, VignetteItem } from '../../frame/frame-description';
import { placement, type ImageRect, type Placement } from '../../timeline/placement';
import { drawLayer, drawLayers, LayerScratch, loadLayerImage, type LayerImage, type PlacedLayer } from './layer-image';
import { Resampler } from './resample';
import { probeClip, VideoFrames, type ClipSource } from './video-frames';
import { drawYuv, i420Frame, loadYuvImage, planeRegion, yuvPlanes, type YuvImage } from './yuv-image';

const NODE_ITEMS: ReadonlySet<FrameItem['kind']> = new Set(['image', 'layer', 'video', 'vignette']);

/** Whether Node draws every item of this description. */
export function nodeCanDraw(d: FrameDescription): boolean {
  return d.items.every((item) => NODE_ITEMS.has(item.kind));
}

/**
 * The most decoded images (and, apart, layer pictures) kept at once. Segments are drawn in timeline
 * order and each picture is drawn by a few neighbouring segments (its scene, the transitions beside
 * it), so a few suffice (a crossfade between two 6-layer scenes draws 12); a long story's pictures never all stay in memory.
 */
const KEPT_PICTURES = 16;

/** `map`'s entry for `key`, made by `load` when missing; the least recently used entries beyond `keep` are dropped. */
function recent<T>(map: Map<string, T>, key: string, keep: number, load: (key: string) => T): T {
  let v = map.get(key);
  if (v === undefined) v = load(key);
  map.delete(key);
  map.set(key, v);
  for (const old of map.keys()) {
    if (map.size <= keep) break;
    map.delete(old);
  }
  return v;
}

/** Decoded images, kept for the segments of one render while recently used (each file is decoded once in a while). */
export class DirectImages {
  private readonly images = new Map<string, Promise<YuvImage>>();
  private readonly layers = new Map<string, Promise<LayerImage>>();
  private readonly clips = new Map<string, Promise<ClipSource>>();
  get(file: string): Promise<YuvImage> {
    return recent(this.images, file, KEPT_PICTURES, loadYuvImage);
  }
  layer(file: string): Promise<LayerImage> {
    return recent(this.layers, file, KEPT_PICTURES, loadLayerImage);
  }
  /** Lets go of a file's decoded picture (its last segment is drawn); a later use decodes it again. */
  release(file: string): void {
    this.images.delete(file);
    this.layers.delete(file);
  }
  /** A clip's facts (probed once; its frames are decoded per segment, see VideoFrames). */
  clip(file: string): Promise<ClipSource> {
    let p = this.clips.get(file);
    if (!p) {
      p = probeClip(file);
      this.clips.set(file, p);
    }
    return p;
  }
}

/** What a drawer needs to find and size a description's images. */
export interface DrawContext {
  /** The local file behind an asset URL. */
  fileFor: (url: string) => string;
  images: DirectImages;
  /** The composition's size (CSS px); frames are drawn at this times `scale`. */
  width: number;
  height: number;
  scale: number;
  /** The composition's frame rate (clip frames in descriptions are counted at it). */
  fps: number;
}

/** Y', Cb, Cr of an sRGB colour, by the conversion images get (yuvPlanes). */
export function rgbToYuvSample(c: Rgb): [number, number, number] {
  const p = yuvPlanes(new Uint8Array([...c, ...c, ...c, ...c]), 2, 2, 3, 16);
  return [p.y.data[0]!, p.u.data[0]!, p.v.data[0]!];
}

/**
 * Multiplies the frame by (1 - alpha) of a black radial gradient (the vignette item): luma and
 * chroma move towards black's Y' 16 and Cb/Cr 128. Alpha is evaluated at each sample's centre.
 */
export function drawVignette(v: VignetteItem, frame: YuvImage): void {
  const W = frame.width;
  const H = frame.height;
  const cx = v.center.x * W;
  const cy = v.center.y * H;
  // circle, farthest-corner: the stops are shares of the distance to the farthest corner.
  const R = Math.max(Math.hypot(cx, cy), Math.hypot(W - cx, cy), Math.hypot(cx, H - cy), Math.hypot(W - cx, H - cy));
  const span = v.outer - v.inner;
  const keep = (x: number, y: number): number => {
    const t = Math.hypot(x - cx, y - cy) / R;
    const ramp = t <= v.inner ? 0 : t >= v.outer || span <= 0 ? 1 : (t - v.inner) / span;
    return 1 - v.strength * ramp;
  };
  const shade = (plane: YuvImage['y'], step: number, base: number): void => {
    for (let y = 0; y < plane.height; y++) {
      const row = y * plane.stride;
      for (let x = 0; x < plane.width; x++) {
        const k = keep((x + 0.5) * step, (y + 0.5) * step);
        if (k >= 1) continue;
        const i = row + x;
        plane.data[i] = Math.round(base + (plane.data[i]! - base) * k);
      }
    }
  };
  shade(frame.y, 1, 16);
  shade(frame.u, 2, 128);
  shade(frame.v, 2, 128);
}

/**
 * What Chromium's compositor loses mixing a layer at partial opacity, in Y' steps: it blends 8-bit
 * RGB at alpha round(opacity * 255) / 255 and truncates the result, half an RGB step darker on
 * average than the exact mix: 0.5 * 219/255 of a Y' step (an equal shift of R, G and B leaves Cb
 * and Cr alone). Measured: solid 200 under 255 crossfaded at 0.5 give 99 (black over 200) and 227
 * in Chromium (exact: 99.6 and 227.6); at 1080p on the parity test's photograph the crossfade's
 * mean luma was 0.4-0.8 above Chromium's with exact rounding.
 */
const CHROMIUM_BLEND_LUMA_LOSS = (0.5 * 219) / 255;

/**
 * frame = frame * (1 - opacity) + top * opacity on all three planes, as Chromium mixes an element
 * at that opacity (the blend commutes with RGB -> Y'CbCr; its rounding is Chromium's, see above).
 */
export function blendOver(frame: YuvImage, top: YuvImage, opacity: number): void {
  const alpha = Math.round(Math.min(1, Math.max(0, opacity)) * 255);
  if (alpha <= 0) return;
  for (const k of ['y', 'u', 'v'] as const) {
    const a = frame[k].data;
    const b = top[k].data;
    if (alpha >= 255) {
      a.set(b.subarray(0, a.length));
      continue;
    }
    const wa = (255 - alpha) / 255;
    const wb = alpha / 255;
    // Rounds to nearest after the loss: Math.round(x) === floor(x + 0.5).
    const offset = 0.5 - (k === 'y' ? CHROMIUM_BLEND_LUMA_LOSS : 0);
    for (let i = 0; i < a.length; i++) {
      const v = Math.floor(a[i]! * wa + b[i]! * wb + offset);
      a[i] = v < 0 ? 0 : v;
    }
  }
}

/** The part of the frame drawImage draws an image placed by `p` over (even coordinates; empty when x1 <= x0 or y1 <= y0). */
function imageRegion(img: YuvImage, p: Placement, frame: YuvImage): { x0: number; y0: number; x1: number; y1: number } {
  const x0 = Math.max(0, Math.floor(p.tx / 2) * 2);
  const y0 = Math.max(0, Math.floor(p.ty / 2) * 2);
  const x1 = Math.min(frame.width, Math.ceil((p.tx + img.width * p.sx) / 2) * 2);
  const y1 = Math.min(frame.height, Math.ceil((p.ty + img.height * p.sy) / 2) * 2);
  return { x0, y0, x1, y1 };
}

/** Whether a region of imageRegion's is the whole frame. */
function wholeFrame(r: { x0: number; y0: number; x1: number; y1: number }, frame: YuvImage): boolean {
  return r.x0 === 0 && r.y0 === 0 && r.x1 === frame.width && r.y1 === frame.height;
}

/** Whether drawImage draws every sample of the frame (then nothing below it shows). */
export function coversWhole(img: YuvImage, p: Placement, frame: YuvImage): boolean {
  return wholeFrame(imageRegion(img, p, frame), frame);
}

/**
 * Draws an opaque image placed by `p` (luma pixels) over the part of the frame it covers (on even
 * coordinates, so chroma stays aligned); an image that covers the frame is drawn over all of it.
 */
export function drawImage(r: Resampler, img: YuvImage, p: Placement, frame: YuvImage): void {
  const drawn = imageRegion(img, p, frame);
  const { x0, y0, x1, y1 } = drawn;
  if (x1 <= x0 || y1 <= y0) return;
  if (wholeFrame(drawn, frame)) return drawYuv(r, img, p, frame);
  const w = x1 - x0;
  const h = y1 - y0;
  const region: YuvImage = {
    width: w,
    height: h,
    y: planeRegion(frame.y, x0, y0, w, h),
    u: planeRegion(frame.u, x0 / 2, y0 / 2, w / 2, h / 2),
    v: planeRegion(frame.v, x0 / 2, y0 / 2, w / 2, h / 2),
  };
  drawYuv(r, img, { tx: p.tx - x0, ty: p.ty - y0, sx: p.sx, sy: p.sy }, region);
}

/**
 * The memory frames of one output size are drawn with: the resampler (with its kernel's memory),
 * the layer scratch planes, a copy for items drawn at partial opacity, a transition's side and the
 * frame handed to the encoder; each made when first needed. A render's segments take one from its
 * DrawScratchPool and give it back, so a 1080p segment does not allocate (and the garbage collector
 * then free) some 25 MB of buffers.
 */
export class DrawScratch {
  readonly resampler = new Resampler();
  private layers: LayerScratch | null = null;
  private fadedFrame: YuvImage | null = null;
  private sideFrame: YuvImage | null = null;
  private encoderBuffer: Buffer | null = null;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  get layerScratch(): LayerScratch {
    return (this.layers ??= new LayerScratch(this.width, this.height));
  }

  /** Where an item at partial opacity is drawn before it is mixed in. */
  get faded(): YuvImage {
    return (this.fadedFrame ??= i420Frame(new Uint8Array(this.width * this.height * 1.5), this.width, this.height));
  }

  /** Where one side of a transition is drawn before it is placed. */
  get side(): YuvImage {
    return (this.sideFrame ??= i420Frame(new Uint8Array(this.width * this.height * 1.5), this.width, this.height));
  }

  /** `bytes` bytes for the encoder's frame (contents left from earlier use). */
  encoderFrame(bytes: number): Buffer {
    if (this.encoderBuffer?.length !== bytes) this.encoderBuffer = Buffer.alloc(bytes);
    return this.encoderBuffer;
  }
}

/** Kernel memory a resampler given back may keep (a Ken Burns or parallax segment at 1080p needs 10-50 MB); more is let go. */
const KEEP_KERNEL_BYTES = 96 << 20;

/** DrawScratch for the segments of one render, reused; never more kept idle than were in use at once. */
export class DrawScratchPool {
  private readonly idle: DrawScratch[] = [];

  take(width: number, height: number): DrawScratch {
    const i = this.idle.findIndex((s) => s.width === width && s.height === height);
    return i >= 0 ? this.idle.splice(i, 1)[0]! : new DrawScratch(width, height);
  }

  /** Takes `s` back (its pictures let go: the next segment draws others, as a rule). */
  give(s: DrawScratch): void {
    s.resampler.forgetPictures(KEEP_KERNEL_BYTES);
    this.idle.push(s);
  }
}

/** Draws descriptions at one output size; keeps its scratch planes between frames. */
export class FrameDrawer {
  private readonly videos: VideoFrames;

  /** `scratch`: the memory to draw with (of the output size); by default its own. */
  constructor(
    private readonly c: DrawContext,
    private readonly scratch: DrawScratch = new DrawScratch(Math.round(c.width * c.scale), Math.round(c.height * c.scale)),
  ) {
    const outW = Math.round(c.width * c.scale);
    const outH = Math.round(c.height * c.scale);
    if (scratch.width !== outW || scratch.height !== outH) throw new Error(`draw scratch of ${scratch.width}x${scratch.height} for frames of ${outW}x${outH}`);
    this.videos = new VideoFrames((file) => c.images.clip(file));
  }

  /** Device px per element px of an item placed through `d.crop` (what its picture is resampled by). */
  private placed(d: FrameDescription, item: { rect: ImageRect; width: number; height: number }): Placement {
    const p = placement(d.crop, item.rect, item.width, item.height, this.c.width, this.c.height);
    const s = this.c.scale;
    return { tx: p.tx * s, ty: p.ty * s, sx: p.sx * s, sy: p.sy * s };
  }

  /**
   * Tells the drawer about descriptions it will draw (before drawing them): clips are then decoded
   * once, at the size the largest of their crops needs rather than their full size.
   */
  plan(descriptions: Iterable<FrameDescription>): void {
    for (const d of descriptions) {
      for (const item of d.items) {
        if (item.kind !== 'video') continue;
        const p = this.placed(d, item);
        this.videos.need(this.c.fileFor(item.src), p.sx, p.sy);
      }
    }
  }

  /** Ends the clip decoders this drawer started. */
  close(): void {
    this.videos.close();
  }

  /** Draws `d` over the whole of `frame` (output size). */
  async draw(d: FrameDescription, frame: YuvImage): Promise<void> {
    // The background, unless an opaque image drawn first covers all of it (a Ken Burns frame):
    // then that image is drawn straight over what the frame held.
    let from = 0;
    const first = d.items[0];
    if (first?.kind === 'image' && first.opacity >= 1) {
      const { img, at } = await this.imageAt(first, d);
      if (coversWhole(img, at, frame)) {
        drawImage(this.scratch.resampler, img, at, frame);
        from = 1;
      }
    }
    if (from === 0) {
      const [y, u, v] = rgbToYuvSample(d.background);
      frame.y.data.fill(y);
      frame.u.data.fill(u);
      frame.v.data.fill(v);
    }
    for (let i = from; i < d.items.length; i++) {
      const item = d.items[i]!;
      const opacity = 'opacity' in item ? item.opacity : 1;
      if (opacity <= 0) continue;
      if (opacity < 1) {
        // Drawn over a copy of what is below, then mixed in: the item as a whole at that opacity.
        const faded = this.scratch.faded;
        for (const k of ['y', 'u', 'v'] as const) faded[k].data.set(frame[k].data);
        await this.drawItem(item, d, faded);
        blendOver(frame, faded, opacity);
      } else if (item.kind === 'layer') {
        // Consecutive layers are drawn as one stack: nothing is drawn where a layer above hides it.
        let j = i + 1;
        while (j < d.items.length && d.items[j]!.kind === 'layer' && (d.items[j] as LayerItem).opacity >= 1) j++;
        await this.drawLayerStack(d.items.slice(i, j) as LayerItem[], d, frame);
        i = j - 1;
      } else {
        await this.drawItem(item, d, frame);
      }
    }
  }

  private async drawLayerStack(items: LayerItem[], d: FrameDescription, frame: YuvImage): Promise<void> {
    const stack: PlacedLayer[] = [];
    for (const item of items) {
      const layer = await this.c.images.layer(this.c.fileFor(item.src));
      stack.push({ layer, p: this.sized(d, item, layer) });
    }
    drawLayers(this.scratch.resampler, stack, frame, this.scratch.layerScratch);
  }

  /**
   * Where a picture of an item is drawn: the browser sizes the element to the item's width/height
   * (the decoded picture may differ: rounding, or a clip decoded smaller), lays out at the
   * composition's size and draws at `scale` device px per CSS px.
   */
  private sized(d: FrameDescription, item: FrameItem & { rect: ImageRect; width: number; height: number }, img: { width: number; height: number }): Placement {
    const p = this.placed(d, item);
    return { tx: p.tx, ty: p.ty, sx: (p.sx * item.width) / img.width, sy: (p.sy * item.height) / img.height };
  }

  /** An image item's decoded picture and where it is drawn. */
  private async imageAt(item: Extract<FrameItem, { kind: 'image' }>, d: FrameDescription): Promise<{ img: YuvImage; at: Placement }> {
    const img = await this.c.images.get(this.c.fileFor(item.src));
    return { img, at: this.sized(d, item, img) };
  }

  private async drawItem(item: FrameItem, d: FrameDescription, frame: YuvImage): Promise<void> {
    const { c } = this;
    switch (item.kind) {
      case 'image': {
        const { img, at } = await this.imageAt(item, d);
        drawImage(this.scratch.resampler, img, at, frame);
        return;
      }
      case 'layer':
      case 'video': {
        const file = c.fileFor(item.src);
        const img = item.kind === 'layer' ? await c.images.layer(file) : await this.videos.at(file, item.frame / c.fps);
        const at = this.sized(d, item, img);
        if (item.kind === 'layer') drawLayer(this.scratch.resampler, img as LayerImage, at, frame, this.scratch.layerScratch);
        else drawImage(this.scratch.resampler, img as YuvImage, at, frame);
        return;
      }
      case 'vignette':
        return drawVignette(item, frame);
      case 'depth-displacement':
        throw new Error(`the direct renderer does not draw ${item.kind} items (check nodeCanDraw first)`);
    }
  }
}
