/**
 * Three compositions, one per output format, all driven by the same motion plan.
 * The plan's zod schema makes every field editable in Remotion Studio's sidebar.
 */
import React from 'react';
import { Composition, Folder } from 'remotion';
import examplePlan from '../examples/launch-day/plan.json';
import { OUTPUT_FORMATS, SOUNDTRACK_SUFFIX } from '../src/plan/formats';
import { compositionPropsSchema, type CompositionProps } from '../src/plan/schema';
import { calculateStoryMetadata } from './calculate-metadata';
import { SoundtrackVideo } from './SoundtrackVideo';
import { StoryVideo } from './StoryVideo';

const defaultProps = { plan: examplePlan } as unknown as CompositionProps;

export const Root: React.FC = () => (
  <>
    {Object.values(OUTPUT_FORMATS).map((f) => (
      <Composition
        key={f.compositionId}
        id={f.compositionId}
        component={StoryVideo}
        schema={compositionPropsSchema}
        defaultProps={defaultProps}
        calculateMetadata={calculateStoryMetadata}
        width={f.width}
        height={f.height}
        fps={30}
        durationInFrames={1}
      />
    ))}
    <Folder name="Soundtracks">
      {Object.values(OUTPUT_FORMATS).map((f) => (
        <Composition
          key={f.compositionId}
          id={`${f.compositionId}${SOUNDTRACK_SUFFIX}`}
          component={SoundtrackVideo}
          schema={compositionPropsSchema}
          defaultProps={defaultProps}
          calculateMetadata={calculateStoryMetadata}
          width={f.width}
          height={f.height}
          fps={30}
          durationInFrames={1}
        />
      ))}
    </Folder>
  </>
);
