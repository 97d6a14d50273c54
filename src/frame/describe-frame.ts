/**
 * The look of every tier's scene kind, once, and the dispatch to the other scene types' looks
 * (src/scenes/: defineScene, the built-ins and a project's own): what a frame of the scene is made
 * of (see frame-description.ts). Both renderers draw these descriptions, so a change here changes Chromium's
 * and Node's frames alike, and a change anywhere else cannot change only one of them.
 * `frame` is scene-local (0 = the first frame of the scene's sequence). Pure module.
 */
import { findScene, registeredScenes } from '../scenes/registry';
import { sceneImage } from '../scenes/scene-helpers';
import { cropAtFrame, type Crop } from '../timeline/camera';
import { clipTimeAt } from '../timeline/clip-timing';
import { layerRect, layerTransformAt, transformForNearness } from '../timeline/parallax';
import { FULL_RECT } from '../timeline/placement';
import type { BuiltInSceneKind, TimelineScene } from '../timeline/types';
import { BLACK, type FrameDescription } from './frame-description';

type Describe = (scene: TimelineScene, frame: number, fps: number) => FrameDescription;

function imageUnderCamera(scene: TimelineScene, crop: Crop): FrameDescription {
  return { background: BLACK, crop, items: [sceneImage(scene)] };
}

/** Tier 0: the image, cover-fitted around the subject, perfectly still (hold frames). */
const still: Describe = (scene) => imageUnderCamera(scene, cropAtFrame(scene.camera, 0));

/**
 * Tier 1: Ken Burns. The camera moves from one framing to another with eased zoom and pan
 * (motion ramping at both ends), holds where the plan says, and never leaves the image.
 */
const kenburns: Describe = (scene, frame) => imageUnderCamera(scene, cropAtFrame(scene.camera, frame));

/**
 * Tier 2: 2.5D parallax. The image's depth layers (back to front, each with an overscan margin and
 * the area nearer layers hide filled in) move at speeds set by their depth, under the section's
 * camera. In WebGL mode every pixel moves by its own depth instead. Without layers: the image.
 */
const parallax: Describe = (scene, frame) => {
  const crop = cropAtFrame(scene.camera, frame);
  const { layers, parallax: path } = scene;
  if (!layers || !path) return imageUnderCamera(scene, crop);
  if (path.mode === 'webgl' && layers.depth) {
    return {
      background: BLACK,
      crop,
      items: [
        {
          kind: 'depth-displacement',
          src: scene.image.src,
          depthSrc: layers.depth,
          far: transformForNearness(path, 0, frame),
          near: transformForNearness(path, 1, frame),
          origin: scene.focus,
        },
      ],
    };
  }
  const width = layers.width + 2 * layers.overscanPx;
  const height = layers.height + 2 * layers.overscanPx;
  return {
    background: BLACK,
    crop,
    items: layers.layers.map((layer, i) => ({
      kind: 'layer' as const,
      src: layer.src,
      width,
      height,
      rect: layerRect(layers, layerTransformAt(path, i, frame), scene.focus),
      opacity: 1,
    })),
  };
};

/**
 * Tier 3: an AI image-to-video clip, cover-fitted around the focal point, fitted to the section
 * (trimmed, or slowed and held on its last frame: never a black tail) with eased speed at both ends.
 * Without a clip: the image.
 */
const clip: Describe = (scene, frame, fps) => {
  const crop = cropAtFrame(scene.camera, frame);
  const c = scene.clip;
  if (!c) return imageUnderCamera(scene, crop);
  const clipFrame = Math.round(clipTimeAt(frame, scene.durationInFrames, c.duration, fps) * fps);
  return { background: BLACK, crop, items: [{ kind: 'video', src: c.src, width: c.width, height: c.height, rect: FULL_RECT, opacity: 1, frame: clipFrame }] };
};

/** Tier kind -> its look. The Record makes a tier kind without a description a type error. */
const SCENE_DESCRIPTIONS: Record<BuiltInSceneKind, Describe> = { still, kenburns, parallax, clip };

function isBuiltIn(kind: string): kind is BuiltInSceneKind {
  return Object.hasOwn(SCENE_DESCRIPTIONS, kind);
}

/** A scene type's look as a description, or null when it has none (a component-only scene, drawn by Chromium). */
function describeFor(kind: string): Describe | null {
  if (isBuiltIn(kind)) return SCENE_DESCRIPTIONS[kind];
  const def = findScene(kind);
  if (!def) throw new Error(`unknown scene type "${kind}" (scene types: ${registeredScenes().map((s) => s.type).join(', ')}); is the project's stillmotion.config loaded?`);
  return (def.describe as Describe | undefined) ?? null;
}

/** Whether the scene's look is a frame description (false: a React component, which only Chromium draws). */
export function hasFrameDescription(scene: Pick<TimelineScene, 'kind'>): boolean {
  return describeFor(scene.kind) !== null;
}

export function describeFrame(scene: TimelineScene, frame: number, fps: number): FrameDescription {
  const describe = describeFor(scene.kind);
  if (!describe) throw new Error(`scene type "${scene.kind}" is drawn by its React component, not a frame description (check hasFrameDescription first)`);
  return describe(scene, frame, fps);
}
