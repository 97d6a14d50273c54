/**
 * A resolved transition as a @remotion/transitions presentation and timing. The timing, and what a
 * crossfade does to each side, come from src/frame/transition.ts, which the direct renderer's
 * crossfades use too.
 */
import type { TransitionPresentation, TransitionTiming } from '@remotion/transitions';
import { slide } from '@remotion/transitions/slide';
import { wipe } from '@remotion/transitions/wipe';
import { transitionProgress } from '../../src/frame/transition';
import type { ResolvedTransition } from '../../src/timeline/types';
import { crossfade } from './Crossfade';

export function transitionParts(t: ResolvedTransition): {
  presentation: TransitionPresentation<Record<string, unknown>>;
  timing: TransitionTiming;
} {
  const timing: TransitionTiming = {
    getDurationInFrames: () => t.durationInFrames,
    getProgress: ({ frame }) => transitionProgress(t, frame),
  };
  switch (t.type) {
    case 'crossfade':
      return { presentation: crossfade(), timing };
    case 'slide':
      return { presentation: slide({ direction: t.direction }) as TransitionPresentation<Record<string, unknown>>, timing };
    case 'wipe':
      return { presentation: wipe({ direction: t.direction }) as TransitionPresentation<Record<string, unknown>>, timing };
  }
}
