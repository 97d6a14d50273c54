/**
 * `stillmotion/remotion`: Stillmotion's compositions as parts of your own Remotion project.
 *
 *   <Composition id={OUTPUT_FORMATS['16:9'].compositionId} component={StoryVideo}
 *     calculateMetadata={calculateStoryMetadata} defaultProps={{ plan }} width={1920} height={1080} fps={30} durationInFrames={1} />
 *
 * The composition id picks the format (OUTPUT_FORMATS[format].compositionId). Call
 * registerScenes([...]) before registerRoot to use your own scene types.
 */
export { StoryVideo } from './StoryVideo';
export { SoundtrackVideo } from './SoundtrackVideo';
export { calculateStoryMetadata } from './calculate-metadata';
export { DescribedFrame, DescribedScene } from './scenes/DescribedFrame';
export { sceneComponent } from './scenes/registry';
export type { SceneProps } from './scenes/scene-props';
export { Overlays } from './overlays/Overlays';
export { registerScenes, registeredScenes } from '../src/scenes/registry';
export { compositionPropsSchemaFor } from '../src/plan/plan-schema-for';
export { compositionPropsSchema, type CompositionProps, type Plan, type Media } from '../src/plan/schema';
export { OUTPUT_FORMATS, FORMAT_IDS, type FormatId } from '../src/plan/formats';
export * from '../src/scenes/index';
