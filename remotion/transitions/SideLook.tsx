/**
 * The one presentation of every transition: each side drawn as src/frame/transition.ts's sideLook
 * describes it (opacity, move, clip), which is what the direct renderer draws in Node too.
 */
import type { TransitionPresentation, TransitionPresentationComponentProps } from '@remotion/transitions';
import React from 'react';
import { AbsoluteFill, useVideoConfig } from 'remotion';
import { sideLook } from '../../src/frame/transition';
import type { ResolvedTransition } from '../../src/timeline/types';

type Props = { transition: Pick<ResolvedTransition, 'type' | 'direction'> };

/**
 * Output px per CSS px: Remotion renders at `scale` by setting the page's device scale factor, so
 * the looks snap to the pixels the frame is captured at.
 */
function renderScale(): number {
  return typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
}

const SideLookPresentation: React.FC<TransitionPresentationComponentProps<Props>> = ({ children, presentationDirection, presentationProgress, passedProps }) => {
  const { width, height } = useVideoConfig();
  const look = sideLook(passedProps.transition, presentationDirection, presentationProgress, { width, height, scale: renderScale() });
  const { clip, offset } = look;
  const whole = clip.x0 <= 0 && clip.y0 <= 0 && clip.x1 >= width && clip.y1 >= height;
  return (
    // The clip is in frame coordinates, so it sits outside the move.
    <AbsoluteFill
      style={{
        ...(look.opacity < 1 ? { opacity: look.opacity } : {}),
        ...(whole ? {} : { clipPath: `inset(${clip.y0}px ${width - clip.x1}px ${height - clip.y1}px ${clip.x0}px)` }),
      }}
    >
      <AbsoluteFill style={offset.x || offset.y ? { transform: `translate(${offset.x}px, ${offset.y}px)` } : {}}>{children}</AbsoluteFill>
    </AbsoluteFill>
  );
};

export function sideLookPresentation(transition: Props['transition']): TransitionPresentation<Props> {
  return { component: SideLookPresentation, props: { transition } };
}
