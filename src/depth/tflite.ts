/**
 * TensorFlow Lite depth estimator: runs a user-supplied .tflite depth network (for example FastDepth, the
 * MIT-licensed MobileNet encoder-decoder trained on NYU Depth v2, in the int8 file OpenMV and ST's model zoo
 * ship) with the built-in float interpreter (tflite-run.ts), so it needs no native runtime and no download.
 *
 * Input: the model's own size and quantisation; pixels are fed as the model's input tensor declares
 * (uint8 bytes, int8 bytes - 128, or float32 0..1). Output: one channel, by default distance (larger =
 * farther, FastDepth's metric depth); `invert: false` for models that output inverse depth (MiDaS).
 */
import { promises as fs } from 'node:fs';
import { StillmotionError } from '../errors';
import type { RgbImage } from './image-io';
import { resizeRgb } from './image-io';
import { fromModelOutput } from './onnx';
import { readTflite, TensorType } from './tflite-model';
import { TfliteRunner } from './tflite-run';

export interface TfliteDepthOptions {
  /** Path to the .tflite file; default: env STILLMOTION_DEPTH_MODEL. */
  modelPath?: string;
  /** The model outputs distance (larger = farther), as FastDepth does; default true. */
  invert?: boolean;
}

export function resolveTflitePath(opts: TfliteDepthOptions = {}): string {
  const p = opts.modelPath ?? process.env.STILLMOTION_DEPTH_MODEL;
  if (!p) {
    throw new StillmotionError(
      'tflite depth estimator needs a model file: pass --model <file.tflite> or set STILLMOTION_DEPTH_MODEL (e.g. FastDepth, MIT, fast_depth_224.tflite)',
    );
  }
  return p;
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
  // Stretched to the model's square input, as FastDepth was trained (4:3 NYU crops resized to 224 x 224).
  const resized = await resizeRgb(img, W, H);
  const out = runner.run(tfliteInput(resized.rgb, input.type, input.quant, modelPath));
  const [n, oh, ow, oc] = out.shape;
  if (out.shape.length !== 4 || n !== 1 || oc !== 1) throw new StillmotionError(`${modelPath}: depth model output has unexpected shape [${out.shape.join(', ')}] (expected [1, H, W, 1])`);
  const r = fromModelOutput(out.data, [1, oh!, ow!], opts.invert ?? true);
  return { ...r, notes: [`tflite model ${modelPath}`] };
}
