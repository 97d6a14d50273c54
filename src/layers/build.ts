/**
 * 2.5D layers from a depth map: N layers split at natural depth gaps, feathered alpha, each layer's area hidden
 * by nearer layers filled (push-pull edge extension) so no hole shows when layers move, an opaque background,
 * and an overscan margin (mirror-extended) around every layer so camera moves never expose an edge.
 * Depth, the split and the mattes are worked out at a working size; the layer images themselves can be
 * built larger, at the size the largest output draws the image (`width`): colours decoded from the source
 * at that size, mattes upsampled edge-aware against it, so parallax is as sharp as Ken Burns.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { contentHash } from '../cache/content-hash';
import { StillmotionError } from '../errors';
import { writeFileAtomic } from '../fs/atomic-write';
import { cacheDirFor, readCached } from '../depth/cache';
import { fileExists } from '../fs/file-exists';
import { createEstimator, depthForImage, type DepthOptions, type DepthResult } from '../depth/depth-map';
import { DEFAULT_MAX_INPUT_PIXELS, loadImage, luminance, planeToPng, type LoadedImage, type RgbImage } from '../depth/image-io';
import { dilateMask, gaussBlur, rankFilter } from '../depth/ops';
import { MAX_PRESCALED_SIDE } from '../render/prescale-images';
import { contactSheet } from './contact-sheet';
import { pushPullFill } from './inpaint';
import { guidedUpsample, type Guides } from './upsample';
import { chooseThresholds } from './split';
import { moveDirInto } from '../fs/move-dir';

const LAYERS_VERSION = 'layers-v2';

/** Long side of the working image (depth, split, mattes) when the layers are built at an output width. */
const WORKING_SIDE = 1024;

/** Longest side a layer image may have: the renderers draw layers as they draw pre-scaled images. */
const MAX_LAYER_SIDE = MAX_PRESCALED_SIDE;

export interface LayerInfo {
  /** 0 = farthest (draw first). */
  index: number;
  name: string;
  /** PNG file name, relative to the manifest's `dir`. */
  file: string;
  /** Nearness range [lo, hi) of the pixels this layer owns (0 = far, 1 = near). */
  depthRange: [number, number];
  meanDepth: number;
  /** Share of image pixels this layer owns. */
  coverage: number;
  /** Suggested parallax speed relative to the nearest layer (background smallest, foreground 1). */
  parallax: number;
  /** True for the background: alpha is 255 everywhere. */
  opaque: boolean;
}

export interface LayersManifest {
  version: 1;
  /** Absolute directory holding the files below. */
  dir: string;
  source: { path: string; width: number; height: number; hash: string };
  /** Size of the image area inside each layer PNG (px): the working size, or the size asked for (`width`). */
  width: number;
  height: number;
  /** Margin added on every side of each layer PNG, as a share of max(width, height), and in px. */
  overscan: number;
  overscanPx: number;
  /** Size of each layer PNG: width + 2 * overscanPx by height + 2 * overscanPx. */
  layerWidth: number;
  layerHeight: number;
  /**
   * Largest safe camera shift for a layer with parallax 1, as a share of the image width / height:
   * a layer moved by shift * parallax never shows its edge.
   */
  maxShift: { x: number; y: number };
  /** Back to front. */
  layers: LayerInfo[];
  thresholds: number[];
  splitMethod: 'otsu' | 'quantile';
  depth: string;
  contactSheet: string;
  estimator: string;
  flat: boolean;
  notes: string[];
  warnings: string[];
  cached: boolean;
}

export interface LayersOptions extends DepthOptions {
  /** Number of layers (2..6), default 3. */
  count?: number;
  /** Copy the layers, depth.png, contact-sheet.png and layers.json here (else they stay in the cache). */
  outDir?: string;
  /** Margin on every side as a share of the long side (default 0.06). */
  overscan?: number;
  /**
   * Width (px) of the image area of each layer image; the height follows the image's aspect. Default: the
   * working size (the decoded image, long side at most `maxSide`). The renderer asks for the width its
   * largest output draws the image at, as it pre-scales images for Ken Burns.
   */
  width?: number;
}

function layerNames(n: number): string[] {
  if (n === 1) return ['background'];
  if (n === 2) return ['background', 'foreground'];
  if (n === 3) return ['background', 'midground', 'foreground'];
  return Array.from({ length: n }, (_, i) => (i === 0 ? 'background' : i === n - 1 ? 'foreground' : `midground-${i}`));
}

