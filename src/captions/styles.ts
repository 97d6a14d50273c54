/**
 * The caption style presets' looks (named in caption-settings.ts, which also holds how each style
 * pages its words: CAPTION_PAGING): font, size, colours, outline and shadow, and how the spoken
 * word shows. Read by the one drawing of overlays (src/frame/draw-overlay.ts). The fonts ship in
 * @fontsource packages (src/captions/font-faces.ts), so a render needs no internet. Pure module (browser + Node).
 */
import { StillmotionError } from '../errors';
import { CAPTION_STYLE_NAMES, type CaptionStyleName } from './caption-settings';

/**
 * How the spoken word shows: `highlight` colours the current word only; `fill` colours every word
 * spoken so far (karaoke); `none` shows the page as it is (also every `cue`-level page).
 */
export type WordEmphasis = 'highlight' | 'fill' | 'none';

/** Whether word `index` of a page shows in the active colour while word `active` is spoken (-1: none yet). */
export function wordLit(emphasis: WordEmphasis, index: number, active: number): boolean {
  if (emphasis === 'highlight') return index === active;
  if (emphasis === 'fill') return index <= active;
  return false;
}

export interface CaptionStyle {
  fontFamily: 'Montserrat' | 'Inter';
  /** A weight src/captions/font-faces.ts has for that family. */
  fontWeight: 600 | 800 | 900;
  /** Font size as a share of the frame's shorter side (1080 px in every built-in format). */
  fontSize: number;
  uppercase: boolean;
  /** CSS colours. */
  color: string;
  /** The spoken word's colour (`highlight`), or the colour spoken words fill with (`fill`). */
  activeColor: string;
  emphasis: WordEmphasis;
  /** Text outline (painted under the fill): width as a share of the font size, and colour. */
  outline: { width: number; color: string } | null;
  /** The text's shadow: [x, y, blur, colour], lengths as shares of the font size (blur as canvas shadowBlur and CSS text-shadow take it). */
  shadow: [number, number, number, string] | null;
  /** A box behind each line (subtitle style): colour, and padding as a share of the font size. */
  box: { color: string; padding: number } | null;
  lineHeight: number;
}

export const CAPTION_STYLES: Record<CaptionStyleName, CaptionStyle> = {
  // Short-form: big heavy capitals, thick outline, the spoken word in green (as the TikTok template).
  bold: {
    fontFamily: 'Montserrat',
    fontWeight: 900,
    fontSize: 0.075,
    uppercase: true,
    color: '#FFFFFF',
    activeColor: '#39E508',
    emphasis: 'highlight',
    outline: { width: 0.16, color: '#000000' },
    shadow: [0, 0.05, 0.12, 'rgba(0,0,0,0.6)'],
    box: null,
    lineHeight: 1.15,
  },
  // Plain subtitles: white Inter on a soft dark box, no highlight.
  subtitle: {
    fontFamily: 'Inter',
    fontWeight: 600,
    fontSize: 0.045,
    uppercase: false,
    color: '#FFFFFF',
    activeColor: '#FFFFFF',
    emphasis: 'none',
    outline: null,
    shadow: [0, 0.04, 0.1, 'rgba(0,0,0,0.5)'],
    box: { color: 'rgba(0,0,0,0.55)', padding: 0.25 },
    lineHeight: 1.35,
  },
  // Karaoke: words fill with yellow as they are spoken.
  karaoke: {
    fontFamily: 'Montserrat',
    fontWeight: 800,
    fontSize: 0.065,
    uppercase: false,
    color: '#FFFFFF',
    activeColor: '#FFD400',
    emphasis: 'fill',
    outline: { width: 0.12, color: '#000000' },
    shadow: [0, 0.04, 0.1, 'rgba(0,0,0,0.55)'],
    box: null,
    lineHeight: 1.2,
  },
};

/** The preset of a style name; a clear error naming the field for one that does not exist. */
export function captionStyle(name: string, field = 'captions.style'): CaptionStyle {
  if (!(CAPTION_STYLE_NAMES as readonly string[]).includes(name)) {
    throw new StillmotionError(`${field}: unknown caption style "${name}" (use ${CAPTION_STYLE_NAMES.join(', ')})`);
  }
  return CAPTION_STYLES[name as CaptionStyleName];
}
