/**
 * ONNX depth estimator: runs a user-supplied Depth Anything V2 (Small) or MiDaS ONNX file with onnxruntime-node
 * (an optional dependency, imported only when this estimator is used).
 *
 * Both model families take a normalised NCHW float32 RGB image (ImageNet mean/std) and return relative
 * inverse depth (larger = nearer), shaped [1, H, W] or [1, 1, H, W].
 */
import { promises as fs } from 'node:fs';
import { StillmotionError } from '../errors';
import type { RgbImage } from './image-io';
import { resizeRgb } from './image-io';
import { normalizeRobust } from './ops';
import { depthModelPath } from './model-path';

const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export interface OnnxDepthOptions {
  /** Path to the .onnx file; default: env STILLMOTION_DEPTH_MODEL. */
  modelPath?: string;
  /** Input side for models with dynamic input shapes (default 518, Depth Anything's size; MiDaS small uses 256). */
  inputSize?: number;
  /** Set when the model outputs distance (larger = farther) instead of inverse depth. */
  invert?: boolean;
}

export function resolveModelPath(opts: OnnxDepthOptions = {}): string {
  return depthModelPath('onnx', opts.modelPath, 'Depth Anything V2 Small, Apache-2.0');
}

/** Model input size (H, W): fixed dims from the model when it declares them, else `size` rounded to a multiple of 14, keeping the image aspect. */
export function modelInputSize(shape: ReadonlyArray<number | string> | undefined, imgW: number, imgH: number, size = 518): { width: number; height: number } {
  const h = shape?.[2];
  const w = shape?.[3];
  if (typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0) return { width: w, height: h };
  const scale = size / Math.max(imgW, imgH);
  const r14 = (v: number): number => Math.max(14, Math.round((v * scale) / 14) * 14);
  return { width: r14(imgW), height: r14(imgH) };
}

/** RGB bytes (already at the model's input size) -> normalised NCHW float32. */
export function toNchw(img: RgbImage, mean: readonly number[] = IMAGENET_MEAN, std: readonly number[] = IMAGENET_STD): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[c * n + i] = (img.rgb[i * 3 + c]! / 255 - mean[c]!) / std[c]!;
  }
  return out;
}

/**
 * Raw model output -> nearness 0..1 (1 = near) with its plane size. Accepts [H,W], [1,H,W], [1,1,H,W].
 * `flat` is true when the output has no usable range (constant or non-finite).
 */
export function fromModelOutput(
  data: ArrayLike<number>,
  dims: readonly number[],
  invert = false,
): { data: Float32Array; width: number; height: number; flat: boolean } {
  const d = dims.filter((v, i) => !(v === 1 && i < dims.length - 2));
  if (d.length !== 2) throw new StillmotionError(`depth model output has unexpected shape [${dims.join(', ')}] (expected [1, H, W])`);
  const [height, width] = d as [number, number];
  if (data.length !== width * height) throw new StillmotionError(`depth model output has ${data.length} values for shape [${dims.join(', ')}]`);
  const out = new Float32Array(width * height);
  let finite = 0;
  for (let i = 0; i < out.length; i++) {
    const v = Number(data[i]);
    if (Number.isFinite(v)) {
      out[i] = invert ? -v : v;
      finite++;
    } else out[i] = NaN;
  }
  if (finite === 0) return { data: out.fill(0.5), width, height, flat: true };
  let lo = Infinity;
  for (let i = 0; i < out.length; i++) if (out[i]! < lo) lo = out[i]!;
  for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i]!)) out[i] = lo;
  const ok = normalizeRobust(out, 0.01, 0.99);
  return { data: out, width, height, flat: !ok };
}

/**
 * The slice of onnxruntime-node's API used here. Declared locally so the project type-checks and
 * runs without the optional package installed; it is loaded at run time only for `--estimator onnx`.
 */
