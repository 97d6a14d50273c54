/**
 * The `Overlays` composition: frame i draws overlay i of its props, alone, on a transparent
 * background, showing region i of its frame (the overlay's band). The Node renderer renders each distinct overlay of a video once through it (as a
 * PNG with alpha) and composites the picture over the frames it draws (src/render/overlays/).
 */
import React from 'react';
import { useCurrentFrame, type CalculateMetadataFunction } from 'remotion';
import { CAPTION_PAGING } from '../../src/captions/caption-settings';
import { overlayFramesConfig, overlayKey, type Overlay, type OverlayFramesProps } from '../../src/frame/overlay';
import { placeBox } from '../../src/frame/safe-zone';
import { OverlayView } from './Overlays';

export const OverlayFrames: React.FC<OverlayFramesProps> = ({ overlays, regions }) => {
  const frame = useCurrentFrame();
  const o = overlays[frame];
  if (!o) return null;
  const region = regions?.[frame];
  // The overlay laid out on its whole frame, moved so the region is what the composition shows.
  return (
    <div style={{ position: 'absolute', left: -(region?.x ?? 0), top: -(region?.y ?? 0), width: o.frame.width, height: o.frame.height }}>
      <OverlayView overlay={o} />
    </div>
  );
};

export const calculateOverlayMetadata: CalculateMetadataFunction<OverlayFramesProps> = ({ props }) => overlayFramesConfig(props);

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
