/**
 * The free, local, deterministic depth estimator: monocular cues that hold for photos and AI images, combined and
 * smoothed edge-aware. Output: nearness 0..1 (1 = near) at a small working resolution; the caller upsamples it
 * guided by the full image.
 *
 * Measured on real photographs with measured depth (bench/depth.ts), cues that score texture or colour (local
 * sharpness, haze, saturation saliency) ranked true depth worse than plain vertical position: real backdrops are
 * often the most detailed, most colourful part of a picture. What holds is geometry:
 *  - ground plane: lower in the frame is nearer;
 *  - ground contact: a surface that stands on the ground is as near as the place where it meets the ground, so a
 *    region (graph segmentation) takes, column by column, the depth of its lowest point below; this puts the
 *    subject in front of the backdrop beside it, which a vertical ramp cannot (it ties them). Regions that reach
 *    the top edge (backdrops, walls, sky) keep the plain ramp: they do not stand on anything in view;
 *  - sky: smooth, bright (or blue) regions connected to the top edge are farthest;
 *  - alpha: opaque parts of a cut-out are in front of transparent ones;
 *  - edges: the result is smoothed with a guided filter so depth follows object edges.
 */
import type { RgbImage } from './image-io';
import { boxBlur, gaussBlur, guidedCoefficients, guidedFilter, normalizeRobust, quantile, resizeBilinear } from './ops';
import { segmentImage } from './segment';

/** How far a standing region is lifted from its own rows towards its ground contact (0 = vertical ramp only). */
const CONTACT_LIFT = 0.8;
/** Segmentation scale for the ground-contact cue (chosen on the tuning half of the real photo set). */
const SEGMENT_K = 0.3;
/** Mean-colour distance (RGB 0..1) below which two stacked regions count as one surface. */
const SAME_SURFACE = 0.12;

export interface HeuristicResult {
  data: Float32Array;
  width: number;
  height: number;
  flat: boolean;
  notes: string[];
}

/** The gentle fallback for images without depth cues: a soft ground-plane ramp (bottom slightly nearer). */
export function flatPreset(width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const v = height > 1 ? y / (height - 1) : 0.5;
    out.fill(0.35 + 0.3 * v, y * width, (y + 1) * width);
  }
  return out;
}

/** Naive baseline (for benchmarks): nearness = vertical position only. */
export function verticalPrior(width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) out.fill(height > 1 ? y / (height - 1) : 0.5, y * width, (y + 1) * width);
  return out;
}

