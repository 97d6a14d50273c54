/**
 * The `Overlays` composition: frame i draws overlay i of its props (or, with `stacks`, the
 * overlays of stack i one under the other), alone, on a transparent background, each showing its
 * region of its frame (the overlay's band). The Node renderer renders each distinct overlay of a video once through it (as a
 * PNG with alpha) and composites the picture over the frames it draws (src/render/overlays/).
 */
import React from 'react';
import { useCurrentFrame, type CalculateMetadataFunction } from 'remotion';
import { CAPTION_PAGING } from '../../src/captions/caption-settings';
import { overlayFramesConfig, overlayKey, overlaysAtFrame, type Overlay, type OverlayFramesProps } from '../../src/frame/overlay';
import { placeBox } from '../../src/frame/safe-zone';
import { OverlayView } from './Overlays';

export const OverlayFrames: React.FC<OverlayFramesProps> = (props) => {
  const frame = useCurrentFrame();
  const { overlays, regions, stacks } = props;
  // Each overlay laid out on its whole frame, moved so its region is what its slot of the composition shows.
  return (
    <>
      {overlaysAtFrame(props, frame).map((i, k) => {
        const o = overlays[i]!;
        const region = regions?.[i];
        return (
          <div key={k} style={{ position: 'absolute', left: -(region?.x ?? 0), top: k * (stacks?.pitch ?? 0) - (region?.y ?? 0), width: o.frame.width, height: o.frame.height }}>
            <OverlayView overlay={o} />
          </div>
        );
      })}
    </>
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
