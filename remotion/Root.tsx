/**
 * Three compositions, one per output format, all driven by the same motion plan, and in the
 * Soundtracks folder the audio of each alone (segmented renders render it once per video).
 * The plan's zod schema makes every field editable in Remotion Studio's sidebar.
 */
import React from 'react';
import { Composition, Folder } from 'remotion';
import examplePlan from '../examples/launch-day/plan.json';
import { OUTPUT_FORMATS, SOUNDTRACK_SUFFIX } from '../src/plan/formats';
import { compositionPropsSchemaFor } from '../src/plan/plan-schema-for';
import type { CompositionProps } from '../src/plan/schema';
import { registeredScenes } from '../src/scenes/registry';
import { calculateStoryMetadata } from './calculate-metadata';
import { SoundtrackVideo } from './SoundtrackVideo';
import { StoryVideo } from './StoryVideo';

const defaultProps = { plan: examplePlan } as unknown as CompositionProps;

/** What every composition shares: example plan, metadata from the plan; 30 fps until the plan says. */
const base = {
  defaultProps,
  calculateMetadata: calculateStoryMetadata,
  fps: 30,
  durationInFrames: 1,
} as const;

export const Root: React.FC = () => {
  // The props schema knows the project's scene types: they are registered before registerRoot.
  const common = { ...base, schema: compositionPropsSchemaFor(registeredScenes()) };
  return (
    <>
      {Object.values(OUTPUT_FORMATS).map((f) => (
        <Composition key={f.compositionId} id={f.compositionId} component={StoryVideo} width={f.width} height={f.height} {...common} />
      ))}
      <Folder name="Soundtracks">
        {Object.values(OUTPUT_FORMATS).map((f) => (
          <Composition
            key={f.compositionId}
            id={`${f.compositionId}${SOUNDTRACK_SUFFIX}`}
            component={SoundtrackVideo}
            width={f.width}
            height={f.height}
            {...common}
          />
        ))}
      </Folder>
    </>
  );
};