/** Heuristic nearness for an RGB image already reduced to working size (<= ~256 px long side). */
export function heuristicDepth(img: RgbImage): HeuristicResult {
  const { width: w, height: h, rgb } = img;
  const n = w * h;
  const long = Math.max(w, h);
  const L = new Float32Array(n);
  const sat = new Float32Array(n);
  const blueish = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3]! / 255;
    const g = rgb[i * 3 + 1]! / 255;
    const b = rgb[i * 3 + 2]! / 255;
    const mx = Math.max(r, g, b);
    const mn = Math.min(r, g, b);
    L[i] = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sat[i] = mx > 0.02 ? (mx - mn) / mx : 0;
    blueish[i] = b >= r - 0.02 ? 1 : 0;
  }

  // Flat image: no usable structure -> gentle preset.
  let mL = 0;
  for (let i = 0; i < n; i++) mL += L[i]!;
  mL /= n;
  let vL = 0;
  for (let i = 0; i < n; i++) vL += (L[i]! - mL) ** 2;
  const stdL = Math.sqrt(vL / n);
  let satSpread = quantile(sat, 0.95) - quantile(sat, 0.05);
  if (!Number.isFinite(satSpread)) satSpread = 0;
  if ((stdL < 0.02 && satSpread < 0.08) || w < 4 || h < 4) {
    return { data: flatPreset(w, h), width: w, height: h, flat: true, notes: ['no depth cues found (flat or tiny image): gentle ground-plane preset used'] };
  }

  // 1-2. Ground plane and ground contact.
  const labels = segmentImage(img, { k: SEGMENT_K, minSize: Math.max(8, Math.round(n * 0.0008)) });
  const near = groundContact(img, labels, CONTACT_LIFT);

  // 3. Cut-outs: opaque parts are in front.
  if (img.alpha) {
    for (let i = 0; i < n; i++) near[i] = near[i]! * 0.5 + 0.5 * (img.alpha[i]! / 255);
  }

  // 4. Sky: smooth (low Laplacian energy), bright or blue, connected to the top edge.
  const sky = detectSky(L, localDetail(L, w, h), blueish, w, h);
  let skyCount = 0;
  for (let i = 0; i < n; i++) if (sky[i]) skyCount++;
  const skyShare = skyCount / n;
  const useSky = skyShare > 0.01 && skyShare < 0.9;
  if (useSky) {
    for (let i = 0; i < n; i++) if (sky[i]) near[i] = 0;
  }

  // 5. Edge-aware smoothing: a wide pass, then a fine one, both guided by the luminance.
  const guide = gaussBlur(L, w, h, 0.8);
  let smooth = guidedFilter(guide, near, w, h, Math.max(2, Math.round(long * 0.04)), 4e-3);
  smooth = guidedFilter(guide, smooth, w, h, Math.max(1, Math.round(long * 0.015)), 1e-3);
  if (useSky) {
    for (let i = 0; i < n; i++) if (sky[i]) smooth[i] = Math.min(smooth[i]!, 0.02);
  }
  const notes: string[] = [];
  if (!normalizeRobust(smooth, 0.01, 0.995)) {
    return { data: flatPreset(w, h), width: w, height: h, flat: true, notes: ['depth cues cancel out: gentle ground-plane preset used'] };
  }
  if (useSky) notes.push(`sky detected (${Math.round(skyShare * 100)}% of the image)`);
  return { data: smooth, width: w, height: h, flat: false, notes };
}

/**
 * Ground-contact nearness (0..1, 1 = bottom row). Walking up each column, a pixel takes the row where its surface's
 * run in that column ends below (where it meets what it stands on), blended with its own row by `lift`. A run
 * continues across a region boundary when the two regions' mean colours differ by less than `sameSurface` (a
 * shaded or striped object split into bands is still one object). Regions that touch the top edge keep their own
 * row: a backdrop, wall or sky does not stand on anything in view, and lifting it would put it in front of the
 * things before it.
 */
export function groundContact(img: RgbImage, labels: Int32Array, lift: number, sameSurface = SAME_SURFACE): Float32Array {
  const { width: w, height: h, rgb } = img;
  const n = w * h;
  const sum = new Map<number, [number, number, number, number]>();
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    let acc = sum.get(l);
    if (!acc) sum.set(l, (acc = [0, 0, 0, 0]));
    acc[0] += rgb[i * 3]!;
    acc[1] += rgb[i * 3 + 1]!;
    acc[2] += rgb[i * 3 + 2]!;
    acc[3]++;
  }
  const mean = new Map<number, [number, number, number]>();
  for (const [l, a] of sum) mean.set(l, [a[0] / a[3] / 255, a[1] / a[3] / 255, a[2] / a[3] / 255]);
  const similar = (a: number, b: number): boolean => {
    const ma = mean.get(a)!;
    const mb = mean.get(b)!;
    return Math.hypot(ma[0] - mb[0], ma[1] - mb[1], ma[2] - mb[2]) < sameSurface;
  };
  const out = new Float32Array(n);
  const hangs = new Set<number>();
  for (let x = 0; x < w; x++) hangs.add(labels[x]!);
  const norm = 1 / Math.max(1, h - 1);
  for (let x = 0; x < w; x++) {
    let contact = h - 1;
    for (let y = h - 1; y >= 0; y--) {
      const i = y * w + x;
      if (y < h - 1 && labels[i] !== labels[i + w] && !similar(labels[i]!, labels[i + w]!)) contact = y;
      out[i] = (hangs.has(labels[i]!) ? y : (1 - lift) * y + lift * contact) * norm;
    }
  }
  return out;
}

