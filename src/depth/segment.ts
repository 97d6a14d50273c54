/**
 * Graph-based image segmentation (Felzenszwalb & Huttenlocher, IJCV 2004): pixels are joined along their 8-neighbour
 * edges in order of colour difference, as long as the difference is no larger than the internal variation of both
 * regions plus k / size. Large k gives larger regions. O(pixels): edges are bucket-sorted, regions kept in a
 * union-find.
 */
import type { RgbImage } from './image-io';
import { gaussBlur } from './ops';

export interface SegmentOptions {
  /** Scale: colour difference (0..sqrt 3, RGB in 0..1) a region of one pixel may absorb. */
  k: number;
  /** Regions smaller than this (pixels) are merged into their most similar neighbour. */
  minSize: number;
  /** Pre-blur (pixels) that keeps noise and JPEG blocks from splitting surfaces. */
  sigma?: number;
}

/** Region label per pixel (labels are pixel indices of each region's root; not consecutive). */
export function segmentImage(img: RgbImage, opts: SegmentOptions): Int32Array {
  const { width: w, height: h, rgb } = img;
  const n = w * h;
  const planes = [0, 1, 2].map((c) => {
    const p = new Float32Array(n);
    for (let i = 0; i < n; i++) p[i] = rgb[i * 3 + c]! / 255;
    return gaussBlur(p, w, h, opts.sigma ?? 0.8);
  });
  const [R, G, B] = planes as [Float32Array, Float32Array, Float32Array];
  // Edges: right, down, down-right, down-left.
  const maxEdges = n * 4;
  const ea = new Int32Array(maxEdges);
  const eb = new Int32Array(maxEdges);
  const ew = new Float32Array(maxEdges);
  let m = 0;
  const add = (i: number, j: number): void => {
    ea[m] = i;
    eb[m] = j;
    ew[m] = Math.hypot(R[i]! - R[j]!, G[i]! - G[j]!, B[i]! - B[j]!);
    m++;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (x < w - 1) add(i, i + 1);
      if (y < h - 1) {
        add(i, i + w);
        if (x < w - 1) add(i, i + w + 1);
        if (x > 0) add(i, i + w - 1);
      }
    }
  }
  const order = bucketOrder(ew, m);
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const size = new Int32Array(n).fill(1);
  const limit = new Float32Array(n).fill(opts.k);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const join = (a: number, b: number): number => {
    const [r, o] = size[a]! >= size[b]! ? [a, b] : [b, a];
    parent[o] = r;
    size[r]! += size[o]!;
    return r;
  };
  for (let t = 0; t < m; t++) {
    const e = order[t]!;
    const a = find(ea[e]!);
    const b = find(eb[e]!);
    if (a === b) continue;
    const wt = ew[e]!;
    if (wt <= limit[a]! && wt <= limit[b]!) {
      const r = join(a, b);
      limit[r] = wt + opts.k / size[r]!;
    }
  }
  for (let t = 0; t < m; t++) {
    const e = order[t]!;
    const a = find(ea[e]!);
    const b = find(eb[e]!);
    if (a !== b && (size[a]! < opts.minSize || size[b]! < opts.minSize)) join(a, b);
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = find(i);
  return labels;
}

/** Edge indices in ascending weight order (1024 buckets over the weight range: order within a bucket is irrelevant). */
function bucketOrder(w: Float32Array, m: number): Int32Array {
  let hi = 0;
  for (let i = 0; i < m; i++) if (w[i]! > hi) hi = w[i]!;
  const bins = 1024;
  const s = hi > 0 ? (bins - 1) / hi : 0;
  const count = new Int32Array(bins + 1);
  for (let i = 0; i < m; i++) count[Math.floor(w[i]! * s) + 1]!++;
  for (let b = 0; b < bins; b++) count[b + 1]! += count[b]!;
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) out[count[Math.floor(w[i]! * s)]!++] = i;
  return out;
}
