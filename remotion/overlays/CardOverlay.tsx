/**
 * Draws a title card, end card or cover title (src/cards/card-overlay.ts) in its band of the safe
 * zone: the title in heavy white, a smaller line under it, both fitted to the band (never wider or
 * taller: the band clips, so nothing leaves the safe zone), at the card's opacity (its fades).
 * Drawn by StoryVideo over the scenes and, for the Node renderer and covers, alone on a transparent
 * frame (OverlayFrames.tsx): the same component, so every path shows the same pixels.
 */
import React from 'react';
import { CARD_SUBTITLE_CHARS_PER_LINE, CARD_SUBTITLE_SHARE, CARD_SUBTITLE_STYLE, CARD_TITLE_CHARS_PER_LINE, CARD_TITLE_STYLE } from '../../src/cards/card-style';
import type { CaptionStyle } from '../../src/captions/styles';
import type { CardOverlay as CardOverlayValue } from '../../src/frame/overlay';
import { Band } from './Band';
import { lineStyle } from './CaptionOverlay';
import { layoutCaption, type CaptionLayout } from './caption-layout';
import { useCaptionFonts } from './fonts';

type Box = CardOverlayValue['box'];

function layoutText(o: CardOverlayValue, text: string, style: CaptionStyle, maxCharsPerLine: number, box: Box): CaptionLayout {
  return layoutCaption({ frame: o.frame, box, words: text.split(/\s+/).filter(Boolean), maxCharsPerLine }, style);
}

const Lines: React.FC<{ layout: CaptionLayout; style: CaptionStyle }> = ({ layout, style }) => (
  <>
    {layout.lines.map((line) => (
      <div key={line[0]} style={lineStyle(style, layout.fontSize)}>
        {line.map((i) => layout.words[i]).join(' ')}
      </div>
    ))}
  </>
);

export const CardOverlay: React.FC<{ overlay: CardOverlayValue }> = ({ overlay }) => {
  const fontsReady = useCaptionFonts();
  if (!fontsReady) return null;
  const { box } = overlay;
  const subtitle = overlay.subtitle
    ? layoutText(overlay, overlay.subtitle, CARD_SUBTITLE_STYLE, CARD_SUBTITLE_CHARS_PER_LINE, { ...box, h: Math.round(box.h * CARD_SUBTITLE_SHARE) })
    : null;
  const subtitleHeight = subtitle ? subtitle.lines.length * subtitle.fontSize * CARD_SUBTITLE_STYLE.lineHeight : 0;
  const title = layoutText(overlay, overlay.text, CARD_TITLE_STYLE, CARD_TITLE_CHARS_PER_LINE, { ...box, h: box.h - subtitleHeight });
  return (
    // The band is inside the safe zone: clipping to it keeps every pixel of the card there.
    <Band box={box} justify="center" opacity={overlay.opacity}>
      <Lines layout={title} style={CARD_TITLE_STYLE} />
      {subtitle ? <Lines layout={subtitle} style={CARD_SUBTITLE_STYLE} /> : null}
    </Band>
  );
};
