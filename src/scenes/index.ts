/**
 * `stillmotion/scenes`: what a scene file and a stillmotion.config need. Browser-safe (a config is
 * bundled into the Remotion project too), so nothing here reaches Node-only modules.
 */
export { z } from 'zod';
export { defineScene, type DescribeScene, type SceneComponent, type SceneDefinition, type SceneParams, type SceneSpec, type SceneWith } from './define-scene';
export { defineConfig, type StillmotionConfig } from '../config/define-config';
export { spotlight } from './spotlight';
export { sceneImage } from './scene-helpers';
export { BLACK, cssColor, type FrameDescription, type FrameItem, type ImageItem, type LayerItem, type Rgb, type VignetteItem } from '../frame/frame-description';
export { cropAtFrame, pointInFrame, type Crop } from '../timeline/camera';
export { FULL_RECT, type ImageRect } from '../timeline/placement';
export type { TimelineScene } from '../timeline/types';