export interface BuiltLayer {
  info: Omit<LayerInfo, 'file'>;
  /** RGBA at width x height (no margin). */
  rgba: Uint8Array;
}

/**
 * Pure layer construction (no I/O): image RGB + nearness (same size) -> RGBA layers, back to front. The split
 * and the mattes are computed at the image's size; with `output` (the same picture at another size), the
 * layers are built at the output's size: its own colours, the mattes upsampled along its edges.
 */
export function buildLayers(
  img: RgbImage,
  depth: Float32Array,
  count: number,
  opts: { flat?: boolean; overscan?: number; output?: RgbImage } = {},
): { layers: BuiltLayer[]; thresholds: number[]; method: 'otsu' | 'quantile' } {
  const { width: w, height: h } = img;
  const n = w * h;
  const long = Math.max(w, h);
  const K = Math.max(1, Math.min(6, Math.round(count)));
  // Slightly dilate near depth so mixed edge pixels go with the nearer object (hides halos).
  const dd = rankFilter(depth, w, h, Math.max(1, Math.round(long / 500)), 'max');
  const { thresholds, method } = chooseThresholds(dd, K);
  const cls = classify(dd, thresholds);
  const feather = Math.max(0.7, long / 700);
  // Hidden areas are filled this far from a layer's own pixels (beyond that, a farther layer shows through).
  const extend = Math.max(2, Math.round(long * Math.max(0.04, (opts.overscan ?? 0.06) * 1.25)));
  const names = layerNames(K);
  const cnt = new Float64Array(K);
  const sum = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const c = cls[i]!;
    cnt[c]! += 1;
    sum[c]! += depth[i]!;
  }
  const means = Array.from({ length: K }, (_, k) => (cnt[k]! ? sum[k]! / cnt[k]! : (k + 0.5) / K));
  const m0 = means[0]!;
  const m1 = means[K - 1]!;
  const paint = opts.output && (opts.output.width !== w || opts.output.height !== h) ? outputPainter(img, opts.output) : workingPainter(img);
  const layers: BuiltLayer[] = [];
  const own = new Uint8Array(n);
  const region = new Float32Array(n);
  for (let k = 0; k < K; k++) {
    maskEquals(cls, k, own);
    let alpha: Float32Array | undefined;
    if (k > 0) {
      const near = dilateCoarse(own, w, h, extend);
      regionMask(cls, k, near, region);
      alpha = gaussBlur(region, w, h, feather, 2);
      finishAlpha(alpha, region, cls, k);
    }
    const rgba = paint(own, alpha);
    const rel = K > 1 && m1 > m0 ? (means[k]! - m0) / (m1 - m0) : k / Math.max(1, K - 1);
    const speed = (0.15 + 0.85 * rel) * (opts.flat ? 0.5 : 1);
    layers.push({
      info: {
        index: k,
        name: names[k]!,
        depthRange: [k === 0 ? 0 : round3(thresholds[k - 1]!), k === K - 1 ? 1 : round3(thresholds[k]!)],
        meanDepth: round3(means[k]!),
        coverage: round3(cnt[k]! / n),
        parallax: round3(speed),
        opaque: k === 0,
      },
      rgba,
    });
  }
  return { layers, thresholds: thresholds.map(round3), method };
}

/**
 * Colours one layer from its own pixels (1 = own) and its matte (undefined = opaque): own pixels keep the
 * image's colour, the rest of the matte gets a push-pull continuation of them. RGBA at the painter's size.
 */
type Painter = (own: Uint8Array, alpha: Float32Array | undefined) => Uint8Array;

/** Layers at the working size. */
function workingPainter(img: RgbImage): Painter {
  const { width: w, height: h } = img;
  const rgbF = new Float32Array(img.rgb);
  return (own, alpha) => {
    const need = alpha && aboveMask(alpha, ALPHA_FLOOR);
    return packRgba(pushPullFill(rgbF, 3, own, w, h, need), alpha, w * h);
  };
}

/**
 * Layers at the output's size: own pixels and mattes upsampled with the output's luminance as guide (joint
 * upsampling), so a layer's edge follows the picture's edge at full resolution instead of the working grid.
 */
