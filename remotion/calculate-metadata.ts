/**
 * Sizes a composition from its plan: validates the props with the plan schema (applying defaults),
 * resolves media (given by the Node side, or probed in the browser in Studio), builds the
 * format's timeline and returns its exact length.
 */
import type { CalculateMetadataFunction } from 'remotion';
import { formatProblem, StillmotionError } from '../src/errors';
import { zodProblems } from '../src/plan/format-issues';
import { formatByCompositionId } from '../src/plan/formats';
import { compositionPropsSchemaFor } from '../src/plan/plan-schema-for';
import type { CompositionProps } from '../src/plan/schema';
import { registeredScenes } from '../src/scenes/registry';
import { buildTimeline } from '../src/timeline/build-timeline';
import { probeMediaInBrowser } from './media/probe-media';

export const calculateStoryMetadata: CalculateMetadataFunction<CompositionProps> = async ({ props, compositionId }) => {
  const format = formatByCompositionId(compositionId);
  const parsed = compositionPropsSchemaFor(registeredScenes()).safeParse(props);
  if (!parsed.success) {
    throw new Error(`Invalid plan:\n${zodProblems(parsed.error).map(formatProblem).join('\n')}`);
  }
  const { plan } = parsed.data;
  const media = parsed.data.media ?? (await probeMediaInBrowser(plan));
  let timeline;
  try {
    timeline = buildTimeline(plan, media, format.id);
  } catch (err) {
    // Remotion shows the first line of an error: put every problem on it.
    if (err instanceof StillmotionError) throw new Error(err.problems.map(formatProblem).join('; ') || err.message);
    throw err;
  }
  return {
    durationInFrames: timeline.durationInFrames,
    fps: plan.fps,
    width: format.width,
    height: format.height,
    props: { plan, media },
  };
};
