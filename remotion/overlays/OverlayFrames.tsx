/**
 * The `Overlays` composition: frame i draws overlay i of its props, alone, on a transparent
 * background. The Node renderer renders each distinct overlay of a video once through it (as a
 * PNG with alpha) and composites the picture over the frames it draws (src/render/overlays/).
 */
import React from 'react';
import { AbsoluteFill, useCurrentFrame, type CalculateMetadataFunction } from 'remotion';
import { CAPTION_PAGING } from '../../src/captions/caption-settings';
import { overlayKey, type Overlay, type OverlayFramesProps } from '../../src/frame/overlay';
import { placeBox } from '../../src/frame/safe-zone';
import { OverlayView } from './Overlays';


export const OverlayFrames: React.FC<OverlayFramesProps> = ({ overlays }) => {
  const frame = useCurrentFrame();
  const o = overlays[frame];
  return <AbsoluteFill>{o ? <OverlayView overlay={o} /> : null}</AbsoluteFill>;
};

export const calculateOverlayMetadata: CalculateMetadataFunction<OverlayFramesProps> = ({ props }) => {
  const first = props.overlays[0];
  const size = first?.frame ?? { width: 1080, height: 1920 };
  const odd = props.overlays.find((o) => o.frame.width !== size.width || o.frame.height !== size.height);
  if (odd) throw new Error(`Overlays: every overlay must be drawn on one frame size (${size.width}x${size.height}, got ${odd.frame.width}x${odd.frame.height})`);
  return { width: size.width, height: size.height, durationInFrames: Math.max(1, props.overlays.length) };
};

/** What Studio shows: a bold caption on a 9:16 frame, its second word spoken. */
function sample(): Overlay {
  const o = {
    kind: 'caption' as const,
    frame: { width: 1080, height: 1920 },
    style: 'bold' as const,
    words: ['Every', 'launch', 'starts', 'here'],
    maxCharsPerLine: CAPTION_PAGING.bold.maxCharsPerLine,
    active: 1,
    place: 'bottom' as const,
    box: placeBox('9:16', 'bottom', 1080, 1920),
  };
  return { ...o, key: overlayKey(o) };
}

export const overlayFramesDefaults: OverlayFramesProps = { overlays: [sample()] };
