/**
 * A caption page's word states from two pictures. The states of a page (word i spoken: word i in
 * the active colour, or words 0..i for `fill`) differ from each other only in the fill colour of
 * whole words (remotion/overlays/CaptionOverlay.tsx: outline, shadow, line boxes and layout do not
 * depend on the spoken word). So Chromium renders the page twice - no word lit (`plainOf`) and
 * every word lit (`litOf`, which also reports each word's box) - and every state is the plain
 * picture with the pixels where the two differ taken from the lit one for the words that state
 * lights. Each such pixel belongs to the word whose box holds its glyph (`wordPixels`: a word's
 * fill, with its anti-aliased edge, lies in or at its box, a space away from the next word's).
 * The result is the state as Chromium draws it alone (test/render/overlay-stacks.test.ts compares
 * them byte for byte); a page of n words costs two pictures instead of n + 1.
 */
import { CAPTION_STYLES, wordLit } from '../../captions/styles';
import { overlayKey, type CaptionOverlay, type Overlay } from '../../frame/overlay';

/** A word's box in a picture's pixels: [x, y, width, height]. */
export type WordBox = [number, number, number, number];

function keyed(o: Omit<CaptionOverlay, 'key'>): CaptionOverlay {
  return { ...o, key: overlayKey(o) };
}

/** The page of caption state `o` with no word lit (a state of the video itself: before the first word). */
export function plainOf(o: CaptionOverlay): CaptionOverlay {
  const { key: _key, litAll: _lit, ...page } = o;
  return keyed({ ...page, active: -1 });
}

/** The page of caption state `o` with every word lit (drawn only to make states from). */
export function litOf(o: CaptionOverlay): CaptionOverlay {
  const { key: _key, litAll: _lit, ...page } = o;
  return keyed({ ...page, active: -1, litAll: true });
}

/** Whether state `o` shows any word lit (else it is its page's plain picture). */
export function needsLit(o: CaptionOverlay): boolean {
  return !o.litAll && o.words.some((_, i) => wordLit(CAPTION_STYLES[o.style].emphasis, i, o.active));
}

/**
 * The overlays Chromium draws for `o`'s picture: a caption state's plain page (and its lit page
 * when the state lights a word); anything else, itself.
 */
export function sourcesOf(o: Overlay): Overlay[] {
  if (o.kind !== 'caption' || o.litAll) return [o];
  return needsLit(o) ? [plainOf(o), litOf(o)] : [plainOf(o)];
}

/** The pixels where a page's plain and lit pictures differ, and the word each belongs to. */
export interface WordPixels {
  /** Pixel indices (y * width + x). */
  pixels: Uint32Array;
  /** Per pixel, the index of its word. */
  words: Uint16Array;
}

/**
 * Finds where `plain` and `lit` (RGBA, `width` px a row, same size) differ, and gives each such
 * pixel to a word. A glyph's fill is one connected patch of them (a dot or an accent, its own), and
 * goes whole to the word whose box holds most of its pixels: lines' boxes overlap a little (a line
 * box is taller than the line height), so a descender's tip may lie in the next line's box too,
 * but the rest of its glyph does not. A patch only in such an overlap (an accent on the next line's
 * capital) goes to the lower line; a pixel outside every box (a glyph overhanging its advance), to the nearest.
 */
