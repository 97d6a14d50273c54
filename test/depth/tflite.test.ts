import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASTDEPTH, findFastDepth, HOW_TO_GET_MODEL } from '../../bench/depth-model';
import { HOW_TO_GET, loadPhotos, PHOTO_DIR } from '../../bench/depth-photos';
import { scoreDepth } from '../../bench/depth-scores';
import { createEstimator, depthForImage, estimateDepth } from '../../src/depth/depth-map';
import { verticalPrior } from '../../src/depth/heuristic';
import { loadImage } from '../../src/depth/image-io';
import { FASTDEPTH_ASPECT, paddedBox, tfliteDepth } from '../../src/depth/tflite';
import { readTflite } from '../../src/depth/tflite-model';
import { TfliteRunner } from '../../src/depth/tflite-run';
import { float32Bytes, int32Bytes, int8Bytes, tinyTflite } from './tiny-tflite';

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// BuiltinOperator codes, written out from schema.fbs (not imported, so a wrong table in the source shows here).
const OP = { ADD: 0, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, PAD: 34, RESIZE_NEAREST_NEIGHBOR: 97, QUANTIZE: 114, SPLIT: 49 };

describe('tflite interpreter', () => {
  const rand = rng(7);
  const H = 5;
  const W = 5;
  // int8 conv weights [3 out, 3, 3, 2 in], per output channel scales; int32 biases.
  const convQ = Array.from({ length: 3 * 3 * 3 * 2 }, () => Math.round(rand() * 254 - 127));
  const convScale = [0.02, 0.03, 0.05];
  const biasQ = [120, -300, 50];
  const biasScale = [0.001, 0.002, 0.003];
  const dwW = Array.from({ length: 3 * 3 * 3 }, () => rand() * 2 - 1);
  const dwB = [0.1, -0.2, 0.05];
  const addC = [-0.3, 0.2, 0.0];
  const model = tinyTflite(
    [
      { name: 'input', shape: [1, H, W, 2], type: 3, quant: { scale: [1 / 255], zeroPoint: [0] } },
      { name: 'input_int8', shape: [1, H, W, 2], type: 9, quant: { scale: [1 / 255], zeroPoint: [-128] } },
      { name: 'paddings', shape: [4, 2], type: 2, data: int32Bytes([0, 0, 1, 1, 1, 1, 0, 0]) },
      { name: 'padded', shape: [1, H + 2, W + 2, 2], type: 9 },
      { name: 'conv_w', shape: [3, 3, 3, 2], type: 9, data: int8Bytes(convQ), quant: { scale: convScale, zeroPoint: [0, 0, 0], axis: 0 } },
      { name: 'conv_b', shape: [3], type: 2, data: int32Bytes(biasQ), quant: { scale: biasScale, zeroPoint: [0, 0, 0] } },
      { name: 'conv', shape: [1, 3, 3, 3], type: 9 },
      { name: 'dw_w', shape: [1, 3, 3, 3], type: 0, data: float32Bytes(dwW) },
      { name: 'dw_b', shape: [3], type: 0, data: float32Bytes(dwB) },
      { name: 'dw', shape: [1, 3, 3, 3], type: 0 },
      { name: 'size', shape: [2], type: 2, data: int32Bytes([6, 6]) },
      { name: 'up', shape: [1, 6, 6, 3], type: 0 },
      { name: 'add_c', shape: [3], type: 0, data: float32Bytes(addC) },
      { name: 'out', shape: [1, 6, 6, 3], type: 0 },
    ],
    [
      { op: OP.QUANTIZE, inputs: [0], outputs: [1] },
      { op: OP.PAD, inputs: [1, 2], outputs: [3] },
      // Conv2DOptions: padding VALID (1), stride 2 x 2, RELU6 (3).
      { op: OP.CONV_2D, inputs: [3, 4, 5], outputs: [6], options: [{ index: 0, value: 1, i8: true }, { index: 1, value: 2 }, { index: 2, value: 2 }, { index: 3, value: 3, i8: true }] },
      // DepthwiseConv2DOptions: padding SAME (0), stride 1 x 1, depth multiplier 1, no activation.
      { op: OP.DEPTHWISE_CONV_2D, inputs: [6, 7, 8], outputs: [9], options: [{ index: 0, value: 0, i8: true }, { index: 1, value: 1 }, { index: 2, value: 1 }, { index: 3, value: 1 }] },
      { op: OP.RESIZE_NEAREST_NEIGHBOR, inputs: [9, 10], outputs: [11] },
      // AddOptions: RELU (1).
      { op: OP.ADD, inputs: [11, 12], outputs: [13], options: [{ index: 0, value: 1, i8: true }] },
    ],
    [0],
    [13],
  );

  it('computes what the operators define (checked against a direct calculation)', () => {
    const pixels = Array.from({ length: H * W * 2 }, () => Math.floor(rand() * 256));
    const x = Float32Array.from(pixels, (p) => p / 255);
    const runner = new TfliteRunner(readTflite(model, 'tiny.tflite'), 'tiny.tflite');
    const out = runner.run(x);
    expect(out.shape).toEqual([1, 6, 6, 3]);

    // Reference, written plainly: zero-padded input, strided 3x3 conv with dequantised weights, RELU6.
    const inAt = (y: number, xx: number, c: number): number => (y < 0 || y >= H || xx < 0 || xx >= W ? 0 : x[(y * W + xx) * 2 + c]!);
    const conv: number[][][] = [];
    for (let oy = 0; oy < 3; oy++) {
      conv.push([]);
      for (let ox = 0; ox < 3; ox++) {
        conv[oy]!.push([]);
        for (let co = 0; co < 3; co++) {
          let s = biasQ[co]! * biasScale[co]!;
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++)
              for (let ci = 0; ci < 2; ci++) s += inAt(oy * 2 + ky - 1, ox * 2 + kx - 1, ci) * convQ[((co * 3 + ky) * 3 + kx) * 2 + ci]! * convScale[co]!;
          conv[oy]![ox]!.push(Math.min(6, Math.max(0, s)));
        }
      }
    }
    const convAt = (y: number, xx: number, c: number): number => (y < 0 || y > 2 || xx < 0 || xx > 2 ? 0 : conv[y]![xx]![c]!);
    const dw = (y: number, xx: number, c: number): number => {
      let s = dwB[c]!;
      for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) s += convAt(y + ky - 1, xx + kx - 1, c) * dwW[(ky * 3 + kx) * 3 + c]!;
      return s;
    };
    let maxErr = 0;
    let clamped = 0;
    for (let y = 0; y < 6; y++) {
      for (let xx = 0; xx < 6; xx++) {
        for (let c = 0; c < 3; c++) {
          const want = Math.max(0, dw(Math.floor(y / 2), Math.floor(xx / 2), c) + addC[c]!);
          if (want === 0) clamped++;
          maxErr = Math.max(maxErr, Math.abs(out.data[(y * 6 + xx) * 3 + c]! - want));
        }
      }
    }
    expect(maxErr).toBeLessThan(1e-5);
    // The activations matter in this example: some outputs are clamped, most are not.
    expect(clamped).toBeGreaterThan(0);
    expect(clamped).toBeLessThan(6 * 6 * 3);
  });

  it('rejects a file that is not a TensorFlow Lite model, naming it', () => {
    expect(() => readTflite(new TextEncoder().encode('PK\u0003\u0004 not a model'), 'photo.zip')).toThrow(/photo\.zip: not a TensorFlow Lite model/);
  });

  it('names an operator it cannot run', () => {
    const m = tinyTflite(
      [
        { name: 'in', shape: [1, 2, 2, 2], type: 0 },
        { name: 'out', shape: [1, 2, 2, 1], type: 0 },
      ],
      [{ op: OP.SPLIT, inputs: [0], outputs: [1] }],
      [0],
      [1],
    );
    expect(() => new TfliteRunner(readTflite(m, 'split.tflite'), 'split.tflite')).toThrow(/split\.tflite: TensorFlow Lite operator 49 is not supported/);
  });
});

