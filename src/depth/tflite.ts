/**
 * TensorFlow Lite depth estimator: runs a user-supplied .tflite depth network (for example FastDepth, the
 * MIT-licensed MobileNet encoder-decoder trained on NYU Depth v2, in the int8 file OpenMV and ST's model zoo
 * ship) with the built-in float interpreter (tflite-run.ts), so it needs no native runtime and no download.
 *
 * Input: the model's own size and quantisation; pixels are fed as the model's input tensor declares
 * (uint8 bytes, int8 bytes - 128, or float32 0..1), in the proportions of its training pictures (`aspect`).
 * Output: one channel, by default distance (larger = farther, FastDepth's metric depth); `invert: false`
 * for models that output inverse depth (MiDaS).
 */
import { promises as fs } from 'node:fs';
import { StillmotionError } from '../errors';
import type { RgbImage } from './image-io';
import { resizeRgb } from './image-io';
import { fromModelOutput } from './onnx';
import { readTflite, TensorType } from './tflite-model';
import { TfliteRunner } from './tflite-run';
import { depthModelPath } from './model-path';

export interface TfliteDepthOptions {
  /** Path to the .tflite file; default: env STILLMOTION_DEPTH_MODEL. */
  modelPath?: string;
  /** The model outputs distance (larger = farther), as FastDepth does; default true. */
  invert?: boolean;
  /**
   * Width:height of the pictures the model learned from, before they were resized to its input. An image
   * of another shape is first extended to it by repeating its edge pixels, so the model sees shapes in the
   * proportions it was trained on, and the padding is cut off its output. Default 4/3: FastDepth's
   * 304 x 228 NYU crops, squeezed into 224 x 224 (dwofk/fast-depth dataloaders/nyu.py).
   */
  aspect?: number;
}

/** FastDepth's training crop, 304 x 228. */
export const FASTDEPTH_ASPECT = 304 / 228;

/** Where the image lies (fractions of the padded frame) once extended to `aspect`. */
export function paddedBox(width: number, height: number, aspect: number): { x: number; y: number; w: number; h: number } {
  const a = width / height;
  if (Math.abs(a - aspect) < 1e-3) return { x: 0, y: 0, w: 1, h: 1 };
  if (a < aspect) {
    const w = a / aspect;
    return { x: (1 - w) / 2, y: 0, w, h: 1 };
  }
  const h = aspect / a;
  return { x: 0, y: (1 - h) / 2, w: 1, h };
}

/** `img` resized into a W x H frame at `box` (fractions), the rest filled by repeating the nearest edge pixel. */
async function placeInFrame(img: RgbImage, W: number, H: number, box: { x: number; y: number; w: number; h: number }): Promise<Uint8Array> {
  const x0 = Math.round(box.x * W);
  const y0 = Math.round(box.y * H);
  const cw = Math.max(1, Math.round(box.w * W));
  const ch = Math.max(1, Math.round(box.h * H));
  const inner = await resizeRgb(img, cw, ch);
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(ch - 1, Math.max(0, y - y0));
    for (let x = 0; x < W; x++) {
      const sx = Math.min(cw - 1, Math.max(0, x - x0));
      out.set(inner.rgb.subarray((sy * cw + sx) * 3, (sy * cw + sx) * 3 + 3), (y * W + x) * 3);
    }
  }
  return out;
}

/** The part of a `w` x `h` plane inside `box` (fractions). */
function cropPlane(data: Float32Array, w: number, h: number, box: { x: number; y: number; w: number; h: number }): { data: Float32Array; width: number; height: number } {
  const x0 = Math.round(box.x * w);
  const y0 = Math.round(box.y * h);
  const cw = Math.max(1, Math.round(box.w * w));
  const ch = Math.max(1, Math.round(box.h * h));
  if (cw === w && ch === h) return { data, width: w, height: h };
  const out = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++) out.set(data.subarray((y + y0) * w + x0, (y + y0) * w + x0 + cw), y * cw);
  return { data: out, width: cw, height: ch };
}

export function resolveTflitePath(opts: TfliteDepthOptions = {}): string {
  return depthModelPath('tflite', opts.modelPath, 'FastDepth, MIT, fast_depth_224.tflite');
}

const runners = new Map<string, Promise<TfliteRunner>>();

async function loadRunner(modelPath: string): Promise<TfliteRunner> {
  let r = runners.get(modelPath);
  if (!r) {
    r = (async () => {
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(modelPath);
      } catch {
        throw new StillmotionError(`${modelPath}: depth model file not found (set --model or STILLMOTION_DEPTH_MODEL)`);
      }
      const runner = new TfliteRunner(readTflite(bytes, modelPath), modelPath);
      const shape = runner.inputShape;
      if (shape.length !== 4 || shape[0] !== 1 || shape[3] !== 3 || !(shape[1]! > 0 && shape[2]! > 0)) {
        throw new StillmotionError(`${modelPath}: model input is [${shape.join(', ')}]; expected one RGB image of a fixed size [1, H, W, 3]`);
      }
      return runner;
    })();
    runners.set(modelPath, r);
    r.catch(() => runners.delete(modelPath));
  }
  return r;
}

/** RGB bytes -> the real values the model's input tensor stands for (NHWC). */
export function tfliteInput(rgb: Uint8Array, type: number, quant: { scale: Float32Array; zeroPoint: number[] } | undefined, label: string): Float32Array {
  const out = new Float32Array(rgb.length);
  if (type === TensorType.FLOAT32) {
    for (let i = 0; i < rgb.length; i++) out[i] = rgb[i]! / 255;
    return out;
  }
  if ((type !== TensorType.UINT8 && type !== TensorType.INT8) || !quant) throw new StillmotionError(`${label}: model input type ${type} is not supported (uint8, int8 or float32)`);
  // A quantised input holds the pixel byte (int8: shifted by -128); its real value is scale * (q - zero point).
  const shift = type === TensorType.INT8 ? -128 : 0;
  const s = quant.scale[0]!;
  const z = quant.zeroPoint[0] ?? 0;
  for (let i = 0; i < rgb.length; i++) out[i] = s * (rgb[i]! + shift - z);
  return out;
}

/** Runs the model on an image; returns nearness at the model's output size (the caller upsamples to the image). */
export async function tfliteDepth(img: RgbImage, opts: TfliteDepthOptions = {}): Promise<{ data: Float32Array; width: number; height: number; flat: boolean; notes: string[] }> {
  const modelPath = resolveTflitePath(opts);
  const runner = await loadRunner(modelPath);
  const [, H, W] = runner.inputShape as [number, number, number, number];
  const input = runner.model.tensors[runner.model.inputs[0]!]!;
  const aspect = opts.aspect ?? FASTDEPTH_ASPECT;
  if (!(aspect > 0)) throw new StillmotionError(`tflite depth: aspect must be a positive number (got ${aspect})`);
  const box = paddedBox(img.width, img.height, aspect);
  const rgb = await placeInFrame(img, W, H, box);
  const out = runner.run(tfliteInput(rgb, input.type, input.quant, modelPath));
  const [n, oh, ow, oc] = out.shape;
  if (out.shape.length !== 4 || n !== 1 || oc !== 1) throw new StillmotionError(`${modelPath}: depth model output has unexpected shape [${out.shape.join(', ')}] (expected [1, H, W, 1])`);
  const cut = cropPlane(out.data, ow!, oh!, box);
  const r = fromModelOutput(cut.data, [1, cut.height, cut.width], opts.invert ?? true);
  return { ...r, notes: [`tflite model ${modelPath}`] };
}
