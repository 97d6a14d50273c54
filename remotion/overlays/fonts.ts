/**
 * The caption fonts (src/captions/styles.ts), loaded from the @fontsource packages' woff2 files,
 * which the bundler copies into the bundle (no internet at render time). Loaded the first time a
 * caption is drawn; a frame with a caption is not captured before they are in, and text is not
 * measured before (a measurement taken with a fallback font would be cached and lay out wrong).
 */
import { loadFont } from '@remotion/fonts';
import { useEffect, useState } from 'react';
import { cancelRender, continueRender, delayRender } from 'remotion';
import interLatin600 from '@fontsource/inter/files/inter-latin-600-normal.woff2';
import interLatinExt600 from '@fontsource/inter/files/inter-latin-ext-600-normal.woff2';
import montserratLatin800 from '@fontsource/montserrat/files/montserrat-latin-800-normal.woff2';
import montserratLatin900 from '@fontsource/montserrat/files/montserrat-latin-900-normal.woff2';
import montserratLatinExt800 from '@fontsource/montserrat/files/montserrat-latin-ext-800-normal.woff2';
import montserratLatinExt900 from '@fontsource/montserrat/files/montserrat-latin-ext-900-normal.woff2';

// The unicode ranges of fontsource's `latin` and `latin-ext` subsets (as in its CSS files).
const LATIN = 'U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD';
const LATIN_EXT =
  'U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+0304,U+0308,U+0329,U+1D00-1DBF,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF';

/** Every family and weight a caption style uses. */
const FONT_FACES = [
  { family: 'Montserrat', weight: '900', url: montserratLatin900, unicodeRange: LATIN },
  { family: 'Montserrat', weight: '900', url: montserratLatinExt900, unicodeRange: LATIN_EXT },
  { family: 'Montserrat', weight: '800', url: montserratLatin800, unicodeRange: LATIN },
  { family: 'Montserrat', weight: '800', url: montserratLatinExt800, unicodeRange: LATIN_EXT },
  { family: 'Inter', weight: '600', url: interLatin600, unicodeRange: LATIN },
  { family: 'Inter', weight: '600', url: interLatinExt600, unicodeRange: LATIN_EXT },
];

let loading: Promise<void> | null = null;
let loaded = false;

function loadCaptionFonts(): Promise<void> {
  loading ??= Promise.all(FONT_FACES.map((f) => loadFont({ ...f, format: 'woff2' }))).then(() => {
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
