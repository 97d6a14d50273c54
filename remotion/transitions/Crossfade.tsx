/** The crossfade presentation: each side at the opacity src/frame/transition.ts gives it (as Node draws it). */
import type { TransitionPresentation, TransitionPresentationComponentProps } from '@remotion/transitions';
import React from 'react';
import { AbsoluteFill } from 'remotion';
import { crossfadeOpacity } from '../../src/frame/transition';

const Crossfade: React.FC<TransitionPresentationComponentProps<Record<string, unknown>>> = ({ children, presentationDirection, presentationProgress }) => (
  <AbsoluteFill style={{ opacity: crossfadeOpacity(presentationDirection, presentationProgress) }}>{children}</AbsoluteFill>
);

export function crossfade(): TransitionPresentation<Record<string, unknown>> {
  return { component: Crossfade, props: {} };
}
