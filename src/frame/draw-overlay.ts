/**
 * Draws an overlay (src/frame/overlay.ts: a caption page, a title/end card, a cover title) on a
 * canvas 2D context: the one drawing of overlays. The browser draws it over the scenes
 * (remotion/overlays/OverlayCanvas.tsx: Studio, Chromium renders, Lambda) and Node draws it with
 * @napi-rs/canvas for the frames it draws itself (src/render/overlays/overlay-pictures.ts). Words
 * are glyph outlines from the font files (glyph-text.ts), which both canvases rasterise to the same
 * pixels (test/frame/draw-overlay-parity.test.ts); only words the bundled fonts cannot draw use
 * the canvas's own text.
 *
 * Layout: the lines (text-layout.ts) stand in a column in the overlay's band, centred across and
 * held at the band's top, middle or bottom (a card: its middle), each line box `lineHeight` font
 * sizes tall with the font's ascent and descent centred in it; nothing is drawn outside the band.
 * Each line paints the style's line box (subtitle), then every word's outline with the shadow under
 * it, then every word's fill (the spoken word in the active colour), so every word state is drawn
 * whole. Right-to-left words are ordered by the line's direction (visualOrder).
 * Pure module (browser + Node).
 */
import { CAPTION_STYLES, wordLit, type CaptionStyle } from '../captions/styles';
import { CARD_SUBTITLE_STYLE, CARD_TITLE_STYLE } from '../cards/card-style';
import type { Overlay } from './overlay';
import type { Box } from './safe-zone';
import { glyphMetrics, glyphPath } from './glyph-text';
import { fontOf, layoutCard, layoutText, textWidth, type TextLayout, type TextMeasure } from './text-layout';

/** What drawing needs of a canvas 2D context (the browser's and @napi-rs/canvas's both are). */
export interface OverlayCanvas extends TextMeasure {
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  lineJoin: CanvasLineJoin;
  shadowColor: string;
  shadowBlur: number;
  shadowOffsetX: number;
  shadowOffsetY: number;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
  direction: CanvasDirection;
  textRendering?: string;
  save(): void;
  restore(): void;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  beginPath(): void;
  rect(x: number, y: number, w: number, h: number): void;
  roundRect(x: number, y: number, w: number, h: number, radii?: number): void;
  clip(): void;
  fill(path?: unknown): void;
  stroke(path?: unknown): void;
  fillText(text: string, x: number, y: number): void;
  strokeText(text: string, x: number, y: number): void;
}

/** Where a drawing goes: output pixels per frame px, and the output pixel the canvas's top left corner is. */
export interface DrawTarget {
  scale: number;
  originX: number;
  originY: number;
  /** The canvas's Path2D from SVG path data (the browser's, or @napi-rs/canvas's). */
  path: (d: string) => unknown;
}

/** Space between the boxes of two lines (subtitle style), as a share of the font size. */
const LINE_BOX_GAP = 0.12;

/** One block of lines in one style (a caption page; a card's title or its smaller line). */
interface Block {
  style: CaptionStyle;
  layout: TextLayout;
  /** Each word's fill colour. */
  colour: (word: number) => string;
}

/** The height a block takes (its line boxes and the gaps between them), px. */
function blockHeight({ style, layout }: Block): number {
  const n = layout.lines.length;
  return n * layout.fontSize * style.lineHeight + (style.box ? (n - 1) * layout.fontSize * LINE_BOX_GAP : 0);
}

/** The blocks an overlay draws, top to bottom, and where in its band they sit. */
function blocksOf(ctx: OverlayCanvas, o: Overlay): { blocks: Block[]; place: 'top' | 'middle' | 'bottom' } {
  if (o.kind === 'caption') {
    const style = CAPTION_STYLES[o.style];
    const layout = layoutText(ctx, o, style);
    const colour = (i: number): string => (wordLit(style.emphasis, i, o.active) ? style.activeColor : style.color);
    return { blocks: [{ style, layout, colour }], place: o.place };
  }
  const { title, subtitle } = layoutCard(ctx, o);
  const blocks: Block[] = [{ style: CARD_TITLE_STYLE, layout: title, colour: () => CARD_TITLE_STYLE.color }];
  if (subtitle) blocks.push({ style: CARD_SUBTITLE_STYLE, layout: subtitle, colour: () => CARD_SUBTITLE_STYLE.color });
  return { blocks, place: 'middle' };
}

