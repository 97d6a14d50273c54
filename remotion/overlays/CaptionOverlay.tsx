/**
 * Draws one caption page (src/frame/overlay.ts) in its band of the safe zone: the style's font,
 * colours, outline and shadow, the spoken word highlighted (or the spoken words filled, karaoke).
 * Drawn by StoryVideo over the scenes and, for the Node renderer, alone on a transparent frame
 * (OverlayFrames.tsx): the same component, so both show the same pixels.
 */
import React, { useLayoutEffect, useRef } from 'react';
import { CAPTION_STYLES, wordLit, type CaptionStyle } from '../../src/captions/styles';
import type { CaptionOverlay as CaptionOverlayValue } from '../../src/frame/overlay';
import { Band } from './Band';
import { layoutCaption } from './caption-layout';
import { useCaptionFonts } from './fonts';

/** Space between the boxes of two lines (subtitle style), as a share of the font size. */
const LINE_BOX_GAP = 0.12;

const JUSTIFY = { top: 'flex-start', middle: 'center', bottom: 'flex-end' } as const;

function wordColor(style: CaptionStyle, overlay: CaptionOverlayValue, index: number): string {
  return overlay.litAll || wordLit(style.emphasis, index, overlay.active) ? style.activeColor : style.color;
}

export function lineStyle(style: CaptionStyle, fontSize: number): React.CSSProperties {
  const px = (share: number): string => `${(share * fontSize).toFixed(2)}px`;
  return {
    fontFamily: `${style.fontFamily}, sans-serif`,
    fontWeight: style.fontWeight,
    fontSize,
    lineHeight: style.lineHeight,
    whiteSpace: 'pre',
    textAlign: 'center',
    // Right-to-left words are ordered by the bidi algorithm line by line.
    unicodeBidi: 'plaintext',
    color: style.color,
    ...(style.outline ? { WebkitTextStroke: `${px(style.outline.width * 2)} ${style.outline.color}`, paintOrder: 'stroke fill' } : {}),
    ...(style.shadow ? { textShadow: `${px(style.shadow[0])} ${px(style.shadow[1])} ${px(style.shadow[2])} ${style.shadow[3]}` } : {}),
    ...(style.box ? { backgroundColor: style.box.color, padding: `0 ${px(style.box.padding)}`, borderRadius: px(style.box.padding) } : {}),
    // Room for the outline at the line's ends (the stroke is painted outside the glyphs' advance).
    ...(style.outline && !style.box ? { padding: `0 ${px(style.outline.width)}` } : {}),
  };
}

/**
 * `onWords`, when given, is called once the page is laid out, with each word's element (in word
 * order): the Overlays composition reports their boxes to the Node renderer.
 */
export const CaptionOverlay: React.FC<{ overlay: CaptionOverlayValue; onWords?: (words: (HTMLElement | null)[]) => void }> = ({ overlay, onWords }) => {
  const fontsReady = useCaptionFonts();
  const spans = useRef<(HTMLSpanElement | null)[]>([]);
  useLayoutEffect(() => {
    if (fontsReady && onWords) onWords(overlay.words.map((_, i) => spans.current[i] ?? null));
  }, [fontsReady, onWords, overlay]);
  if (!fontsReady) return null;
  const style = CAPTION_STYLES[overlay.style];
  const layout = layoutCaption(overlay, style);
  return (
    // Layout keeps the text inside the band; the band keeps anything else inside the safe zone.
    <Band box={overlay.box} justify={JUSTIFY[overlay.place]} gap={style.box ? layout.fontSize * LINE_BOX_GAP : 0}>
      {layout.lines.map((line) => (
        <div key={line[0]} style={lineStyle(style, layout.fontSize)}>
          {line.map((i, k) => (
            <React.Fragment key={i}>
              {k > 0 ? ' ' : null}
              <span ref={(el) => void (spans.current[i] = el)} style={{ color: wordColor(style, overlay, i) }}>
                {layout.words[i]}
              </span>
            </React.Fragment>
          ))}
        </div>
      ))}
    </Band>
  );
};
