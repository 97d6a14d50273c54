/**
 * `estimateDepth(image)`: a nearness map (0..1, 1 = near; written as grey PNG, near = bright) at the image's
 * size (long side capped at maxSide), from one of four estimators behind one interface, cached by image
 * content hash + estimator.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { contentHash, type HashPart } from '../cache/content-hash';
import { StillmotionError } from '../errors';
import { writeFileAtomic } from '../fs/atomic-write';
import { DEPTH_ESTIMATORS } from '../plan/schema';
import { cacheDirFor, readCached, type CacheOptions } from './cache';
import { flatPreset, heuristicDepth, refineToSize } from './heuristic';
import { hostedDepth, hostedTag, type HostedDepthOptions } from './hosted';
import { loadImage, luminance, planeToPng, pngToPlane, resizeRgb, type LoadedImage, type RgbImage } from './image-io';
import { onnxDepth, resolveModelPath, type OnnxDepthOptions } from './onnx';
import { FASTDEPTH_ASPECT, resolveTflitePath, tfliteDepth, type TfliteDepthOptions } from './tflite';

export type EstimatorId = (typeof DEPTH_ESTIMATORS)[number];

/** Bump when the heuristic or the post-processing changes, so old cache entries are not reused. */
const DEPTH_VERSION = 'depth-v1';
const HEURISTIC_SIDE = 256;

export interface RawDepth {
  data: Float32Array;
  width: number;
  height: number;
  flat: boolean;
  notes: string[];
}

/** One depth estimator. `tag` goes into the cache key; `estimate` may return any resolution (same aspect). */
export interface DepthEstimator {
  readonly id: EstimatorId;
  tag(): Promise<HashPart>;
  estimate(img: RgbImage, label: string): Promise<RawDepth>;
}

export interface DepthOptions extends CacheOptions {
  estimator?: EstimatorId;
  /** Longest side of the depth map (and of the decoded image); default 2048. */
  maxSide?: number;
  maxInputPixels?: number;
  onnx?: OnnxDepthOptions;
  tflite?: TfliteDepthOptions;
  hosted?: HostedDepthOptions;
  /** Spend callback for paid estimators (hosted: ~$0.02 an image). */
  onCost?: (usd: number, label: string) => void;
  /** Name used in messages (default: the path). */
  label?: string;
}

export interface DepthResult {
  /** Nearness 0..1 (1 = nearest), row-major, width x height. */
  data: Float32Array;
  width: number;
  height: number;
  estimator: EstimatorId;
  /** True when the image had no usable depth cues and a gentle preset was used. */
  flat: boolean;
  notes: string[];
  warnings: string[];
  cached: boolean;
  key: string;
  /** The decoded image (RGB at the same size as the depth map). */
  image: LoadedImage;
}

/** Cache-key facts of a user-supplied model file (path, size, mtime), with a clear error when it is missing. */
async function modelFileTag(p: string): Promise<{ model: string; size: number; mtime: number }> {
  let st: { size: number; mtimeMs: number };
  try {
    st = await fs.stat(p);
  } catch {
    throw new StillmotionError(`${p}: depth model file not found (set --model or STILLMOTION_DEPTH_MODEL)`);
  }
  return { model: path.resolve(p), size: st.size, mtime: Math.round(st.mtimeMs) };
}

