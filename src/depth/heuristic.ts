/**
 * The free, local, deterministic depth estimator: monocular cues that hold for photos and AI images,
 * combined and smoothed edge-aware. Output: nearness 0..1 (1 = near) at a small working resolution;
 * the caller upsamples it guided by the full image.
 *
 * Cues (all computed in typed arrays at <= 256 px):
 *  - vertical position / ground plane: lower in the frame is nearer;
 *  - local sharpness (Laplacian energy): in-focus, high-contrast texture is nearer than defocused or hazy areas;
 *  - haze (dark-channel prior): aerial perspective washes far things out;
 *  - saliency and centre: saturated, central things are usually the subject, usually in front;
 *  - sky: smooth, bright regions connected to the top edge are farthest;
 *  - alpha: opaque parts of a cut-out are in front of transparent ones;
 *  - edges: the combination is smoothed with a guided filter so depth follows object edges.
 */
import type { RgbImage } from './image-io';
import { boxBlur, gaussBlur, guidedCoefficients, guidedFilter, normalizeRobust, quantile, rankFilter, resizeBilinear } from './ops';

export interface CueWeights {
  vertical: number;
  sharpness: number;
  haze: number;
  saliency: number;
}

export const DEFAULT_WEIGHTS: CueWeights = { vertical: 0.42, sharpness: 0.28, haze: 0.12, saliency: 0.18 };

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
export function heuristicDepth(img: RgbImage, weights: CueWeights = DEFAULT_WEIGHTS): HeuristicResult {
  const { width: w, height: h, rgb } = img;
  const n = w * h;
  const long = Math.max(w, h);
  const L = new Float32Array(n);
  const sat = new Float32Array(n);
  const minc = new Float32Array(n);
  const blueish = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3]! / 255;
    const g = rgb[i * 3 + 1]! / 255;
    const b = rgb[i * 3 + 2]! / 255;
    const mx = Math.max(r, g, b);
    const mn = Math.min(r, g, b);
    L[i] = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sat[i] = mx > 0.02 ? (mx - mn) / mx : 0;
    minc[i] = mn;
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

  // 1. Vertical position.
  const vert = new Float32Array(n);
  for (let y = 0; y < h; y++) vert.fill(y / (h - 1), y * w, (y + 1) * w);

  // 2. Local sharpness: |Laplacian| of a lightly denoised luminance, averaged locally, log-compressed.
  const Ls = gaussBlur(L, w, h, 0.6);
  const lap = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const c = Ls[i]!;
      const l = Ls[x > 0 ? i - 1 : i]!;
      const r = Ls[x < w - 1 ? i + 1 : i]!;
      const u = Ls[y > 0 ? i - w : i]!;
      const d = Ls[y < h - 1 ? i + w : i]!;
      lap[i] = Math.abs(4 * c - l - r - u - d);
    }
  }
  const sharpR = Math.max(1, Math.round(long * 0.025));
  const sharp = boxBlur(lap, w, h, sharpR);
  for (let i = 0; i < n; i++) sharp[i] = Math.log1p(sharp[i]! * 40);
  const sharpOk = normalizeRobust(sharp, 0.05, 0.95);

  // 3. Haze: dark channel over a small patch; transmission ~ nearness.
  const dark = rankFilter(minc, w, h, Math.max(1, Math.round(long * 0.012)), 'min');
  const A = Math.max(0.25, quantile(dark, 0.999));
  const haze = new Float32Array(n);
  for (let i = 0; i < n; i++) haze[i] = 1 - Math.min(1, dark[i]! / A);
  const hazeOk = normalizeRobust(haze, 0.02, 0.98);

  // 4. Saliency: saturation contrast plus a centre prior.
  const satBlur = boxBlur(sat, w, h, Math.max(1, Math.round(long * 0.02)));
  const satMean = boxBlur(sat, w, h, Math.max(2, Math.round(long * 0.25)));
  // Colour distinctiveness (distance of the blurred colour from the image's mean colour), shadows damped.
  const distinct = colourDistinctiveness(rgb, w, h);
  const sal = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const dx = x / (w - 1) - 0.5;
      const dy = y / (h - 1) - 0.55;
      const centre = Math.exp(-(dx * dx + dy * dy) / (2 * 0.3 * 0.3));
      sal[i] = Math.max(0, satBlur[i]! - satMean[i]!) * 2 + 0.35 * centre + 0.6 * distinct[i]! * (0.5 + centre);
    }
  }
  normalizeRobust(sal, 0.02, 0.98);

  // 5. Sky: smooth, bright (or blue) pixels connected to the top edge.
  const sky = detectSky(L, sharp, blueish, w, h);

  const wv = weights.vertical;
  const ws = sharpOk ? weights.sharpness : 0;
  const wh = hazeOk ? weights.haze : 0;
  const wsal = weights.saliency;
  const total = wv + ws + wh + wsal;
  const near = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    near[i] = (wv * vert[i]! + ws * sharp[i]! + wh * haze[i]! + wsal * sal[i]!) / total;
  }

  // 6. Cut-outs: opaque parts are in front.
  if (img.alpha) {
    for (let i = 0; i < n; i++) near[i] = near[i]! * 0.5 + 0.5 * (img.alpha[i]! / 255);
  }

  // Objects standing on the ground: a vertical run of similar pixels shares the depth of its lowest point.
  // Approximated by an anisotropic (tall) guided filter followed by an isotropic edge-aware pass.
  let skyCount = 0;
  for (let i = 0; i < n; i++) if (sky[i]) skyCount++;
  const skyShare = skyCount / n;
  if (skyShare > 0.01 && skyShare < 0.9) {
    for (let i = 0; i < n; i++) if (sky[i]) near[i] = 0;
  }
  const guide = gaussBlur(L, w, h, 0.8);
  let smooth = guidedFilter(guide, near, w, h, Math.max(2, Math.round(long * 0.06)), 4e-3);
  smooth = guidedFilter(guide, smooth, w, h, Math.max(1, Math.round(long * 0.02)), 1e-3);
  if (skyShare > 0.01 && skyShare < 0.9) {
    for (let i = 0; i < n; i++) if (sky[i]) smooth[i] = Math.min(smooth[i]!, 0.02);
  }
  const notes: string[] = [];
  if (!normalizeRobust(smooth, 0.01, 0.995)) {
    return { data: flatPreset(w, h), width: w, height: h, flat: true, notes: ['depth cues cancel out: gentle ground-plane preset used'] };
  }
  if (skyShare > 0.01 && skyShare < 0.9) notes.push(`sky detected (${Math.round(skyShare * 100)}% of the image)`);
  return { data: smooth, width: w, height: h, flat: false, notes };
}

