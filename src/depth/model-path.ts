/** The model file of a learned depth estimator: the option, else STILLMOTION_DEPTH_MODEL (one rule for onnx and tflite). */
import { StillmotionError } from '../errors';

/** `modelPath`, else env STILLMOTION_DEPTH_MODEL; an error naming both (and `example`) when neither is given. */
export function depthModelPath(estimator: 'onnx' | 'tflite', modelPath: string | undefined, example: string): string {
  const p = modelPath ?? process.env.STILLMOTION_DEPTH_MODEL;
  if (!p) {
    throw new StillmotionError(`${estimator} depth estimator needs a model file: pass --model <file.${estimator}> or set STILLMOTION_DEPTH_MODEL (e.g. ${example})`);
  }
  return p;
}