describe('tflite depth estimator', () => {
  let dir: string;
  let modelPath: string;
  let imagePath: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-tflite-'));
    // A "depth network" whose distance is the pixel's R + G + B: bright = far.
    modelPath = path.join(dir, 'brightness-is-distance.tflite');
    await fs.writeFile(
      modelPath,
      tinyTflite(
        [
          { name: 'image', shape: [1, 16, 16, 3], type: 3, quant: { scale: [1 / 255], zeroPoint: [0] } },
          { name: 'w', shape: [1, 1, 1, 3], type: 0, data: float32Bytes([1, 1, 1]) },
          { name: 'b', shape: [1], type: 0, data: float32Bytes([0]) },
          { name: 'distance', shape: [1, 16, 16, 1], type: 0 },
        ],
        [{ op: OP.CONV_2D, inputs: [0, 1, 2], outputs: [3], options: [{ index: 0, value: 1, i8: true }, { index: 1, value: 1 }, { index: 2, value: 1 }] }],
        [0],
        [3],
      ),
    );
    imagePath = path.join(dir, 'left-bright.png');
    const w = 64;
    const h = 48;
    const rgb = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.fill(x < w / 2 ? 230 : 30, (y * w + x) * 3, (y * w + x) * 3 + 3);
    await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).png().toFile(imagePath);
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const halves = (d: { data: Float32Array; width: number; height: number }): [number, number] => {
    let l = 0;
    let r = 0;
    for (let y = 0; y < d.height; y++) {
      for (let x = 0; x < d.width; x++) {
        // Leave out a band around the middle, where the two halves are blended by resizing.
        const band = Math.max(1, Math.round(d.width / 16));
        if (x < d.width / 2 - band) l += d.data[y * d.width + x]!;
        else if (x >= d.width / 2 + band) r += d.data[y * d.width + x]!;
      }
    }
    return [l, r];
  };

  it('runs a model file end to end: its output is distance, so the bright (far) half comes out far', async () => {
    const d = await estimateDepth(imagePath, { estimator: 'tflite', tflite: { modelPath }, cache: false });
    expect(d.width).toBe(64);
    expect(d.flat).toBe(false);
    expect(d.notes.join(' ')).toContain('tflite model');
    const [left, right] = halves(d);
    expect(right).toBeGreaterThan(left * 2);
  });

  it('pads a picture to the training proportions and cuts the padding off the map', async () => {
    // 4:3 fills the frame; a square picture sits in the middle 3/4 of the width; a 2:1 one in the middle 2/3 of the height.
    expect(paddedBox(640, 480, FASTDEPTH_ASPECT)).toEqual({ x: 0, y: 0, w: 1, h: 1 });
    const sq = paddedBox(500, 500, FASTDEPTH_ASPECT);
    expect(sq.w).toBeCloseTo(0.75, 2);
    expect(sq.x).toBeCloseTo(0.125, 2);
    const wide = paddedBox(800, 400, FASTDEPTH_ASPECT);
    expect(wide.h).toBeCloseTo(2 / 3, 2);
    expect(wide.y).toBeCloseTo(1 / 6, 2);
    // Through the model: a square picture, bright left half; padding by edge repetition extends each half
    // outwards, and the cut-off map still has the bright half far and the dark half near.
    const square = path.join(dir, 'square.png');
    const rgb = Buffer.alloc(40 * 40 * 3);
    for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) rgb.fill(x < 20 ? 230 : 30, (y * 40 + x) * 3, (y * 40 + x) * 3 + 3);
    await sharp(rgb, { raw: { width: 40, height: 40, channels: 3 } }).png().toFile(square);
    const raw = await tfliteDepth(await loadImage(square), { modelPath });
    expect(raw.width).toBe(12);
    expect(raw.height).toBe(16);
    const [left, right] = halves(raw);
    expect(right).toBeGreaterThan(left * 2);
  });

  it('invert: false reads the output as nearness', async () => {
    const d = await estimateDepth(imagePath, { estimator: 'tflite', tflite: { modelPath, invert: false }, cache: false });
    const [left, right] = halves(d);
    expect(left).toBeGreaterThan(right * 2);
  });

  it('says which file is missing, and how to give one', async () => {
    await expect(estimateDepth(imagePath, { estimator: 'tflite', tflite: { modelPath: path.join(dir, 'none.tflite') }, cache: false })).rejects.toThrow(/none\.tflite: depth model file not found/);
    const saved = process.env.STILLMOTION_DEPTH_MODEL;
    delete process.env.STILLMOTION_DEPTH_MODEL;
    try {
      await expect(estimateDepth(imagePath, { estimator: 'tflite', cache: false })).rejects.toThrow(/--model <file\.tflite> or set STILLMOTION_DEPTH_MODEL/);
    } finally {
      if (saved !== undefined) process.env.STILLMOTION_DEPTH_MODEL = saved;
    }
  });
});