export function createEstimator(id: EstimatorId, opts: DepthOptions = {}): DepthEstimator {
  switch (id) {
    case 'heuristic':
      return {
        id,
        tag: async () => 'heuristic-2',
        estimate: async (img) => {
          const s = Math.min(1, HEURISTIC_SIDE / Math.max(img.width, img.height));
          const small = await resizeRgb(img, Math.max(1, Math.round(img.width * s)), Math.max(1, Math.round(img.height * s)));
          return heuristicDepth(small);
        },
      };
    case 'onnx':
      return {
        id,
        tag: async () => ({ ...(await modelFileTag(resolveModelPath(opts.onnx))), invert: Boolean(opts.onnx?.invert), input: opts.onnx?.inputSize ?? 518 }),
        estimate: (img) => onnxDepth(img, opts.onnx),
      };
    case 'tflite':
      return {
        id,
        tag: async () => ({ ...(await modelFileTag(resolveTflitePath(opts.tflite))), invert: opts.tflite?.invert ?? true, aspect: opts.tflite?.aspect ?? FASTDEPTH_ASPECT }),
        estimate: (img) => tfliteDepth(img, opts.tflite),
      };
    case 'hosted':
      return {
        id,
        tag: async () => hostedTag(opts.hosted),
        estimate: (img, label) => hostedDepth(img, label, { ...opts.hosted, onCost: opts.hosted?.onCost ?? opts.onCost }),
      };
    default:
      throw new StillmotionError(`unknown depth estimator "${String(id)}" (choose ${DEPTH_ESTIMATORS.join(', ')})`);
  }
}

interface CachedFacts {
  flat: boolean;
  notes: string[];
  width: number;
  height: number;
}

/** Depth for an image file. Throws StillmotionError (naming the file) for unusable input. */
export async function estimateDepth(imagePath: string, opts: DepthOptions = {}): Promise<DepthResult> {
  const label = opts.label ?? imagePath;
  const estimatorId = opts.estimator ?? 'heuristic';
  if (!(DEPTH_ESTIMATORS as readonly string[]).includes(estimatorId)) {
    throw new StillmotionError(`unknown depth estimator "${estimatorId}" (choose ${DEPTH_ESTIMATORS.join(', ')})`);
  }
  const estimator = createEstimator(estimatorId, opts);
  const image = await loadImage(imagePath, { maxSide: opts.maxSide, maxInputPixels: opts.maxInputPixels, label });
  return depthForImage(image, estimator, { ...opts, label });
}

/** Depth for an already decoded image (used by layers, focus and the benchmark). */
export async function depthForImage(image: LoadedImage, estimator: DepthEstimator, opts: DepthOptions & { label: string }): Promise<DepthResult> {
  const { width: W, height: H } = image;
  const key = contentHash(DEPTH_VERSION, image.bytes, estimator.id, await estimator.tag(), W, H);
  const dir = cacheDirFor('depth', opts);
  const pngPath = path.join(dir, `${key}.png`);
  const factsPath = path.join(dir, `${key}.json`);
  const cachedPng = await readCached(pngPath, opts);
  const cachedFacts = cachedPng ? await readCached(factsPath, opts) : undefined;
  if (cachedPng && cachedFacts) {
    try {
      const facts = JSON.parse(cachedFacts.toString('utf8')) as CachedFacts;
      const plane = await pngToPlane(cachedPng);
      if (plane.width === W && plane.height === H) {
        return { data: plane.data, width: W, height: H, estimator: estimator.id, flat: facts.flat, notes: facts.notes, warnings: image.warnings, cached: true, key, image };
      }
    } catch {
      /* damaged cache entry: recompute */
    }
  }
  const raw = await estimator.estimate(image, opts.label);
  let data: Float32Array;
  if (raw.flat) data = flatPreset(W, H);
  else data = refineToSize(raw.data, raw.width, raw.height, luminance(image), W, H);
  const result: DepthResult = { data, width: W, height: H, estimator: estimator.id, flat: raw.flat, notes: raw.notes, warnings: image.warnings, cached: false, key, image };
  if (opts.cache !== false) {
    try {
      await writeFileAtomic(pngPath, await planeToPng(data, W, H));
      const facts: CachedFacts = { flat: raw.flat, notes: raw.notes, width: W, height: H };
      await writeFileAtomic(factsPath, JSON.stringify(facts));
    } catch {
      /* a read-only cache is not an error */
    }
  }
  return result;
}

/** Writes the depth map as an 8-bit grey PNG (near = bright), atomically. */
export async function writeDepthPng(depth: { data: Float32Array; width: number; height: number }, outPath: string): Promise<void> {
  await writeFileAtomic(outPath, await planeToPng(depth.data, depth.width, depth.height));
}
