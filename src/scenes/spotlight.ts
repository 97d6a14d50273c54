/**
 * Spotlight, the example scene: Ken Burns with a soft light that follows the subject as the camera
 * moves, the frame's edges darkened by `vignette`. Drawn by both renderers (a description of an
 * image and a vignette). Copy this file to start a scene of your own.
 */
import { z } from 'zod';
import { BLACK } from '../frame/frame-description';
import { cropAtFrame, pointInFrame } from '../timeline/camera';
import { defineScene } from './define-scene';
import { sceneImage } from './scene-helpers';

export const spotlight = defineScene({
  type: 'spotlight',
  description: 'Ken Burns camera with a soft light following the focal point',
  schema: z.object({
    /** Darkening of the frame's edges, 0 (none) .. 1 (black). */
    vignette: z.number().min(0).max(1).default(0.55).describe('Darkening of the frame\'s edges, 0 (none) .. 1 (black)'),
    /** Radius of the lit area as a fraction of the frame diagonal. */
    radius: z.number().min(0.1).max(1).default(0.45).describe('Radius of the lit area as a fraction of the frame diagonal'),
  }),
  describe: (scene, frame) => {
    const crop = cropAtFrame(scene.camera, frame);
    const inner = Math.round(scene.params.radius * 100) / 100;
    return {
      background: BLACK,
      crop,
      items: [sceneImage(scene), { kind: 'vignette', center: pointInFrame(crop, scene.focus), inner, outer: Math.min(1.5, inner + 0.6), strength: scene.params.vignette }],
    };
  },
});
