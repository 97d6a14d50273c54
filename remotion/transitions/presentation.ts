/** A resolved transition as a @remotion/transitions presentation and timing. */
import { linearTiming, type TransitionPresentation, type TransitionTiming } from '@remotion/transitions';
import { fade } from '@remotion/transitions/fade';
import { slide } from '@remotion/transitions/slide';
import { wipe } from '@remotion/transitions/wipe';
import { Easing } from 'remotion';
import type { ResolvedTransition } from '../../src/timeline/types';

export function transitionParts(t: ResolvedTransition): {
  presentation: TransitionPresentation<Record<string, unknown>>;
  timing: TransitionTiming;
} {
  const eased = linearTiming({ durationInFrames: t.durationInFrames, easing: Easing.inOut(Easing.cubic) });
  switch (t.type) {
    case 'crossfade':
      return { presentation: fade() as TransitionPresentation<Record<string, unknown>>, timing: linearTiming({ durationInFrames: t.durationInFrames }) };
    case 'slide':
      return { presentation: slide({ direction: t.direction }) as TransitionPresentation<Record<string, unknown>>, timing: eased };
    case 'wipe':
      return { presentation: wipe({ direction: t.direction }) as TransitionPresentation<Record<string, unknown>>, timing: eased };
  }
}
