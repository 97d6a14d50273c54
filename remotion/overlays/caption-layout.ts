/**
 * Lays a caption page out in its band: words wrapped into lines (no longer than the style's
 * characters per line, as its pages were cut, and never wider than the band), the font shrunk so the longest word fits
 * the band's width and the lines its height. Measured with @remotion/layout-utils in the browser,
 * with the caption fonts loaded (remotion/overlays/fonts.ts).
 */
import { measureText } from '@remotion/layout-utils';
import type { CaptionStyle } from '../../src/captions/styles';
import type { CaptionOverlay } from '../../src/frame/overlay';

export interface CaptionLayout {
  fontSize: number;
  /** Each line: indices into the page's words. */
  lines: number[][];
  /** The words as shown (upper-cased where the style says). */
  words: string[];
}

/** Never shrink below this share of the style's size (a page that still does not fit is clipped by its band, not the frame). */
const MIN_SHRINK = 0.2;

export function shownWords(style: CaptionStyle, words: readonly string[]): string[] {
  return style.uppercase ? words.map((w) => w.toUpperCase()) : [...words];
}

/** Horizontal room the outline and the line box take on each side, in px at `fontSize`. */
export function sideRoom(style: CaptionStyle, fontSize: number): number {
  return fontSize * ((style.outline?.width ?? 0) + (style.box?.padding ?? 0));
}

export function layoutCaption(o: Pick<CaptionOverlay, 'words' | 'frame' | 'box' | 'maxCharsPerLine'>, style: CaptionStyle): CaptionLayout {
  const words = shownWords(style, o.words);
  const base = style.fontSize * Math.min(o.frame.width, o.frame.height);
  const width = (text: string, fontSize: number): number =>
    measureText({ text, fontFamily: style.fontFamily, fontWeight: style.fontWeight, fontSize }).width;
  const avail = (fontSize: number): number => o.box.w - 2 * sideRoom(style, fontSize);
  const wrap = (fontSize: number): number[][] => {
    const lines: number[][] = [];
    let line: number[] = [];
    let text = '';
    words.forEach((w, i) => {
      const next = text ? `${text} ${w}` : w;
      if (line.length > 0 && ([...next].length > o.maxCharsPerLine || width(next, fontSize) > avail(fontSize))) {
        lines.push(line);
        line = [i];
        text = w;
      } else {
        line.push(i);
        text = next;
      }
    });
    if (line.length) lines.push(line);
    return lines;
  };
  let fontSize = base;
  // The longest word fits the band's width (measured at the base size; width scales with size).
  const widest = Math.max(0, ...words.map((w) => width(w, base)));
  const room = o.box.w - 2 * sideRoom(style, base);
  if (widest > room) fontSize = Math.max(base * MIN_SHRINK, Math.floor((base * room) / widest));
  let lines = wrap(fontSize);
  // The lines fit the band's height.
  while (lines.length * fontSize * style.lineHeight > o.box.h && fontSize > base * MIN_SHRINK) {
    fontSize = Math.max(base * MIN_SHRINK, Math.floor(fontSize * 0.9));
    lines = wrap(fontSize);
  }
  return { fontSize, lines, words };
}
