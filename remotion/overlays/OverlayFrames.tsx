/**
 * The `Overlays` composition: frame i draws overlay i of its props (or, with `stacks`, the
 * overlays of stack i one under the other), alone, on a transparent background, each showing its
 * region of its frame (the overlay's band). The Node renderer renders the pictures of a video's
 * overlays through it (PNGs with alpha) and composites them over the frames it draws
 * (src/render/overlays/). A caption page drawn with every word lit also hands over its words'
 * boxes, as an artifact of the frame, from which Node makes the page's word states (page-states.ts).
 */
import React, { useCallback, useState } from 'react';
import { Artifact, useCurrentFrame, type CalculateMetadataFunction } from 'remotion';
import { CAPTION_PAGING } from '../../src/captions/caption-settings';
import { overlayFramesConfig, overlayKey, overlaysAtFrame, WORD_BOXES_ARTIFACT, type Overlay, type OverlayFramesProps, type OverlayRegion } from '../../src/frame/overlay';
import { placeBox } from '../../src/frame/safe-zone';
import { CaptionOverlay } from './CaptionOverlay';
import { OverlayView } from './Overlays';

/** One overlay in its slot: its whole frame, moved so its region is what the slot shows. */
const Slot: React.FC<{ overlay: Overlay; region: OverlayRegion | undefined; top: number; slot: number }> = ({ overlay, region, top, slot }) => {
  const frame = useCurrentFrame();
  const [boxes, setBoxes] = useState<string | null>(null);
  // A page with every word lit reports its words' boxes in its region, as an artifact of the frame (WORD_BOXES_ARTIFACT).
  const report = useCallback(
    (words: (HTMLElement | null)[]) => {
      const origin = words.find(Boolean)?.closest('[data-overlay-slot]')?.getBoundingClientRect();
      const rel = words.map((w) => {
        const b = w?.getBoundingClientRect();
        return b && origin ? [b.x - origin.x - (region?.x ?? 0), b.y - origin.y - (region?.y ?? 0), b.width, b.height] : [0, 0, 0, 0];
      });
      setBoxes(JSON.stringify({ key: overlay.key, boxes: rel }));
    },
    [overlay.key, region],
  );
  return (
    <div data-overlay-slot style={{ position: 'absolute', left: -(region?.x ?? 0), top: top - (region?.y ?? 0), width: overlay.frame.width, height: overlay.frame.height }}>
      {overlay.kind === 'caption' && overlay.litAll ? <CaptionOverlay overlay={overlay} onWords={report} /> : <OverlayView overlay={overlay} />}
      {boxes ? <Artifact filename={`${WORD_BOXES_ARTIFACT}${frame}-${slot}.json`} content={boxes} /> : null}
    </div>
  );
};

export const OverlayFrames: React.FC<OverlayFramesProps> = (props) => {
  const frame = useCurrentFrame();
  const { overlays, regions, stacks } = props;
  // Each overlay laid out on its whole frame, moved so its region is what its slot of the composition shows.
  return (
    <>
      {overlaysAtFrame(props, frame).map((i, k) => (
        <Slot key={overlays[i]!.key} overlay={overlays[i]!} region={regions?.[i]} top={k * (stacks?.pitch ?? 0)} slot={k} />
      ))}
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