function outputPainter(img: RgbImage, out: RgbImage): Painter {
  const { width: w, height: h } = img;
  const { width: W, height: H } = out;
  const guides: Guides = { low: luminance(img), high: luminance(out), w, h, W, H };
  const rgbF = new Float32Array(out.rgb);
  const ownF = new Float32Array(w * h);
  return (own, alpha) => {
    for (let i = 0; i < ownF.length; i++) ownF[i] = own[i]!;
    const known = aboveMask(guidedUpsample(ownF, guides), 0.5);
    const matte = alpha && guidedUpsample(alpha, guides);
    const need = matte && aboveMask(matte, ALPHA_FLOOR);
    return packRgba(pushPullFill(rgbF, 3, known, W, H, need), matte, W * H);
  };
}

/** Matte values at or below this are transparent: no colour needed there. */
const ALPHA_FLOOR = 0.002;

function aboveMask(plane: Float32Array, floor: number): Uint8Array {
  const m = new Uint8Array(plane.length);
  for (let i = 0; i < plane.length; i++) m[i] = plane[i]! > floor ? 1 : 0;
  return m;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

// Small single-purpose loops (kept out of buildLayers so each gets optimised on its own).

/** Class per pixel through a lookup table on the depth (0 = farthest). */
function classify(dd: Float32Array, thresholds: number[]): Uint8Array {
  const LUT = 4096;
  const lut = new Uint8Array(LUT + 1);
  for (let q = 0; q <= LUT; q++) {
    const v = q / LUT;
    let k = 0;
    while (k < thresholds.length && v >= thresholds[k]! - 1e-9) k++;
    lut[q] = k;
  }
  const cls = new Uint8Array(dd.length);
  for (let i = 0; i < dd.length; i++) {
    const v = dd[i]!;
    cls[i] = lut[((v <= 0 ? 0 : v >= 1 ? 1 : v) * LUT + 0.5) | 0]!;
  }
  return cls;
}

/** Dilation by a large radius computed on a 2x/4x max-pooled mask (the radius only needs to be roughly right). */
function dilateCoarse(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const f = r >= 48 ? 4 : r >= 12 ? 2 : 1;
  if (f === 1) return dilateMask(mask, w, h, r);
  const cw = Math.ceil(w / f);
  const ch = Math.ceil(h / f);
  const small = new Uint8Array(cw * ch);
  for (let y = 0; y < h; y++) {
    const row = ((y / f) | 0) * cw;
    for (let x = 0; x < w; x++) if (mask[y * w + x]) small[row + ((x / f) | 0)] = 1;
  }
  const d = dilateMask(small, cw, ch, Math.ceil(r / f));
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = ((y / f) | 0) * cw;
    for (let x = 0; x < w; x++) out[y * w + x] = d[row + ((x / f) | 0)]!;
  }
  return out;
}

function maskEquals(cls: Uint8Array, k: number, out: Uint8Array): void {
  for (let i = 0; i < cls.length; i++) out[i] = cls[i] === k ? 1 : 0;
}

/** This layer's own pixels plus the nearer-layer pixels within reach of them (filled behind the nearer layers). */
function regionMask(cls: Uint8Array, k: number, near: Uint8Array, out: Float32Array): void {
  for (let i = 0; i < cls.length; i++) {
    const c = cls[i]!;
    out[i] = c === k || (c > k && near[i] === 1) ? 1 : 0;
  }
}

/** Hidden-and-filled pixels stay fully opaque. */
function finishAlpha(alpha: Float32Array, region: Float32Array, cls: Uint8Array, k: number): void {
  for (let i = 0; i < alpha.length; i++) if (region[i] === 1 && cls[i]! > k) alpha[i] = 1;
}

/** Interleaved RGB floats + alpha (undefined = opaque) -> RGBA bytes. */
function packRgba(rgb: Float32Array, alpha: Float32Array | undefined, n: number): Uint8Array {
  const rgba = new Uint8Array(n * 4);
  for (let i = 0, j = 0, q = 0; i < n; i++, j += 4, q += 3) {
    // Filled colours are weighted means of 0..255 inputs, so +0.5 then truncation rounds without wrapping.
    rgba[j] = rgb[q]! + 0.5;
    rgba[j + 1] = rgb[q + 1]! + 0.5;
    rgba[j + 2] = rgb[q + 2]! + 0.5;
    if (alpha === undefined) rgba[j + 3] = 255;
    else {
      const a = alpha[i]!;
      rgba[j + 3] = (a > 1 ? 1 : a < 0 ? 0 : a) * 255 + 0.5;
    }
  }
  return rgba;
}