/** Draws `o` on `ctx` (its transform is set here; the canvas is not cleared). */
export function drawOverlay(ctx: OverlayCanvas, o: Overlay, target: DrawTarget): void {
  const { scale } = target;
  const { blocks, place } = blocksOf(ctx, o);
  const box: Box = o.box;
  const height = blocks.reduce((h, b) => h + blockHeight(b), 0);
  let top = place === 'top' ? box.y : place === 'bottom' ? box.y + box.h - height : box.y + (box.h - height) / 2;
  ctx.save();
  ctx.setTransform(scale, 0, 0, scale, -target.originX, -target.originY);
  ctx.beginPath();
  ctx.rect(box.x, box.y, box.w, box.h);
  ctx.clip();
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  // For words drawn as text (glyph-text.ts cannot draw them): unhinted advances, as Node's canvas has them (Chromium otherwise rounds a web font's to whole pixels).
  ctx.textRendering = 'geometricPrecision';
  ctx.lineJoin = 'round';
  const centre = box.x + box.w / 2;
  // Glyph origins on whole output pixels: rasterisers differ in how (and whether) they place glyphs between pixels.
  const snapX = (v: number): number => (Math.round(v * scale - target.originX) + target.originX) / scale;
  const snapY = (v: number): number => (Math.round(v * scale - target.originY) + target.originY) / scale;
  for (const block of blocks) {
    const { style, layout } = block;
    const size = layout.fontSize;
    const lineBox = size * style.lineHeight;
    const space = textWidth(ctx, style, size, ' ');
    const { ascent, descent } = glyphMetrics(style, size);
    for (const line of layout.lines) {
      const widths = line.map((i) => textWidth(ctx, style, size, layout.words[i]!));
      const lineWidth = widths.reduce((a, b) => a + b, 0) + space * (line.length - 1);
      // The em box (ascent + descent) centred in the line box, as CSS lays a line out.
      const baseline = snapY(top + (lineBox - (ascent + descent)) / 2 + ascent);
      ctx.font = fontOf(style, size);
      // Each word's left edge, in the order the line shows them.
      const xs = new Map<number, number>();
      let x = centre - lineWidth / 2;
      for (const k of visualOrder(line.map((i) => layout.words[i]!))) {
        xs.set(k, snapX(x));
        x += widths[k]! + space;
      }
      if (style.box) {
        const pad = style.box.padding * size;
        ctx.fillStyle = style.box.color;
        ctx.beginPath();
        ctx.roundRect(centre - lineWidth / 2 - pad, top, lineWidth + 2 * pad, lineBox, pad);
        ctx.fill();
      }
      const paint = (stroke: boolean, shadow: boolean): void => {
        if (shadow && style.shadow) {
          // Shadows are in output pixels (a canvas transform does not scale them).
          ctx.shadowOffsetX = style.shadow[0] * size * scale;
          ctx.shadowOffsetY = style.shadow[1] * size * scale;
          ctx.shadowBlur = style.shadow[2] * size * scale;
          ctx.shadowColor = style.shadow[3];
        } else ctx.shadowColor = 'rgba(0,0,0,0)';
        line.forEach((i, k) => {
          const word = layout.words[i]!;
          if (!stroke) ctx.fillStyle = block.colour(i);
          const d = glyphPath(style, size, word, xs.get(k)!, baseline);
          if (d !== null) {
            if (stroke) ctx.stroke(target.path(d));
            else ctx.fill(target.path(d));
            return;
          }
          // Characters the bundled fonts lack: the canvas's own text, shaped in the word's direction.
          ctx.direction = isRightToLeft(word) ? 'rtl' : 'ltr';
          if (stroke) ctx.strokeText(word, xs.get(k)!, baseline);
          else ctx.fillText(word, xs.get(k)!, baseline);
        });
      };
      if (style.outline) {
        ctx.strokeStyle = style.outline.color;
        ctx.lineWidth = 2 * style.outline.width * size;
        // The outline is painted under the fill and casts the shadow.
        paint(true, true);
        paint(false, false);
      } else paint(false, true);
      top += lineBox + (style.box ? size * LINE_BOX_GAP : 0);
    }
  }
  ctx.restore();
}

const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
const STRONG = /[\p{L}\u0590-\u08FF]/u;

/** Whether a word's first strong letter is right-to-left (Hebrew, Arabic, Syriac, Thaana, N'Ko). */
export function isRightToLeft(word: string): boolean {
  const m = STRONG.exec(word);
  return m !== null && RTL.test(m[0]);
}

/**
 * The order a line shows its words in (indices into `words`, left to right), by the Unicode
 * bidirectional algorithm at word granularity: the line's direction is its first strong word's
 * (rule P2-P3, as CSS `unicode-bidi: plaintext`), a word without letters takes the direction its
 * neighbours share (else the line's), and runs of words against the line's direction keep their own
 * order inside it (rule L2).
 */
export function visualOrder(words: readonly string[]): number[] {
  const strong = words.map((w) => (STRONG.test(w) ? (isRightToLeft(w) ? 'R' : 'L') : null));
  const base = strong.find((s) => s !== null) ?? 'L';
  const dir = strong.map((s, i) => {
    if (s) return s;
    const before = strong.slice(0, i).reverse().find((x) => x !== null) ?? base;
    const after = strong.slice(i + 1).find((x) => x !== null) ?? base;
    return before === after ? before : base;
  });
  // Embedding levels: a left-to-right line is level 0 with right-to-left words at 1; a right-to-left line is level 1 with left-to-right words at 2.
  const levels = dir.map((d) => (base === 'L' ? (d === 'R' ? 1 : 0) : d === 'R' ? 1 : 2));
  const order = words.map((_, i) => i);
  for (let level = Math.max(0, ...levels); level >= 1; level--) {
    for (let i = 0; i < order.length; ) {
      if (levels[order[i]!]! < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < order.length && levels[order[j]!]! >= level) j++;
      order.splice(i, j - i, ...order.slice(i, j).reverse());
      i = j;
    }
  }
  return order;
}