interface OrtTensor {
  data: unknown;
  dims: readonly number[];
}
interface Session {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata?: readonly ({ isTensor: true; type: string; shape: readonly (number | string)[] } | { isTensor: false })[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
}
interface Ort {
  InferenceSession: { create(path: string, options?: Record<string, unknown>): Promise<Session> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
}
const ORT_PACKAGE = 'onnxruntime-node';

let ortPromise: Promise<Ort> | undefined;
const sessions = new Map<string, Promise<Session>>();

/** Imports onnxruntime-node (or what `importer` gives), with a clear message when it is not installed. */
export async function importOrt(importer: () => Promise<unknown> = () => import(/* @vite-ignore */ ORT_PACKAGE)): Promise<Ort> {
  let m: unknown;
  try {
    m = await importer();
  } catch (err) {
    throw new StillmotionError(
      `onnx depth estimator needs the optional package onnxruntime-node, which could not be loaded (${((err as Error).message ?? String(err)).split('\n')[0]}). ` +
        'Install it with `ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node`, or use --estimator heuristic.',
    );
  }
  const ort = ((m as { default?: Ort }).default ?? m) as Ort;
  if (!ort?.InferenceSession) throw new StillmotionError('onnxruntime-node loaded but has no InferenceSession (unsupported version?)');
  return ort;
}

/** onnxruntime-node, imported once. */
function loadOrt(): Promise<Ort> {
  ortPromise ??= importOrt().catch((err: unknown) => {
    ortPromise = undefined;
    throw err;
  });
  return ortPromise;
}

async function loadSession(modelPath: string): Promise<Session> {
  let s = sessions.get(modelPath);
  if (!s) {
    s = (async () => {
      try {
        await fs.access(modelPath);
      } catch {
        throw new StillmotionError(`${modelPath}: depth model file not found (set --model or STILLMOTION_DEPTH_MODEL)`);
      }
      const ort = await loadOrt();
      try {
        return await ort.InferenceSession.create(modelPath, { graphOptimizationLevel: 'all', intraOpNumThreads: 2 });
      } catch (err) {
        throw new StillmotionError(`${modelPath}: not a usable ONNX model (${(err as Error).message.split('\n')[0]})`);
      }
    })();
    sessions.set(modelPath, s);
    s.catch(() => sessions.delete(modelPath));
  }
  return s;
}

/** Runs the model on an image; returns nearness at the model's output size (caller upsamples to the image). */
export async function onnxDepth(img: RgbImage, opts: OnnxDepthOptions = {}): Promise<{ data: Float32Array; width: number; height: number; flat: boolean; notes: string[] }> {
  const modelPath = resolveModelPath(opts);
  const session = await loadSession(modelPath);
  const ort = await loadOrt();
  const inName = session.inputNames[0];
  const outName = session.outputNames[0];
  if (!inName || !outName) throw new StillmotionError(`${modelPath}: model has no inputs or outputs`);
  const meta = session.inputMetadata?.[0];
  const shape = meta && meta.isTensor ? meta.shape : undefined;
  if (meta && meta.isTensor && meta.type !== 'float32') {
    throw new StillmotionError(`${modelPath}: model input is ${meta.type}; only float32 inputs are supported (fp16/int8 weights with float32 input are fine)`);
  }
  const size = modelInputSize(shape, img.width, img.height, opts.inputSize ?? 518);
  const resized = await resizeRgb(img, size.width, size.height);
  const input = new ort.Tensor('float32', toNchw(resized), [1, 3, size.height, size.width]);
  let result: Record<string, OrtTensor>;
  try {
    result = await session.run({ [inName]: input });
  } catch (err) {
    throw new StillmotionError(`${modelPath}: inference failed (${(err as Error).message.split('\n')[0]})`);
  }
  const out = result[outName]!;
  const { data, width, height, flat } = fromModelOutput(out.data as Float32Array, out.dims, opts.invert);
  return { data, width, height, flat, notes: [`onnx model ${modelPath}`] };
}
