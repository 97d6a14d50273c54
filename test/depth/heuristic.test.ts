import { describe, expect, it } from 'vitest';
import { edgePairs, scoreDepth } from '../../bench/depth-scores';
import { groundContact, heuristicDepth, verticalPrior } from '../../src/depth/heuristic';
import type { RgbImage } from '../../src/depth/image-io';
import { segmentImage } from '../../src/depth/segment';

/** An RGB image painted by a function of (x, y), with a little deterministic noise. */
function paint(w: number, h: number, colour: (x: number, y: number) => [number, number, number], noise = 6): RgbImage {
  const rgb = new Uint8Array(w * h * 3);
  let s = 99;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296 - 0.5) * noise;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = colour(x, y);
      for (let k = 0; k < 3; k++) rgb[(y * w + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k]! + rnd())));
    }
  }
  return { rgb, width: w, height: h };
}

const distinct = (labels: Int32Array): number => new Set(labels).size;

describe('segmentImage (graph segmentation)', () => {
  it('splits two flat colours at their boundary; no region straddles it', () => {
    const img = paint(40, 30, (x) => (x < 17 ? [200, 60, 50] : [40, 80, 190]));
    const fine = segmentImage(img, { k: 0.3, minSize: 10 });
    const left = new Set<number>();
    const right = new Set<number>();
    for (let y = 0; y < 30; y++) for (let x = 0; x < 40; x++) (x < 17 ? left : right).add(fine[y * 40 + x]!);
    for (const l of left) expect(right.has(l)).toBe(false);
    // Noise may split a flat area into a few regions; a larger minimum size leaves exactly the two surfaces.
    const coarse = segmentImage(img, { k: 0.3, minSize: 200 });
    expect(distinct(coarse)).toBe(2);
    for (let y = 0; y < 30; y++) {
      expect(coarse[y * 40 + 16]).toBe(coarse[0]);
      expect(coarse[y * 40 + 17]).toBe(coarse[39]);
    }
  });

  it('merges specks smaller than minSize into their surroundings', () => {
    const specks = new Set([5 * 40 + 5, 12 * 40 + 30, 25 * 40 + 14]);
    const img = paint(40, 30, (x, y) => (specks.has(y * 40 + x) ? [255, 255, 0] : [90, 90, 90]), 0);
    // Without a minimum size the three specks (a few pixels each after the pre-blur) are regions of their own.
    const raw = segmentImage(img, { k: 0.05, minSize: 1 });
    expect(distinct(raw)).toBeGreaterThanOrEqual(4);
    expect(distinct(segmentImage(img, { k: 0.05, minSize: 30 }))).toBe(1);
  });
});

describe('groundContact', () => {
  // 8 x 12 scene: backdrop (rows 0-8, touches the top), an object standing on the floor in columns 2-4 (rows 3-8,
  // split into two bands of nearly the same colour), a floor (rows 9-11). Label = region id.
  const w = 8;
  const h = 12;
  const labels = new Int32Array(w * h);
  const rgb = new Uint8Array(w * h * 3);
  const colours: Record<number, [number, number, number]> = { 1: [230, 230, 230], 2: [200, 40, 40], 3: [196, 44, 40], 4: [90, 70, 50] };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const id = y >= 9 ? 4 : x >= 2 && x <= 4 && y >= 3 ? (y >= 6 ? 3 : 2) : 1;
      labels[y * w + x] = id;
      rgb.set(colours[id]!, (y * w + x) * 3);
    }
  }
  const img: RgbImage = { rgb, width: w, height: h };
  const at = (m: Float32Array, x: number, y: number): number => m[y * w + x]!;

  it('gives a standing object the depth of its foot, in front of the backdrop beside it', () => {
    const m = groundContact(img, labels, 1);
    // Both bands of the object take the row where it meets the floor (8).
    for (let y = 3; y <= 8; y++) expect(at(m, 3, y)).toBeCloseTo(8 / 11, 6);
    // The backdrop touches the top edge: it keeps its own row, so the object is nearer in the same rows.
    expect(at(m, 6, 4)).toBeCloseTo(4 / 11, 6);
    expect(at(m, 3, 4)).toBeGreaterThan(at(m, 6, 4));
    // The floor runs to the bottom edge.
    expect(at(m, 0, 9)).toBeCloseTo(1, 6);
  });

  it('stops the run at a clear colour change and blends with the own row by lift', () => {
    const strict = groundContact(img, labels, 1, 0.001);
    // The upper band no longer continues into the lower one: it stands at row 5.
    expect(at(strict, 3, 4)).toBeCloseTo(5 / 11, 6);
    const half = groundContact(img, labels, 0.5);
    expect(at(half, 3, 4)).toBeCloseTo((0.5 * 4 + 0.5 * 8) / 11, 6);
  });
});

describe('heuristicDepth', () => {
  it('puts a subject on a plain backdrop in front of the backdrop in the same rows, with the ground plane below', () => {
    const w = 192;
    const h = 144;
    // Backdrop with a soft vertical gradient; a red box standing at rows 60-110, columns 70-120.
    const img = paint(w, h, (x, y) => (x >= 70 && x <= 120 && y >= 60 && y <= 110 ? [210, 40, 40] : [150 - y * 0.2, 150 - y * 0.2, 160 - y * 0.2]));
    const d = heuristicDepth(img);
    expect(d.flat).toBe(false);
    const mean = (x0: number, x1: number, y0: number, y1: number): number => {
      let s = 0;
      let n = 0;
      for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++, n++) s += d.data[y * w + x]!;
      return s / n;
    };
    const subject = mean(80, 110, 65, 100);
    const besideSubject = mean(10, 50, 65, 100);
    expect(subject).toBeGreaterThan(besideSubject + 0.1);
    expect(mean(0, w - 1, h - 8, h - 1)).toBeGreaterThan(mean(0, w - 1, 0, 8) + 0.3);
  });
});

describe('depth scores (bench)', () => {
  const w = 40;
  const h = 30;
  // Truth: a near square (nearness 2) on a far backdrop (nearness 1); a hole of unknown depth.
  const truth = new Float32Array(w * h).fill(1);
  for (let y = 10; y < 20; y++) for (let x = 15; x < 25; x++) truth[y * w + x] = 2;
  for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) truth[y * w + x] = NaN;

  it('finds pairs across the depth edge only, nearer first', () => {
    const pairs = edgePairs(truth, w, h);
    expect(pairs.length).toBeGreaterThan(10);
    for (const [near, far] of pairs) {
      expect(truth[near]).toBe(2);
      expect(truth[far]).toBe(1);
    }
  });

  it('scores the truth 1, the vertical ramp below it, and an inverted map 0', () => {
    const perfect = scoreDepth(truth.map((v) => (Number.isNaN(v) ? 0 : v)), truth, w, h);
    expect(perfect.figureGround).toBe(1);
    expect(perfect.spearman).toBeCloseTo(1, 6);
    const inverted = scoreDepth(truth.map((v) => -v), truth, w, h);
    expect(inverted.figureGround).toBe(0);
    const ramp = scoreDepth(verticalPrior(w, h), truth, w, h);
    expect(ramp.figureGround).toBeGreaterThan(0.3);
    expect(ramp.figureGround).toBeLessThan(0.7);
  });
});