// FastDepth on a real photograph with measured depth (Middlebury 2014 "Motorcycle", held out; not NYU, where
// FastDepth was trained). Both files are gathered outside the repository (bench/depth-model.ts,
// bench/depth-photos.ts); without them this is skipped, saying so.
const fastDepth = await findFastDepth();
const havePhotos = existsSync(path.join(PHOTO_DIR, 'manifest.json'));
if (!fastDepth) console.warn(`FastDepth test skipped: ${FASTDEPTH.file} not gathered (${HOW_TO_GET_MODEL})`);
else if (!havePhotos) console.warn(`FastDepth test skipped: real photographs not found in ${PHOTO_DIR} (${HOW_TO_GET})`);

describe.skipIf(!fastDepth || !havePhotos)('FastDepth on a real photograph', () => {
  it('orders the motorcycle scene better than the vertical gradient, and puts the subject in front', async () => {
    const photo = (await loadPhotos()).find((p) => p.name === 'motorcycle')!;
    const img = await loadImage(photo.imagePath, { quiet: true });
    const d = await depthForImage(img, createEstimator('tflite', { tflite: { modelPath: fastDepth } }), { cache: false, label: photo.name });
    const s = scoreDepth(d.data, photo.nearness, photo.width, photo.height);
    const v = scoreDepth(verticalPrior(photo.width, photo.height), photo.nearness, photo.width, photo.height);
    // Measured here: Spearman 0.729 vs 0.666, figure/ground 0.636 vs 0.524.
    expect(s.spearman).toBeGreaterThan(v.spearman + 0.04);
    expect(s.figureGround).toBeGreaterThan(v.figureGround + 0.08);
  }, 60_000);
});
