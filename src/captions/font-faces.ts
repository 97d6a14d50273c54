/**
 * Every font face the caption and card styles use (src/captions/styles.ts, src/cards/card-style.ts):
 * @fontsource woff2 files, so drawing text needs no internet. One list for both drawers: the
 * browser loads them as FontFaces (remotion/overlays/fonts.ts, which imports each file so the
 * bundler copies it), Node registers them with its canvas (src/render/overlays/node-fonts.ts).
 * Pure module (browser + Node).
 */

/** The unicode ranges of fontsource's `latin` and `latin-ext` subsets (as in its CSS files). */
const LATIN = 'U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD';
const LATIN_EXT =
  'U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+0304,U+0308,U+0329,U+1D00-1DBF,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF';

export interface FontFaceFile {
  family: 'Montserrat' | 'Inter';
  weight: '600' | '800' | '900';
  /** The file in its @fontsource package (`@fontsource/<package>/files/<file>`). */
  package: 'montserrat' | 'inter';
  file: string;
  unicodeRange: string;
}

export const FONT_FACES: readonly FontFaceFile[] = [
  { family: 'Montserrat', weight: '900', package: 'montserrat', file: 'montserrat-latin-900-normal.woff2', unicodeRange: LATIN },
  { family: 'Montserrat', weight: '900', package: 'montserrat', file: 'montserrat-latin-ext-900-normal.woff2', unicodeRange: LATIN_EXT },
  { family: 'Montserrat', weight: '800', package: 'montserrat', file: 'montserrat-latin-800-normal.woff2', unicodeRange: LATIN },
  { family: 'Montserrat', weight: '800', package: 'montserrat', file: 'montserrat-latin-ext-800-normal.woff2', unicodeRange: LATIN_EXT },
  { family: 'Inter', weight: '600', package: 'inter', file: 'inter-latin-600-normal.woff2', unicodeRange: LATIN },
  { family: 'Inter', weight: '600', package: 'inter', file: 'inter-latin-ext-600-normal.woff2', unicodeRange: LATIN_EXT },
];

/** The face's WOFF file (the same font as its woff2), which the glyph outlines are read from (src/frame/glyph-text.ts: opentype.js reads WOFF, not WOFF2). */
export function glyphFileOf(face: FontFaceFile): string {
  return face.file.replace(/\.woff2$/, '.woff');
}
