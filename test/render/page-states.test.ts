/**
 * Word pixels of a caption page (src/render/overlays/page-states.ts) on hand-made pictures: where
 * the plain and lit pictures differ, each patch goes to one word; states light exactly their words.
 * (That real pages come out exactly as Chromium draws each state: test/render/overlay-stacks.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { CaptionOverlay } from '../../src/frame/overlay';
import { litOf, needsLit, plainOf, sourcesOf, stateRgba, wordPixels, type WordBox } from '../../src/render/overlays/page-states';

const W = 40;
const H = 30;

/** A transparent W x H picture, and one with the given pixels set to an opaque colour. */
function pictures(lit: [number, number][]): { plain: Uint8Array; lit: Uint8Array } {
  const plain = new Uint8Array(W * H * 4);
  const out = plain.slice();
  for (const [x, y] of lit) out.set([0, 200, 0, 255], (y * W + x) * 4);
  return { plain, lit: out };
}

function wordAt(px: ReturnType<typeof wordPixels>, x: number, y: number): number | undefined {
  const k = [...px.pixels].indexOf(y * W + x);
  return k < 0 ? undefined : px.words[k];
}

describe('wordPixels', () => {
  // Two lines whose boxes overlap in rows 14-15; two words on the first line.
  const boxes: WordBox[] = [
    [2, 0, 14, 16],
    [20, 0, 14, 16],
    [2, 14, 14, 16],
  ];

  it('gives a patch to the box holding most of it, a patch only in an overlap to the lower line, and a stray pixel to the nearest box', () => {
    const patch: [number, number][] = [];
    // A descender: rows 10-15 of column 5, mostly in the first line's box, its tip in the overlap.
    for (let y = 10; y <= 15; y++) patch.push([5, y]);
    // An accent wholly in the overlap (rows 14-15), not touching the descender.
    patch.push([10, 14], [11, 14], [10, 15], [11, 15]);
    // The second word, and a pixel right of every box, nearest the second word.
    patch.push([25, 5], [26, 5], [37, 6]);
    const { plain, lit } = pictures(patch);
    const px = wordPixels(plain, lit, W, boxes);
    expect(px.pixels.length).toBe(patch.length);
    for (let y = 10; y <= 15; y++) expect(wordAt(px, 5, y), `descender row ${y}`).toBe(0);
    expect(wordAt(px, 10, 14)).toBe(2);
    expect(wordAt(px, 11, 15)).toBe(2);
    expect(wordAt(px, 25, 5)).toBe(1);
    expect(wordAt(px, 37, 6)).toBe(1);
  });

  it('reads pictures that do not start on a 4-byte boundary', () => {
    const { plain, lit } = pictures([[5, 5], [25, 5]]);
    const shift = (a: Uint8Array): Uint8Array => {
      const b = new Uint8Array(a.length + 1);
      b.set(a, 1);
      return b.subarray(1);
    };
    const px = wordPixels(shift(plain), shift(lit), W, boxes);
    expect([...px.pixels]).toEqual([5 * W + 5, 5 * W + 25]);
    expect([...px.words]).toEqual([0, 1]);
  });

  it('refuses pictures of different sizes, and a difference with no word boxes', () => {
    const { plain, lit } = pictures([[5, 5]]);
    expect(() => wordPixels(plain, lit.subarray(4), W, boxes)).toThrow(/differ in size/);
    expect(() => wordPixels(plain, lit, W, [])).toThrow(/no word boxes/);
    expect(wordPixels(plain, plain, W, []).pixels.length).toBe(0);
  });
});

describe('caption states from two pictures', () => {
  const page = (style: CaptionOverlay['style'], active: number): CaptionOverlay => ({
    kind: 'caption',
    key: `k${active}`,
    frame: { width: 1080, height: 1920 },
    style,
    words: ['one', 'two', 'three'],
    maxCharsPerLine: 18,
    active,
    place: 'bottom',
    box: { x: 0, y: 0, w: 1080, h: 300 },
  });
  const { plain, lit } = pictures([[5, 5], [25, 5], [5, 20]]);
  const px = wordPixels(plain, lit, W, [
    [2, 0, 14, 14],
    [20, 0, 14, 14],
    [2, 16, 14, 14],
  ]);
  const litWords = (rgba: Uint8Array): boolean[] => [[5, 5], [25, 5], [5, 20]].map(([x, y]) => rgba[(y! * W + x!) * 4 + 3] === 255);

  it('highlight lights the spoken word only; fill (karaoke) every word spoken so far; before the first word, none', () => {
    expect(litWords(stateRgba(page('bold', 1), plain, lit, px))).toEqual([false, true, false]);
    expect(litWords(stateRgba(page('karaoke', 1), plain, lit, px))).toEqual([true, true, false]);
    expect(litWords(stateRgba(page('karaoke', 2), plain, lit, px))).toEqual([true, true, true]);
    expect(stateRgba(page('bold', -1), plain, null, null)).toBe(plain);
  });

  it('draws a page plain and lit only where a state lights a word (never for subtitles, which emphasise none)', () => {
    expect(sourcesOf(page('bold', 0)).map((o) => (o as CaptionOverlay).litAll ?? false)).toEqual([false, true]);
    expect(sourcesOf(page('bold', -1))).toHaveLength(1);
    expect(sourcesOf(page('subtitle', 2))).toHaveLength(1);
    expect(needsLit(page('subtitle', 2))).toBe(false);
    // The plain page is the video's own state before the first word: the same key, shared in the cache.
    const { key: _k, ...rest } = page('bold', -1);
    expect(plainOf(page('bold', 2)).key).toBe(JSON.stringify(rest));
    expect(litOf(page('bold', 2)).key).not.toBe(plainOf(page('bold', 2)).key);
  });
});
