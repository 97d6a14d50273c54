/**
 * An overlay's band of the frame (src/frame/safe-zone.ts places it): a column of lines, centred
 * across, held at the top, middle or bottom, and clipped to the band, so nothing an overlay draws
 * leaves it (the band is inside the safe zone, and the Node renderer's picture of an overlay is
 * its band). Captions and cards both draw in one.
 */
import React from 'react';
import { AbsoluteFill } from 'remotion';
import type { Box } from '../../src/frame/safe-zone';

export const Band: React.FC<{
  box: Box;
  /** Where the lines sit in the band, top to bottom. */
  justify: 'flex-start' | 'center' | 'flex-end';
  /** Space between lines (px). */
  gap?: number;
  /** The whole overlay's opacity (a card's fades). */
  opacity?: number;
  children: React.ReactNode;
}> = ({ box, justify, gap = 0, opacity, children }) => (
  <AbsoluteFill style={opacity === undefined ? undefined : { opacity }}>
    <div
      style={{
        position: 'absolute',
        left: box.x,
        top: box.y,
        width: box.w,
        height: box.h,
        display: 'flex',
        flexDirection: 'column',
        justifyContent: justify,
        alignItems: 'center',
        overflow: 'hidden',
        gap,
      }}
    >
      {children}
    </div>
  </AbsoluteFill>
);