/** Local detail: |Laplacian| of a lightly denoised luminance, averaged locally, log-compressed, scaled 0..1. */
function localDetail(L: Float32Array, w: number, h: number): Float32Array {
  const Ls = gaussBlur(L, w, h, 0.6);
  const lap = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const l = Ls[x > 0 ? i - 1 : i]!;
      const r = Ls[x < w - 1 ? i + 1 : i]!;
      const u = Ls[y > 0 ? i - w : i]!;
      const d = Ls[y < h - 1 ? i + w : i]!;
      lap[i] = Math.abs(4 * Ls[i]! - l - r - u - d);
    }
  }
  const out = boxBlur(lap, w, h, Math.max(1, Math.round(Math.max(w, h) * 0.025)));
  for (let i = 0; i < out.length; i++) out[i] = Math.log1p(out[i]! * 40);
  normalizeRobust(out, 0.05, 0.95);
  return out;
}

/** Flood fill from the top row through smooth, bright-or-blue pixels. */
function detectSky(L: Float32Array, detail: Float32Array, blueish: Uint8Array, w: number, h: number): Uint8Array {
  const n = w * h;
  const sky = new Uint8Array(n);
  const sharpLimit = 0.25;
  const ok = (i: number): boolean => detail[i]! < sharpLimit && (L[i]! > 0.45 || (blueish[i] === 1 && L[i]! > 0.25));
  const stack: number[] = [];
  for (let x = 0; x < w; x++) {
    if (ok(x)) {
      sky[x] = 1;
      stack.push(x);
    }
  }
  while (stack.length) {
    const i = stack.pop()!;
    const x = i % w;
    const y = (i - x) / w;
    const li = L[i]!;
    const nb = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1];
    for (const j of nb) {
      if (j < 0 || sky[j]) continue;
      if (ok(j) && Math.abs(L[j]! - li) < 0.04) {
        sky[j] = 1;
        stack.push(j);
      }
    }
  }
  // A "sky" that reaches the bottom third is more likely a plain backdrop or wall: keep only its upper part.
  const limit = Math.floor(h * 0.75);
  for (let y = limit; y < h; y++) sky.fill(0, y * w, (y + 1) * w);
  return sky;
}

/**
 * Upsamples a working-resolution nearness map to (W, H), refining edges with the full-resolution luminance
 * as guide (joint upsampling). Also used for ONNX and hosted outputs.
 */
export function refineToSize(near: Float32Array, w: number, h: number, guideL: Float32Array, W: number, H: number): Float32Array {
  const up = resizeBilinear(near, w, h, W, H);
  if (W * H <= 16) return up;
  const scale = Math.max(W / w, H / h);
  const r = Math.max(1, Math.round(scale * 1.5));
  // Fast guided filter: coefficients computed at half resolution for big images, applied at full resolution.
  const sub = W * H > 250_000 ? 2 : 1;
  let out: Float32Array;
  if (sub === 1) out = guidedFilter(guideL, up, W, H, r, 2e-3);
  else {
    const sw = Math.ceil(W / sub);
    const sh = Math.ceil(H / sub);
    const gs = resizeBilinear(guideL, W, H, sw, sh);
    const ps = resizeBilinear(up, W, H, sw, sh);
    const { a, b } = guidedCoefficients(gs, ps, sw, sh, Math.max(1, Math.round(r / sub)), 2e-3);
    const A = resizeBilinear(a, sw, sh, W, H);
    const B = resizeBilinear(b, sw, sh, W, H);
    out = new Float32Array(W * H);
    for (let i = 0; i < out.length; i++) out[i] = A[i]! * guideL[i]! + B[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]!));
  return out;
}
