/**
 * Text as glyph outlines from the style's own font files (opentype.js): advances, kerning and
 * metrics read from the font, and each word drawn as a path. A canvas rasterises the same path to
 * the same pixels in Chromium and in Node's Skia (measured: byte for byte, outline and shadow
 * included), where `fillText` does not (each applies its own glyph hinting and gamma). Words with a
 * character the bundled fonts lack (emoji, Hebrew, Arabic, ...) are measured and drawn by the
 * canvas's own text (system fonts). The fonts are registered by each side: the browser
 * (remotion/overlays/fonts.ts) and Node (src/render/overlays/node-fonts.ts). Pure module.
 */
import type { Font } from 'opentype.js';
import { RecentMap } from '../cache/recent-map';
import type { CaptionStyle } from '../captions/styles';

/** The parsed faces of each family and weight, in FONT_FACES order (latin, then latin-ext). */
const faces = new Map<string, Font[]>();

const keyOf = (family: string, weight: string | number): string => `${family} ${weight}`;

export function registerGlyphFont(family: string, weight: string, font: Font): void {
  const list = faces.get(keyOf(family, weight)) ?? [];
  list.push(font);
  faces.set(keyOf(family, weight), list);
}

function facesOf(style: CaptionStyle): Font[] {
  const list = faces.get(keyOf(style.fontFamily, style.fontWeight));
  if (!list?.length) throw new Error(`font ${style.fontFamily} ${style.fontWeight} is not loaded`);
  return list;
}

/** The text cut into runs, each of one face that has all its characters; null when a character is in none. */
function runs(style: CaptionStyle, text: string): { font: Font; text: string }[] | null {
  const list = facesOf(style);
  const out: { font: Font; text: string }[] = [];
  for (const ch of text) {
    const font = list.find((f) => f.charToGlyphIndex(ch) > 0);
    if (!font) return null;
    const last = out.at(-1);
    if (last && last.font === font) last.text += ch;
    else out.push({ font, text: ch });
  }
  return out;
}

/** The advance width of `text` at `size` (kerned), or null when the fonts lack one of its characters. */
export function glyphAdvance(style: CaptionStyle, size: number, text: string): number | null {
  const r = runs(style, text);
  return r ? r.reduce((w, run) => w + run.font.getAdvanceWidth(run.text, size, { kerning: true }), 0) : null;
}

/** Outlines made lately: a page's word states draw the same words at the same places. */
const recentPaths = new RecentMap<string, string | null>(256);

/** The outline of `text` with its baseline's left end at (x, y), as SVG path data, or null when the fonts lack a character. */
export function glyphPath(style: CaptionStyle, size: number, text: string, x: number, y: number): string | null {
  return recentPaths.get(`${style.fontFamily} ${style.fontWeight} ${size} ${x} ${y} ${text}`, () => {
    const r = runs(style, text);
    if (!r) return null;
    let at = x;
    let d = '';
    for (const run of r) {
      d += run.font.getPath(run.text, at, y, size, { kerning: true }).toPathData(3);
      at += run.font.getAdvanceWidth(run.text, size, { kerning: true });
    }
    return d;
  });
}

/** The font's ascent and descent (its hhea line metrics) at `size`, px. */
export function glyphMetrics(style: CaptionStyle, size: number): { ascent: number; descent: number } {
  const font = facesOf(style)[0]!;
  return { ascent: (font.ascender / font.unitsPerEm) * size, descent: (-font.descender / font.unitsPerEm) * size };
}