/** RGBA (w x h) + margin m (mirror-extended colours and alpha) -> PNG. */
async function layerPng(rgba: Uint8Array, w: number, h: number, m: number): Promise<Buffer> {
  let img = sharp(rgba, { raw: { width: w, height: h, channels: 4 } });
  if (m > 0) {
    // Mirror needs the source to be at least as large as the margin: repeat (copy) edges otherwise.
    const extendWith = m < w && m < h ? 'mirror' : 'copy';
    img = sharp(await img.extend({ top: m, bottom: m, left: m, right: m, extendWith }).raw().toBuffer(), {
      raw: { width: w + 2 * m, height: h + 2 * m, channels: 4 },
    });
  }
  // Low zlib effort: these are intermediate, cached files; encoding speed matters more than size.
  return img.png({ compressionLevel: 2 }).toBuffer();
}

/**
 * Depth + layers for an image file. Files live in the layers cache (`<cacheDir>/layers/<key>/`) and are copied
 * to `outDir` when given. Returns the manifest (also written as layers.json).
 */
export async function prepareLayers(imagePath: string, opts: LayersOptions = {}): Promise<LayersManifest> {
  const label = opts.label ?? imagePath;
  const count = opts.count ?? 3;
  if (!Number.isInteger(count) || count < 2 || count > 6) throw new StillmotionError(`layer count must be a whole number from 2 to 6 (got ${count})`);
  const overscan = opts.overscan ?? 0.06;
  if (!(overscan >= 0 && overscan <= 0.5)) throw new StillmotionError(`overscan must be between 0 and 0.5 (got ${overscan})`);
  if (opts.width !== undefined && !(Number.isInteger(opts.width) && opts.width >= 1 && opts.width <= MAX_LAYER_SIDE)) {
    throw new StillmotionError(`layer width must be a whole number from 1 to ${MAX_LAYER_SIDE} (got ${opts.width})`);
  }
  const estimator = createEstimator(opts.estimator ?? 'heuristic', opts);
  // With an output width, depth, split and mattes need only a working size: the layers get the detail.
  const maxSide = opts.maxSide ?? (opts.width === undefined ? undefined : WORKING_SIDE);
  const image = await loadImage(imagePath, { maxSide, maxInputPixels: opts.maxInputPixels, label, quiet: opts.width !== undefined });
  const size = layerSize(image, opts.width);
  const key = contentHash(LAYERS_VERSION, image.bytes, estimator.id, await estimator.tag(), image.width, image.height, size.width, size.height, count, overscan);
  const cacheDir = path.join(cacheDirFor('layers', opts), key);

  const fromCache = async (): Promise<LayersManifest | undefined> => {
    const m = await readEntry(cacheDir, opts);
    return m && { ...m, source: { ...m.source, path: path.resolve(imagePath) }, cached: true, warnings: image.warnings };
  };
  let manifest = await fromCache();
  if (!manifest) {
    const depth = await depthForImage(image, estimator, { ...opts, maxSide, label });
    const useCache = opts.cache !== false;
    // Build in a private temp dir, then move into place: no half-written cache entry or output. The
    // temp dir is in this run's scratch folder (the CLI points os.tmpdir() there), swept if the process dies.
    const tmp = path.join(os.tmpdir(), `stillmotion-layers-${key.slice(0, 12)}-${process.pid}-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(tmp, { recursive: true });
    let built: LayersManifest;
    try {
      built = await writeLayerFiles(tmp, imagePath, image, depth, count, overscan, size, opts.maxInputPixels);
    } catch (err) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw err;
    }
    built.dir = path.resolve(tmp);
    if (useCache) {
      await fs.mkdir(path.dirname(cacheDir), { recursive: true });
      if (await moveDirInto(tmp, cacheDir)) built.dir = path.resolve(cacheDir);
      else {
        // Something is in the way: a valid entry another process just finished (use it), or a damaged one.
        const other = await fromCache();
        if (other) {
          await fs.rm(tmp, { recursive: true, force: true });
          built = other;
        } else {
          await fs.rm(cacheDir, { recursive: true, force: true });
          if (await moveDirInto(tmp, cacheDir)) built.dir = path.resolve(cacheDir);
        }
      }
    }
    manifest = built;
  }
  if (opts.outDir) {
    const out = path.resolve(opts.outDir);
    const files = [...manifest.layers.map((l) => l.file), manifest.depth, manifest.contactSheet];
    for (const f of files) await writeFileAtomic(path.join(out, f), await fs.readFile(path.join(manifest.dir, f)));
    manifest = { ...manifest, dir: out };
    await writeFileAtomic(path.join(out, 'layers.json'), `${JSON.stringify(manifestForDisk(manifest), null, 2)}\n`);
  }
  return manifest;
}

/** A complete cache entry (manifest parses, every file it names exists), or undefined. */
async function readEntry(dir: string, opts: LayersOptions): Promise<LayersManifest | undefined> {
  const json = await readCached(path.join(dir, 'layers.json'), opts);
  if (!json) return undefined;
  try {
    const m = JSON.parse(json.toString('utf8')) as LayersManifest;
    const files = [...m.layers.map((l) => l.file), m.depth, m.contactSheet];
    const ok = (await Promise.all(files.map((f) => fileExists(path.join(dir, f))))).every(Boolean);
    return ok ? { ...m, dir: path.resolve(dir) } : undefined;
  } catch {
    return undefined;
  }
}

function manifestForDisk(m: LayersManifest): Omit<LayersManifest, 'dir' | 'cached' | 'warnings'> & { dir: string } {
  const { cached: _c, warnings: _w, ...rest } = m;
  return { ...rest, dir: '.' };
}

/** The layer images' size: the working size, or `width` wide with the source's aspect. */
function layerSize(image: LoadedImage, width: number | undefined): { width: number; height: number } {
  if (width === undefined) return { width: image.width, height: image.height };
  const aspect = image.sourceWidth / image.sourceHeight;
  const w = Math.min(width, Math.floor(MAX_LAYER_SIDE * aspect));
  return { width: Math.max(1, w), height: Math.max(1, Math.min(MAX_LAYER_SIDE, Math.round(w / aspect))) };
}

/**
 * The source decoded straight to `width` x `height` (Lanczos, as images are pre-scaled for Ken Burns), upright,
 * transparent areas flattened onto white as for the working image.
 */
async function decodeAtSize(image: LoadedImage, width: number, height: number, label: string, maxInputPixels: number | undefined): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(image.bytes, { failOn: 'error', limitInputPixels: maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS })
      .rotate()
      .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`${info.channels} channels`);
    return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (err) {
    throw new StillmotionError(`${label}: cannot decode image at ${width}x${height}: ${(err as Error).message}`);
  }
}

async function writeLayerFiles(
  dir: string,
  imagePath: string,
  image: LoadedImage,
  depth: DepthResult,
  count: number,
  overscan: number,
  size: { width: number; height: number },
  maxInputPixels: number | undefined,
): Promise<LayersManifest> {
  const { width: w, height: h } = size;
  const output = w === image.width && h === image.height ? image : await decodeAtSize(image, w, h, imagePath, maxInputPixels);
  const built = buildLayers(image, depth.data, count, { flat: depth.flat, overscan, output });
  const m = Math.round(overscan * Math.max(w, h));
  const pngs = await Promise.all(built.layers.map((l) => layerPng(l.rgba, w, h, m)));
  const layers: LayerInfo[] = built.layers.map((l) => ({ ...l.info, file: `layer-${l.info.index}-${l.info.name}.png` }));
  await Promise.all(layers.map((l, i) => fs.writeFile(path.join(dir, l.file), pngs[i]!)));
  await fs.writeFile(path.join(dir, 'depth.png'), await planeToPng(depth.data, depth.width, depth.height));
  await fs.writeFile(
    path.join(dir, 'contact-sheet.png'),
    await contactSheet(output, depth, built.layers.map((l) => ({ rgba: l.rgba, label: `${l.info.index} ${l.info.name}  x${l.info.parallax.toFixed(2)}` }))),
  );
  const manifest: LayersManifest = {
    version: 1,
    dir,
    source: { path: path.resolve(imagePath), width: image.width, height: image.height, hash: contentHash(image.bytes).slice(0, 16) },
    width: w,
    height: h,
    overscan,
    overscanPx: m,
    layerWidth: w + 2 * m,
    layerHeight: h + 2 * m,
    maxShift: { x: round3(m / w), y: round3(m / h) },
    layers,
    thresholds: built.thresholds,
    splitMethod: built.method,
    depth: 'depth.png',
    contactSheet: 'contact-sheet.png',
    estimator: depth.estimator,
    flat: depth.flat,
    notes: depth.notes,
    warnings: depth.warnings,
    cached: false,
  };
  await fs.writeFile(path.join(dir, 'layers.json'), `${JSON.stringify(manifestForDisk(manifest), null, 2)}\n`);
  return manifest;
}