function colourDistinctiveness(rgb: Uint8Array, w: number, h: number): Float32Array {
  const n = w * h;
  const long = Math.max(w, h);
  const planes = [0, 1, 2].map((c) => {
    const p = new Float32Array(n);
    for (let i = 0; i < n; i++) p[i] = rgb[i * 3 + c]! / 255;
    return gaussBlur(p, w, h, Math.max(1, long / 60));
  });
  const m = planes.map((p) => p.reduce((a, b) => a + b, 0) / n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = planes[0]![i]!;
    const g = planes[1]![i]!;
    const b = planes[2]![i]!;
    const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const lit = Math.min(1, Math.max(0, (lum - 0.06) / 0.2));
    out[i] = Math.sqrt((r - m[0]!) ** 2 + (g - m[1]!) ** 2 + (b - m[2]!) ** 2) * lit;
  }
  normalizeRobust(out, 0.01, 0.99);
  return out;
}

/** Flood fill from the top row through smooth, bright-or-blue pixels. */
function detectSky(L: Float32Array, sharp: Float32Array, blueish: Uint8Array, w: number, h: number): Uint8Array {
  const n = w * h;
  const sky = new Uint8Array(n);
  const sharpLimit = 0.25;
  const ok = (i: number): boolean => sharp[i]! < sharpLimit && (L[i]! > 0.45 || (blueish[i] === 1 && L[i]! > 0.25));
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
