/** The video of a motion plan for one format: scenes in a TransitionSeries, the overlays (captions) above them, plus the soundtrack. */
import { TransitionSeries } from '@remotion/transitions';
import React from 'react';
import { AbsoluteFill } from 'remotion';
import type { CompositionProps } from '../src/plan/schema';
import { Soundtrack } from './audio/Soundtrack';
import { Overlays } from './overlays/Overlays';
import { sceneComponent } from './scenes/registry';
import { transitionParts } from './transitions/presentation';
import { usePlanTimeline } from './use-plan-timeline';

export const StoryVideo: React.FC<CompositionProps> = (props) => {
  const timeline = usePlanTimeline(props);

  return (
    <AbsoluteFill style={{ backgroundColor: 'black' }}>
      <TransitionSeries>
        {timeline.scenes.flatMap((scene) => {
          const Scene = sceneComponent(scene.kind);
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
      <Overlays timeline={timeline} />
      <Soundtrack timeline={timeline} />
    </AbsoluteFill>
  );
};
