/**
 * Automatic focal point: smartcrop-style saliency (skin, saturation, edges) plus colour distinctiveness and
 * depth nearness -> the subject's centre {x, y} (0..1 of the image), a subject box, a confidence, and for each
 * output format the largest crop of its aspect centred on the subject, clamped inside the image.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RecentMap } from '../cache/recent-map';
import { heuristicDepth } from '../depth/heuristic';
import { loadImage, resizeRgb, type RgbImage } from '../depth/image-io';
import { boxBlur, gaussBlur, normalizeRobust } from '../depth/ops';
import { smartcropAnalysis } from './smartcrop-sharp';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const FOCUS_FORMATS = { '16:9': 16 / 9, '9:16': 9 / 16, '1:1': 1 } as const;
export type FocusFormat = keyof typeof FOCUS_FORMATS;

export interface FocusResult {
  /** Subject centre, 0..1 of the image width / height. */
  x: number;
  y: number;
  /** Suggested subject box, 0..1 of the image. */
  box: Box;
  /** 0..1: how clearly one subject stands out (0 = nothing did; the centre was used). */
  confidence: number;
  /** Largest crop of each aspect centred on the subject and inside the image, 0..1 of the image. */
  crops: Record<FocusFormat, Box>;
  /** Image size (displayed orientation). */
  width: number;
  height: number;
  /** True when no subject stood out and the centre was used. */
  fallback: boolean;
  warnings: string[];
}

export interface FocusOptions {
  label?: string;
  maxInputPixels?: number;
}

const ANALYSIS_SIDE = 256;

/** Largest crop of aspect `aspect` (w/h, in pixels) inside a W x H image, centred on (fx, fy) (0..1) and clamped. */
export function cropAround(W: number, H: number, aspect: number, fx: number, fy: number): Box {
  let cw = Math.min(W, H * aspect);
  let ch = cw / aspect;
  if (ch > H) {
    ch = H;
    cw = H * aspect;
  }
  const x = Math.min(Math.max(fx * W - cw / 2, 0), W - cw);
  const y = Math.min(Math.max(fy * H - ch / 2, 0), H - ch);
  return { x: x / W, y: y / H, width: cw / W, height: ch / H };
}

function cropsFor(W: number, H: number, fx: number, fy: number): Record<FocusFormat, Box> {
  const out = {} as Record<FocusFormat, Box>;
  for (const [k, a] of Object.entries(FOCUS_FORMATS) as [FocusFormat, number][]) out[k] = roundBox(cropAround(W, H, a, fx, fy));
  return out;
}

const r4 = (v: number): number => Math.round(v * 10000) / 10000;
const roundBox = (b: Box): Box => ({ x: r4(b.x), y: r4(b.y), width: r4(b.width), height: r4(b.height) });

/** Saliency map (0..1) at the analysis size, from smartcrop's feature maps, colour distinctiveness and nearness. */
async function saliencyMap(img: RgbImage): Promise<{ data: Float32Array; width: number; height: number; flat: boolean }> {
  const sc = await smartcropAnalysis(img);
  const { width: w, height: h } = sc;
  const n = w * h;
  const long = Math.max(w, h);
  // Colour distinctiveness (frequency-tuned saliency): distance of the blurred colour from the image mean.
  const planes = [0, 1, 2].map((c) => {
    const p = new Float32Array(n);
    for (let i = 0; i < n; i++) p[i] = img.rgb[i * 3 + c]! / 255;
    return gaussBlur(p, w, h, Math.max(1, long / 100));
  });
  const meanC = planes.map((p) => p.reduce((a, b) => a + b, 0) / n);
  const distinct = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const dr = planes[0]![i]! - meanC[0]!;
    const dg = planes[1]![i]! - meanC[1]!;
    const db = planes[2]![i]! - meanC[2]!;
    // Deep shadows are rarely the subject, however distinct their colour.
    const lum = 0.2126 * planes[0]![i]! + 0.7152 * planes[1]![i]! + 0.0722 * planes[2]![i]!;
    const lit = Math.min(1, Math.max(0, (lum - 0.06) / 0.2));
    distinct[i] = Math.sqrt(dr * dr + dg * dg + db * db) * lit;
  }
  const distinctOk = normalizeRobust(distinct, 0.01, 0.995);
  const depth = heuristicDepth(img);
  const rad = Math.max(1, Math.round(long * 0.02));
  const detail = boxBlur(sc.detail, w, h, rad);
  normalizeRobust(detail, 0.01, 0.99);
  const skin = boxBlur(sc.skin, w, h, rad);
  const sat = boxBlur(sc.saturation, w, h, rad);
  const sal = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const dx = x / Math.max(1, w - 1) - 0.5;
      const dy = y / Math.max(1, h - 1) - 0.5;
      const centre = Math.exp(-(dx * dx + dy * dy) / (2 * 0.35 * 0.35));
      const near = depth.flat ? 0 : depth.data[i]! * depth.data[i]!;
      sal[i] =
        (0.35 * (distinctOk ? distinct[i]! : 0) + 0.3 * Math.min(1, skin[i]! * 2) + 0.15 * sat[i]! + 0.1 * detail[i]! + 0.1 * near) *
        (0.6 + 0.4 * centre);
    }
  }
  const flat = !distinctOk && depth.flat;
  const smooth = boxBlur(sal, w, h, Math.max(1, Math.round(long * 0.03)));
  return { data: smooth, width: w, height: h, flat };
}

