/**
 * How many caption pictures one Chromium frame of the overlay pass holds: every frame is as tall as
 * the fullest, so the choice trades empty rows (the first frame holds one page) against frames.
 */
import { describe, expect, it } from 'vitest';
import type { CaptionOverlay, Overlay, OverlayRegion } from '../../src/frame/overlay';
import { stackCapacity, stackStarts } from '../../src/render/overlays/overlay-pictures';

/** The two pictures Chromium draws of each page (plain and lit), in the order frames show them. */
function sources(pages: number): Overlay[] {
  return Array.from({ length: pages }, (_, p) =>
    [false, true].map((lit): CaptionOverlay => {
      const o: Omit<CaptionOverlay, 'key'> = {
        kind: 'caption',
        frame: { width: 1080, height: 1920 },
        style: 'bold',
        words: ['page', String(p)],
        maxCharsPerLine: 18,
        active: -1,
        ...(lit ? { litAll: true as const } : {}),
        place: 'bottom',
        box: { x: 65, y: 269, w: 950, h: 326 },
      };
      return { ...o, key: JSON.stringify(o) };
    }),
  ).flat();
}

/** One band of `width` x `height` px for every picture of `list` (stacked at a pitch of its height, scale 1). */
function capacityFor(list: Overlay[], width: number, height: number): number {
  const regions: OverlayRegion[] = list.map(() => ({ x: 0, y: 0, width, height }));
  return stackCapacity(list, regions, height, 1);
}

/** Frames, and the rows they draw in all (each as tall as the fullest), in pictures. */
function cost(list: Overlay[], capacity: number): { frames: number; slots: number; sizes: number[] } {
  const starts = stackStarts(list, capacity);
  const sizes = starts.map((from, f) => (starts[f + 1] ?? list.length) - from);
  return { frames: starts.length, slots: starts.length * Math.max(...sizes), sizes };
}

describe('overlay pass stacks', () => {
  it('the first page alone, then whole pages; every picture in exactly one frame', () => {
    const list = sources(7);
    for (let capacity = 1; capacity <= 8; capacity++) {
      const { sizes } = cost(list, capacity);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(14);
      expect(sizes[0]).toBe(Math.min(2, capacity));
      if (capacity >= 2) for (const s of sizes) expect(s % 2, `capacity ${capacity}: ${sizes}`).toBe(0);
    }
  });

  it('for 9:16 bold bands (950x326), draws fewer empty rows than full stacks of eight', () => {
    const list = sources(7);
    const capacity = capacityFor(list, 950, 326);
    const chosen = cost(list, capacity);
    const eight = cost(list, 8);
    // Eight a frame: frames of 2, 8 and 4 pictures, all 8 tall - 24 pictures' rows for 14 pictures.
    expect(eight).toEqual({ frames: 3, slots: 24, sizes: [2, 8, 4] });
    expect(chosen.slots).toBeLessThan(eight.slots);
    expect(chosen.slots).toBeLessThanOrEqual(16);
  });

  it('stacks full frames when a frame costs more than its rows, and one page a frame when rows cost most', () => {
    const list = sources(20);
    // Tiny bands: a frame's own cost is all there is - the fewest frames.
    expect(capacityFor(list, 10, 10)).toBe(8);
    // Huge bands: empty rows are all there is - no frame taller than a page.
    expect(capacityFor(list, 5000, 4000)).toBe(2);
  });
});