export function wordPixels(plain: Uint8Array, lit: Uint8Array, width: number, boxes: readonly WordBox[]): WordPixels {
  if (plain.length !== lit.length) throw new Error(`page pictures differ in size (${plain.length} and ${lit.length} bytes)`);
  const n = plain.length >> 2;
  const height = n / width;
  // Whole pixels compared at once where both start on a 4-byte boundary (a subarray of a larger buffer need not).
  const aligned = plain.byteOffset % 4 === 0 && lit.byteOffset % 4 === 0;
  const a = aligned ? new Uint32Array(plain.buffer, plain.byteOffset, n) : null;
  const b = aligned ? new Uint32Array(lit.buffer, lit.byteOffset, n) : null;
  const differs = new Uint8Array(n);
  let count = 0;
  for (let p = 0; p < n; p++) {
    if (a && b ? a[p] === b[p] : plain[4 * p] === lit[4 * p] && plain[4 * p + 1] === lit[4 * p + 1] && plain[4 * p + 2] === lit[4 * p + 2] && plain[4 * p + 3] === lit[4 * p + 3]) continue;
    differs[p] = 1;
    count++;
  }
  const pixels = new Uint32Array(count);
  const words = new Uint16Array(count);
  if (!count) return { pixels, words };
  if (!boxes.length) throw new Error('a lit caption page differs from its plain page, but no word boxes were reported');
  const B = boxes.length;
  const x0 = Float64Array.from(boxes, (box) => box[0]);
  const y0 = Float64Array.from(boxes, (box) => box[1]);
  const x1 = Float64Array.from(boxes, (box) => box[0] + box[2]);
  const y1 = Float64Array.from(boxes, (box) => box[1] + box[3]);
  const votes = new Uint32Array(B);
  const within = new Uint8Array(B);
  const queue = new Uint32Array(count);
  let filled = 0;
  for (let seed = 0; seed < n; seed++) {
    if (differs[seed] !== 1) continue;
    // One connected patch (8 neighbours), breadth first; `differs` 2 = taken.
    const from = filled;
    let head = filled;
    queue[filled++] = seed;
    differs[seed] = 2;
    votes.fill(0);
    within.fill(0);
    let nearest = 0;
    let nearestD = Infinity;
    while (head < filled) {
      const p = queue[head++]!;
      const px = p % width;
      const py = (p - px) / width;
      const x = px + 0.5;
      const y = py + 0.5;
      let inside = -1;
      let insideCount = 0;
      for (let w = 0; w < B; w++) {
        const dx = Math.max(x0[w]! - x, 0, x - x1[w]!);
        const dy = Math.max(y0[w]! - y, 0, y - y1[w]!);
        const d = dx * dx + dy * dy;
        if (d === 0) {
          inside = w;
          insideCount++;
          within[w] = 1;
        } else if (d < nearestD) {
          nearestD = d;
          nearest = w;
        }
      }
      if (insideCount === 1) votes[inside]!++;
      for (let dy = -1; dy <= 1; dy++) {
        const qy = py + dy;
        if (qy < 0 || qy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const qx = px + dx;
          if (qx < 0 || qx >= width) continue;
          const q = qy * width + qx;
          if (differs[q] !== 1) continue;
          differs[q] = 2;
          queue[filled++] = q;
        }
      }
    }
    let word = -1;
    for (let w = 0; w < B; w++) if (votes[w]! > 0 && (word < 0 || votes[w]! > votes[word]!)) word = w;
    // Only in overlaps: the lowest box it is in; in none: the nearest.
    if (word < 0) for (let w = 0; w < B; w++) if (within[w] && (word < 0 || y0[w]! > y0[word]!)) word = w;
    if (word < 0) word = nearest;
    for (let k = from; k < filled; k++) {
      pixels[k] = queue[k]!;
      words[k] = word;
    }
  }
  return { pixels, words };
}

/** State `o`'s RGBA from its page's plain and lit pictures (`plain` itself when it lights no word). */
export function stateRgba(o: CaptionOverlay, plain: Uint8Array, lit: Uint8Array | null, differ: WordPixels | null): Uint8Array {
  if (!needsLit(o)) return plain;
  if (!lit || !differ) throw new Error(`caption state needs its page's lit picture: ${o.key}`);
  const emphasis = CAPTION_STYLES[o.style].emphasis;
  const out = plain.slice();
  const { pixels, words } = differ;
  for (let k = 0; k < pixels.length; k++) {
    if (!wordLit(emphasis, words[k]!, o.active)) continue;
    const at = pixels[k]! * 4;
    out[at] = lit[at]!;
    out[at + 1] = lit[at + 1]!;
    out[at + 2] = lit[at + 2]!;
    out[at + 3] = lit[at + 3]!;
  }
  return out;
}
