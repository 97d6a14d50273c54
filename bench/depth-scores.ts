/**
 * Scores of an estimated nearness map against measured depth (NaN = unknown), for the depth benchmark.
 *  - Spearman rank correlation over measured pixels (scale- and shift-free: disparity and 1/depth rank alike);
 *  - figure/ground: ordinal accuracy across depth edges. Pixel pairs a short step apart (2% of the long side, in
 *    8 directions) whose measured depths differ by at least 25% straddle an occlusion edge (a smooth surface
 *    hardly changes that much over so short a step); a pair counts 1 when the nearer pixel is estimated nearer,
 *    0.5 on a tie, 0 otherwise. This is what parallax needs most: the subject in front of what is behind it.
 */
import { spearman } from '../src/depth/ops';

export interface Scores {
  spearman: number;
  figureGround: number;
  pairs: number;
}

/** Indices of measured pixels on a regular grid (about `target` of them). */
function sampleGrid(truth: Float32Array, width: number, height: number, target = 40_000): number[] {
  const step = Math.max(1, Math.round(Math.sqrt((width * height) / target)));
  const idx: number[] = [];
  for (let y = 0; y < height; y += step) for (let x = 0; x < width; x += step) if (!Number.isNaN(truth[y * width + x]!)) idx.push(y * width + x);
  return idx;
}

const DIRS: [number, number][] = [
  [1, 0],
  [0, 1],
  [1, 1],
  [1, -1],
];

/** Pairs [nearer, farther] across depth edges. */
export function edgePairs(truth: Float32Array, width: number, height: number, ratio = 1.25): [number, number][] {
  const d = Math.max(2, Math.round(0.02 * Math.max(width, height)));
  const pairs: [number, number][] = [];
  const step = Math.max(1, Math.round(d / 2));
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const a = y * width + x;
      const ta = truth[a]!;
      if (Number.isNaN(ta)) continue;
      for (const [dx, dy] of DIRS) {
        const nx = x + Math.round(dx * d * (dy !== 0 && dx !== 0 ? Math.SQRT1_2 : 1));
        const ny = y + Math.round(dy * d * (dy !== 0 && dx !== 0 ? Math.SQRT1_2 : 1));
        if (nx < 0 || nx >= width || ny < 0 || ny >= height) continue;
        const b = ny * width + nx;
        const tb = truth[b]!;
        if (Number.isNaN(tb)) continue;
        if (ta >= tb * ratio) pairs.push([a, b]);
        else if (tb >= ta * ratio) pairs.push([b, a]);
      }
    }
  }
  return pairs;
}

export function scoreDepth(est: Float32Array, truth: Float32Array, width: number, height: number): Scores {
  const idx = sampleGrid(truth, width, height);
  const rho = spearman(
    idx.map((i) => est[i]!),
    idx.map((i) => truth[i]!),
  );
  const pairs = edgePairs(truth, width, height);
  let ok = 0;
  for (const [near, far] of pairs) {
    const e = est[near]! - est[far]!;
    ok += e > 1e-6 ? 1 : e < -1e-6 ? 0 : 0.5;
  }
  return { spearman: rho, figureGround: pairs.length ? ok / pairs.length : NaN, pairs: pairs.length };
}
