/** The test page of draw-overlay-parity.test.ts: loads the fonts as remotion/overlays/fonts.ts does, and draws an overlay on a canvas. */
import opentype from 'opentype.js';
import { FONT_FACES, glyphFileOf } from '../../src/captions/font-faces';
import { drawOverlay } from '../../src/frame/draw-overlay';
import { registerGlyphFont } from '../../src/frame/glyph-text';
import type { Overlay } from '../../src/frame/overlay';

export async function loadFonts(base: string): Promise<void> {
  await Promise.all(
    FONT_FACES.map(async (f) => {
      const face = new FontFace(f.family, `url(${base}/${f.file}) format('woff2')`, { weight: f.weight, unicodeRange: f.unicodeRange });
      document.fonts.add(await face.load());
      const bytes = await (await fetch(`${base}/${glyphFileOf(f)}`)).arrayBuffer();
      registerGlyphFont(f.family, f.weight, opentype.parse(bytes));
    }),
  );
}

/** The RGBA of `o` drawn in its picture region `r`, as base64 (quicker to hand over than an array of numbers). */
export function draw(o: Overlay, scale: number, r: { x: number; y: number; width: number; height: number }): string {
  const canvas = document.createElement('canvas');
  canvas.width = r.width;
  canvas.height = r.height;
  const ctx = canvas.getContext('2d')!;
  drawOverlay(ctx, o, { scale, originX: r.x, originY: r.y, path: (d) => new Path2D(d) });
  const data = ctx.getImageData(0, 0, r.width, r.height).data;
  let binary = '';
  for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(binary);
}
