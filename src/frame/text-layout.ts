/**
 * Lays the text of an overlay out in its band: words wrapped into lines (no longer than the style's
 * characters per line, as its pages were cut, and never wider than the band), the font shrunk so
 * the longest word fits the band's width and the lines its height. Measured from the style's font
 * files (glyph-text.ts), so lines break in the same place in the browser and in Node; words the
 * fonts cannot draw are measured by the canvas they are drawn on (src/frame/draw-overlay.ts). Pure module.
 */
import type { CaptionStyle } from '../captions/styles';
import { glyphAdvance } from './glyph-text';
import { CARD_SUBTITLE_CHARS_PER_LINE, CARD_SUBTITLE_SHARE, CARD_SUBTITLE_STYLE, CARD_TITLE_CHARS_PER_LINE, CARD_TITLE_STYLE } from '../cards/card-style';
import type { CardOverlay, CaptionOverlay } from './overlay';
import type { Box } from './safe-zone';

/** What layout needs of a canvas 2D context (the browser's and @napi-rs/canvas's both are). */
export interface TextMeasure {
  font: string;
  textRendering?: string;
  measureText(text: string): { width: number };
}

export interface TextLayout {
  fontSize: number;
  /** Each line: indices into `words`. */
  lines: number[][];
  /** The words as shown (upper-cased where the style says). */
  words: string[];
}

/** Never shrink below this share of the style's size (a page that still does not fit is clipped by its band, not the frame). */
const MIN_SHRINK = 0.2;

/** The canvas font of a style at a size. */
export function fontOf(style: CaptionStyle, fontSize: number): string {
  return `${style.fontWeight} ${fontSize}px ${style.fontFamily}, sans-serif`;
}

export function shownWords(style: CaptionStyle, words: readonly string[]): string[] {
  return style.uppercase ? words.map((w) => w.toUpperCase()) : [...words];
}

/** Horizontal room the outline and the line box take on each side, in px at `fontSize`. */
export function sideRoom(style: CaptionStyle, fontSize: number): number {
  return fontSize * ((style.outline?.width ?? 0) + (style.box?.padding ?? 0));
}

/** The width of `text` in `style` at `fontSize` (px). */
export function textWidth(ctx: TextMeasure, style: CaptionStyle, fontSize: number, text: string): number {
  // From the font file where it has every character (the same number in the browser and in Node).
  const advance = glyphAdvance(style, fontSize, text);
  if (advance !== null) return advance;
  ctx.font = fontOf(style, fontSize);
  ctx.textRendering = 'geometricPrecision';
  return ctx.measureText(text).width;
}

export function layoutText(ctx: TextMeasure, o: Pick<CaptionOverlay, 'words' | 'frame' | 'box' | 'maxCharsPerLine'>, style: CaptionStyle): TextLayout {
  const words = shownWords(style, o.words);
  const base = style.fontSize * Math.min(o.frame.width, o.frame.height);
  const width = (text: string, fontSize: number): number => textWidth(ctx, style, fontSize, text);
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

/** A card's title and its smaller line (or null), each fitted to its share of the band. */
export function layoutCard(ctx: TextMeasure, o: CardOverlay): { title: TextLayout; subtitle: TextLayout | null } {
  const { box } = o;
  const part = (text: string, style: CaptionStyle, maxCharsPerLine: number, within: Box): TextLayout =>
    layoutText(ctx, { frame: o.frame, box: within, words: text.split(/\s+/).filter(Boolean), maxCharsPerLine }, style);
  const subtitle = o.subtitle ? part(o.subtitle, CARD_SUBTITLE_STYLE, CARD_SUBTITLE_CHARS_PER_LINE, { ...box, h: Math.round(box.h * CARD_SUBTITLE_SHARE) }) : null;
  const subtitleHeight = subtitle ? subtitle.lines.length * subtitle.fontSize * CARD_SUBTITLE_STYLE.lineHeight : 0;
  const title = part(o.text, CARD_TITLE_STYLE, CARD_TITLE_CHARS_PER_LINE, { ...box, h: box.h - subtitleHeight });
  return { title, subtitle };
}
