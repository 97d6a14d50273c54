/**
 * The caption and card fonts (src/captions/font-faces.ts) registered with Node's canvas
 * (@napi-rs/canvas), once per process, from the same @fontsource files the browser loads.
 * Text outside them (emoji, Hebrew, Arabic, ...) falls back to the system's fonts, as in Chromium.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { GlobalFonts } from '@napi-rs/canvas';
import opentype from 'opentype.js';
import { FONT_FACES, glyphFileOf } from '../../captions/font-faces';
import { registerGlyphFont } from '../../frame/glyph-text';

let registered = false;

export function registerOverlayFonts(): void {
  if (registered) return;
  const require = createRequire(import.meta.url);
  for (const face of FONT_FACES) {
    const file = require.resolve(`@fontsource/${face.package}/files/${face.file}`);
    if (!GlobalFonts.registerFromPath(file, face.family)) throw new Error(`could not load the font ${file}`);
    const glyphs = require.resolve(`@fontsource/${face.package}/files/${glyphFileOf(face)}`);
    try {
      const bytes = readFileSync(glyphs);
      registerGlyphFont(face.family, face.weight, opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
    } catch (err) {
      throw new Error(`could not load the font ${glyphs}: ${(err as Error).message}`);
    }
  }
  registered = true;
}
