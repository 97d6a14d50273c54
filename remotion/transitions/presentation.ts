/**
 * A resolved transition as a @remotion/transitions presentation and timing. The timing, and what
 * each side looks like, come from src/frame/transition.ts, which the direct renderer draws too.
 */
import type { TransitionPresentation, TransitionTiming } from '@remotion/transitions';
import { transitionProgress } from '../../src/frame/transition';
import type { ResolvedTransition } from '../../src/timeline/types';
import { sideLookPresentation } from './SideLook';

export function transitionParts(t: ResolvedTransition): {
  presentation: TransitionPresentation<Record<string, unknown>>;
  timing: TransitionTiming;
} {
  const timing: TransitionTiming = {
    getDurationInFrames: () => t.durationInFrames,
    getProgress: ({ frame }) => transitionProgress(t, frame),
  };
  return { presentation: sideLookPresentation({ type: t.type, direction: t.direction }) as unknown as TransitionPresentation<Record<string, unknown>>, timing };
}
