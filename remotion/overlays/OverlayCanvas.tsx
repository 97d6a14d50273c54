/**
 * Draws one overlay (a caption page, a title/end card, a cover title: src/frame/overlay.ts) over
 * the frame, on a canvas as large as the frame at the page's pixel density, with the drawing the
 * Node renderer uses too (src/frame/draw-overlay.ts), once the fonts are in (fonts.ts). A card's
 * fades are the canvas's opacity (Node blends its one picture at the same opacity).
 */
import React, { useLayoutEffect, useRef } from 'react';
import { AbsoluteFill } from 'remotion';
import { drawOverlay } from '../../src/frame/draw-overlay';
import type { Overlay } from '../../src/frame/overlay';
import { useCaptionFonts } from './fonts';

export const OverlayCanvas: React.FC<{ overlay: Overlay }> = ({ overlay }) => {
  const fontsReady = useCaptionFonts();
  const canvas = useRef<HTMLCanvasElement>(null);
  // Remotion renders at `scale` as the page's device pixel ratio: the canvas has the output's pixels.
  const density = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
  const width = Math.round(overlay.frame.width * density);
  const height = Math.round(overlay.frame.height * density);
  // Drawn before the frame is painted (and captured).
  useLayoutEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!fontsReady || !ctx) return;
    ctx.clearRect(0, 0, width, height);
    drawOverlay(ctx, overlay, { scale: density, originX: 0, originY: 0, path: (d) => new Path2D(d) });
  }, [fontsReady, overlay, density, width, height]);
  if (!fontsReady) return null;
  return (
    <AbsoluteFill style={overlay.kind === 'card' ? { opacity: overlay.opacity } : undefined}>
      <canvas ref={canvas} width={width} height={height} style={{ width: overlay.frame.width, height: overlay.frame.height }} />
    </AbsoluteFill>
  );
};
