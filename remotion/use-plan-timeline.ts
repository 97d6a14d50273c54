/** The timeline of the plan for the current composition's format (memoised per props). */
import { useMemo } from 'react';
import { useVideoConfig } from 'remotion';
import { formatByCompositionId } from '../src/plan/formats';
import type { CompositionProps } from '../src/plan/schema';
import { buildTimeline } from '../src/timeline/build-timeline';
import type { Timeline } from '../src/timeline/types';

export function usePlanTimeline({ plan, media }: CompositionProps): Timeline {
  const { id } = useVideoConfig();
  return useMemo(() => {
    if (!media) throw new Error(`${id} needs resolved media (calculateMetadata provides it)`);
    return buildTimeline(plan, media, formatByCompositionId(id).id);
  }, [plan, media, id]);
}
