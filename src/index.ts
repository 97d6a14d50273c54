/**
 * `stillmotion`: the Node API. What the CLI does, as functions: load and validate a plan, plan a
 * story, render; plus defineScene and the config helpers for a project's own scenes. Everything a
 * scene or config file needs is also in `stillmotion/scenes` (browser-safe), and the Remotion side
 * (StoryVideo, calculateStoryMetadata, the scene components) is `stillmotion/remotion`.
 */
export * from './scenes/index';
export { registerScenes, registeredScenes, findScene } from './scenes/registry';
export { findConfigFile, loadConfigFile, useProjectConfig, type ProjectConfig } from './config/load-config';

export { StillmotionError, type InputProblem } from './errors';
export { loadPlanFile, parsePlan, type LoadedPlan, type LoadOptions } from './plan/load-plan';
export { planSchema, type Plan, type PlanInput, type Section, type Media, type CompositionProps } from './plan/schema';
export { planSchemaFor, compositionPropsSchemaFor } from './plan/plan-schema-for';
export { FORMAT_IDS, OUTPUT_FORMATS, type FormatId, type OutputFormat } from './plan/formats';
export { planJsonSchema } from './cli/commands/schema';

export { loadStory, type Story, type LoadStoryOptions } from './story/load-story';
export { probeStoryMedia, type StoryMedia } from './story/story-media';
export { planStory, type PlanStoryOptions, type StoryPlan } from './director/plan-story';

export { renderPlan, planTimelines, type RenderOptions, type RenderResult, type RenderedFile, type FormatProgress } from './render/render-plan';
export { bundleProject, type BundleOptions } from './render/bundle';
export { writeProjectBundleEntry, projectWebpackOverride } from './render/bundle-entry';
export { buildTimeline } from './timeline/build-timeline';
export type { Timeline, TimelineScene, SceneKind } from './timeline/types';
export { describeFrame, hasFrameDescription } from './frame/describe-frame';
