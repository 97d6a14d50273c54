/**
 * EXAMPLE SCENE FOR TEMPLATE AUTHORS - copy this file to add a scene type.
 *
 * A scene type is two pieces:
 *   1. its parameters: one zod schema in `src/plan/scene-types.ts` (here `spotlightSceneSchema`,
 *      with a unique `type` literal), added to `customSceneSchema`;
 *   2. this component, registered under the same `type` in `remotion/scenes/registry.ts`.
 * A plan then uses it with `"scene": { "type": "spotlight", "vignette": 0.6 }` on a section.
 *
 * The component gets the resolved scene (`SceneProps`): the image (already pre-scaled for this
 * format), the camera path (the section's motion, resolved around its focal point for this
 * format), the focal point, the text and its own parameters in `scene.params`.
 * Use `useCurrentFrame()` (relative to the scene) and keep the drawing a pure function of the frame.
 */
import React from 'react';
import { AbsoluteFill, useCurrentFrame } from 'remotion';
import { cropAtFrame, pointInFrame } from '../../src/timeline/camera';
import { FramedImage } from './FramedImage';
import type { SceneProps } from './scene-props';

export const SpotlightScene: React.FC<SceneProps> = ({ scene }) => {
  const frame = useCurrentFrame();
  const params = scene.params?.type === 'spotlight' ? scene.params : { vignette: 0.55, radius: 0.45 };
  const crop = cropAtFrame(scene.camera, frame);
  // The light follows the subject as the camera moves.
  const light = pointInFrame(crop, scene.focus);
  const inner = Math.round(params.radius * 100);
  return (
    <AbsoluteFill style={{ backgroundColor: 'black', overflow: 'hidden' }}>
      <FramedImage src={scene.image.src} crop={crop} imageWidth={scene.image.width} imageHeight={scene.image.height} />
      <AbsoluteFill
        style={{
          background: `radial-gradient(circle at ${(light.x * 100).toFixed(2)}% ${(light.y * 100).toFixed(2)}%, rgba(0,0,0,0) ${inner}%, rgba(0,0,0,${params.vignette}) ${Math.min(150, inner + 60)}%)`,
        }}
      />
    </AbsoluteFill>
  );
};