/** Focus for an already decoded image. */
async function focusForImage(image: RgbImage & { warnings?: string[] }, srcW = image.width, srcH = image.height): Promise<FocusResult> {
  const s = Math.min(1, ANALYSIS_SIDE / Math.max(image.width, image.height));
  const small = await resizeRgb(image, Math.max(1, Math.round(image.width * s)), Math.max(1, Math.round(image.height * s)));
  const warnings = [...(image.warnings ?? [])];
  const centre = (): FocusResult => ({
    x: 0.5,
    y: 0.5,
    box: { x: 0.25, y: 0.25, width: 0.5, height: 0.5 },
    confidence: 0,
    crops: cropsFor(srcW, srcH, 0.5, 0.5),
    width: srcW,
    height: srcH,
    fallback: true,
    warnings,
  });
  if (small.width < 4 || small.height < 4) {
    warnings.push('image too small to find a subject: centre used');
    return centre();
  }
  const sal = await saliencyMap(small);
  const { width: w, height: h, data } = sal;
  const n = w * h;
  let peak = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += data[i]!;
    if (data[i]! > peak) peak = data[i]!;
  }
  const meanS = total / n;
  if (sal.flat || peak <= 1e-6 || peak < meanS * 1.15) {
    warnings.push('no subject stands out: centre used');
    return centre();
  }
  // Subject: of the connected regions above a threshold between the mean and the peak, the one with the most
  // saliency mass above the threshold (a large salient object beats a small bright speck).
  const thr = meanS + (peak - meanS) * 0.45;
  const label = new Int32Array(n).fill(-1);
  const masses: number[] = [];
  for (let seed = 0; seed < n; seed++) {
    if (label[seed] !== -1 || data[seed]! < thr) continue;
    const id = masses.length;
    let mass = 0;
    const st = [seed];
    label[seed] = id;
    while (st.length) {
      const i = st.pop()!;
      mass += data[i]! - thr;
      const x = i % w;
      if (x > 0 && label[i - 1] === -1 && data[i - 1]! >= thr) (label[i - 1] = id), st.push(i - 1);
      if (x < w - 1 && label[i + 1] === -1 && data[i + 1]! >= thr) (label[i + 1] = id), st.push(i + 1);
      if (i >= w && label[i - w] === -1 && data[i - w]! >= thr) (label[i - w] = id), st.push(i - w);
      if (i + w < n && label[i + w] === -1 && data[i + w]! >= thr) (label[i + w] = id), st.push(i + w);
    }
    masses.push(mass);
  }
  let best = 0;
  for (let k = 1; k < masses.length; k++) if (masses[k]! > masses[best]!) best = k;
  const allMass = masses.reduce((a, b) => a + b, 0);
  const dominance = allMass > 0 ? masses[best]! / allMass : 0;
  const inSub = new Uint8Array(n);
  let sw = 0;
  let sx = 0;
  let sy = 0;
  let count = 0;
  let minX = w;
  let minY = h;
  let maxX = 0;
  let maxY = 0;
  for (let i = 0; i < n; i++) {
    if (label[i] !== best) continue;
    inSub[i] = 1;
    const x = i % w;
    const y = (i - x) / w;
    const wt = data[i]! - thr;
    sw += wt;
    sx += wt * (x + 0.5);
    sy += wt * (y + 0.5);
    count++;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const fx = sw > 0 ? sx / sw / w : (minX + maxX + 1) / 2 / w;
  const fy = sw > 0 ? sy / sw / h : (minY + maxY + 1) / 2 / h;
  // Confidence: contrast between subject and rest, damped when the "subject" covers most of the image.
  let outSum = 0;
  let inSum = 0;
  for (let i = 0; i < n; i++) {
    if (inSub[i]) inSum += data[i]!;
    else outSum += data[i]!;
  }
  const inMean = inSum / Math.max(1, count);
  const outMean = outSum / Math.max(1, n - count);
  const share = count / n;
  const contrast = (inMean - outMean) / Math.max(1e-6, inMean);
  const confidence = Math.max(0, Math.min(1, contrast * 1.4 * Math.sqrt(dominance) * (share > 0.5 ? (1 - share) * 2 : 1)));
  const box: Box = roundBox({ x: minX / w, y: minY / h, width: (maxX - minX + 1) / w, height: (maxY - minY + 1) / h });
  return {
    x: r4(fx),
    y: r4(fy),
    box,
    confidence: Math.round(confidence * 100) / 100,
    crops: cropsFor(srcW, srcH, fx, fy),
    width: srcW,
    height: srcH,
    fallback: false,
    warnings,
  };
}

/** Finds the subject of an image file. Throws StillmotionError (naming the file) for unusable input. */
export async function detectFocus(imagePath: string, opts: FocusOptions = {}): Promise<FocusResult> {
  // The same file, unchanged, has the same subject: planning, preparing and every Studio reload
  // ask again for each image (about 0.5-3 s each), so the answer is kept for the process.
  let key: string;
  try {
    const st = await fs.stat(imagePath);
    key = JSON.stringify([path.resolve(imagePath), st.size, st.mtimeMs, opts.label ?? imagePath, opts.maxInputPixels ?? null]);
  } catch {
    return detectFocusUncached(imagePath, opts); // loadImage says what is wrong with the file
  }
  const pending = detected.get(key, () => {
    const made = detectFocusUncached(imagePath, opts);
    made.catch(() => detected.delete(key));
    return made;
  });
  return structuredClone(await pending);
}

/** Focal points found in this process, by file, size, mtime and options (the least recently asked dropped first). */
const detected = new RecentMap<string, Promise<FocusResult>>(512);

async function detectFocusUncached(imagePath: string, opts: FocusOptions): Promise<FocusResult> {
  const img = await loadImage(imagePath, { maxSide: 1024, maxInputPixels: opts.maxInputPixels, label: opts.label ?? imagePath, quiet: true });
  return focusForImage(img, img.sourceWidth, img.sourceHeight);
}
