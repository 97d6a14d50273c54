/**
 * The caption fonts (src/captions/font-faces.ts), loaded from the @fontsource packages' woff2 files,
 * which the bundler copies into the bundle (no internet at render time). Loaded the first time a
 * caption is drawn; a frame with a caption is not captured before they are in, and text is not
 * measured before (a measurement taken with a fallback font would be cached and lay out wrong).
 */
import { loadFont } from '@remotion/fonts';
import { useEffect, useState } from 'react';
import { cancelRender, continueRender, delayRender } from 'remotion';
import opentype from 'opentype.js';
import { FONT_FACES, glyphFileOf } from '../../src/captions/font-faces';
import { registerGlyphFont } from '../../src/frame/glyph-text';
import interLatin600 from '@fontsource/inter/files/inter-latin-600-normal.woff2';
import interLatinExt600 from '@fontsource/inter/files/inter-latin-ext-600-normal.woff2';
import montserratLatin800 from '@fontsource/montserrat/files/montserrat-latin-800-normal.woff2';
import montserratLatin900 from '@fontsource/montserrat/files/montserrat-latin-900-normal.woff2';
import montserratLatinExt800 from '@fontsource/montserrat/files/montserrat-latin-ext-800-normal.woff2';
import montserratLatinExt900 from '@fontsource/montserrat/files/montserrat-latin-ext-900-normal.woff2';
import interLatin600Woff from '@fontsource/inter/files/inter-latin-600-normal.woff';
import interLatinExt600Woff from '@fontsource/inter/files/inter-latin-ext-600-normal.woff';
import montserratLatin800Woff from '@fontsource/montserrat/files/montserrat-latin-800-normal.woff';
import montserratLatin900Woff from '@fontsource/montserrat/files/montserrat-latin-900-normal.woff';
import montserratLatinExt800Woff from '@fontsource/montserrat/files/montserrat-latin-ext-800-normal.woff';
import montserratLatinExt900Woff from '@fontsource/montserrat/files/montserrat-latin-ext-900-normal.woff';

/** The bundled URL of each file of FONT_FACES (imported one by one, so the bundler copies them). */
const URLS: Record<string, string> = {
  'montserrat-latin-900-normal.woff2': montserratLatin900,
  'montserrat-latin-ext-900-normal.woff2': montserratLatinExt900,
  'montserrat-latin-800-normal.woff2': montserratLatin800,
  'montserrat-latin-ext-800-normal.woff2': montserratLatinExt800,
  'inter-latin-600-normal.woff2': interLatin600,
  'inter-latin-ext-600-normal.woff2': interLatinExt600,
  'montserrat-latin-900-normal.woff': montserratLatin900Woff,
  'montserrat-latin-ext-900-normal.woff': montserratLatinExt900Woff,
  'montserrat-latin-800-normal.woff': montserratLatin800Woff,
  'montserrat-latin-ext-800-normal.woff': montserratLatinExt800Woff,
  'inter-latin-600-normal.woff': interLatin600Woff,
  'inter-latin-ext-600-normal.woff': interLatinExt600Woff,
};

let loading: Promise<void> | null = null;
let loaded = false;

function loadCaptionFonts(): Promise<void> {
  loading ??= Promise.all(
    FONT_FACES.map((f) => {
      const url = URLS[f.file];
      if (!url) return Promise.reject(new Error(`caption font ${f.file} is not imported by remotion/overlays/fonts.ts`));
      const glyphs = URLS[glyphFileOf(f)];
      if (!glyphs) return Promise.reject(new Error(`caption font ${glyphFileOf(f)} is not imported by remotion/overlays/fonts.ts`));
      // The FontFace serves the canvas's own text (words the outlines cannot draw); the outlines, everything else (src/frame/glyph-text.ts).
      return Promise.all([
        loadFont({ family: f.family, weight: f.weight, url, unicodeRange: f.unicodeRange, format: 'woff2' }),
        fetch(glyphs)
          .then((r) => {
            if (!r.ok) throw new Error(`HTTP ${r.status}`);
            return r.arrayBuffer();
          })
          .then((bytes) => registerGlyphFont(f.family, f.weight, opentype.parse(bytes)))
          .catch((err: unknown) => {
            throw new Error(`caption font ${glyphFileOf(f)} (${glyphs}) could not be loaded: ${(err as Error).message}`);
          }),
      ]);
    }),
  ).then(() => {
    loaded = true;
  });
  return loading;
}

/** Whether the caption fonts are in; until they are, the frame is held (delayRender). */
export function useCaptionFonts(): boolean {
  const [ready, setReady] = useState(loaded);
  // Created while rendering (not in an effect), so the frame waits from its very first render.
  const [handle] = useState(() => (loaded ? null : delayRender('Loading caption fonts')));
  useEffect(() => {
    if (handle === null) return;
    let mounted = true;
    loadCaptionFonts().then(
      () => {
        if (mounted) setReady(true);
        else continueRender(handle);
      },
      (err: unknown) => cancelRender(err),
    );
    return () => {
      mounted = false;
    };
  }, [handle]);
  // Released once the text laid out with the fonts is committed.
  useEffect(() => {
    if (ready && handle !== null) continueRender(handle);
  }, [ready, handle]);
  return ready;
}
