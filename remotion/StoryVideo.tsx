/** The video of a motion plan for one format: scenes in a TransitionSeries, plus the soundtrack. */
import { TransitionSeries } from '@remotion/transitions';
import React, { useMemo } from 'react';
import { AbsoluteFill, useVideoConfig } from 'remotion';
import { formatByCompositionId } from '../src/plan/formats';
import type { CompositionProps } from '../src/plan/schema';
import { buildTimeline } from '../src/timeline/build-timeline';
import { Soundtrack } from './audio/Soundtrack';
import { SCENE_COMPONENTS } from './scenes/registry';
import { transitionParts } from './transitions/presentation';

export const StoryVideo: React.FC<CompositionProps> = ({ plan, media }) => {
  const { id } = useVideoConfig();
  const timeline = useMemo(() => {
    if (!media) throw new Error('StoryVideo needs resolved media (calculateMetadata provides it)');
    return buildTimeline(plan, media, formatByCompositionId(id).id);
  }, [plan, media, id]);

  return (
    <AbsoluteFill style={{ backgroundColor: 'black' }}>
      <TransitionSeries>
        {timeline.scenes.flatMap((scene) => {
          const Scene = SCENE_COMPONENTS[scene.kind];
          const parts = [
            <TransitionSeries.Sequence key={`s-${scene.id}`} durationInFrames={scene.durationInFrames} name={scene.id}>
              <Scene scene={scene} />
            </TransitionSeries.Sequence>,
          ];
          if (scene.transitionOut) {
            const { presentation, timing } = transitionParts(scene.transitionOut);
            parts.push(<TransitionSeries.Transition key={`t-${scene.id}`} presentation={presentation} timing={timing} />);
          }
          return parts;
        })}
      </TransitionSeries>
      <Soundtrack timeline={timeline} />
    </AbsoluteFill>
  );
};
