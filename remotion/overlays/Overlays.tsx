/**
 * Draws overlays (src/frame/overlay.ts) over a frame: `Overlays` draws what describeOverlays says
 * for the video's current frame (StoryVideo puts it above the scenes), each on its canvas (OverlayCanvas.tsx).
 */
import React from 'react';
import { useCurrentFrame } from 'remotion';
import { describeOverlays } from '../../src/frame/describe-overlays';
import type { Timeline } from '../../src/timeline/types';
import { OverlayCanvas } from './OverlayCanvas';

/** The overlays at the current frame (used at the top level of the video: the frame is the video's). */
export const Overlays: React.FC<{ timeline: Timeline }> = ({ timeline }) => {
  const frame = useCurrentFrame();
  return (
    <>
      {describeOverlays(timeline, frame).map((o) => (
        <OverlayCanvas key={o.kind === 'card' ? `card-${o.role}-${o.text}` : o.kind} overlay={o} />
      ))}
    </>
  );
};
