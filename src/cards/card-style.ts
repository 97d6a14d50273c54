/**
 * The look of title cards, end cards and the cover's title: a heavy white title over a smaller
 * line, both shadowed so they read over any picture. Written as caption styles (src/captions/styles.ts)
 * so the fonts the captions load (Montserrat 900, Inter 600) and their text fitting serve the cards too.
 * Pure module (browser + Node).
 */
import type { CaptionStyle } from '../captions/styles';

export const CARD_TITLE_STYLE: CaptionStyle = {
  fontFamily: 'Montserrat',
  fontWeight: 900,
  fontSize: 0.085,
  uppercase: false,
  color: '#FFFFFF',
  activeColor: '#FFFFFF',
  emphasis: 'none',
  outline: { width: 0.05, color: 'rgba(0,0,0,0.8)' },
  shadow: [0, 0.04, 0.2, 'rgba(0,0,0,0.7)'],
  box: null,
  lineHeight: 1.1,
};

export const CARD_SUBTITLE_STYLE: CaptionStyle = {
  fontFamily: 'Inter',
  fontWeight: 600,
  fontSize: 0.04,
  uppercase: false,
  color: '#FFFFFF',
  activeColor: '#FFFFFF',
  emphasis: 'none',
  outline: null,
  shadow: [0, 0.05, 0.2, 'rgba(0,0,0,0.8)'],
  box: null,
  lineHeight: 1.3,
};

/** Longest title line, in characters (a title wraps into balanced lines of about this). */
export const CARD_TITLE_CHARS_PER_LINE = 20;
export const CARD_SUBTITLE_CHARS_PER_LINE = 40;
/** Share of the card's band the subtitle may take. */
export const CARD_SUBTITLE_SHARE = 0.3;
