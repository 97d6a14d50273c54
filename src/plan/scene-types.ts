/**
 * Custom scene types for template authors. Pure module (browser + Node).
 *
 * A scene type is ONE schema entry here plus ONE look: a frame description in
 * `src/frame/describe-frame.ts` (drawn by both renderers), registered for Chromium in
 * `remotion/scenes/registry.ts`. A section opts in with `"scene": {"type": "<name>", ...params}`;
 * the section's `motion` (camera path) and `focus` are still resolved and handed to the description.
 * See `spotlight` in `src/frame/describe-frame.ts` for the example to copy.
 */
import { z } from 'zod';

export const spotlightSceneSchema = z
  .strictObject({
    type: z.literal('spotlight'),
    /** Darkening of the frame's edges, 0 (none) .. 1 (black). */
    vignette: z.number().min(0).max(1).default(0.55),
    /** Radius of the lit area as a fraction of the frame diagonal. */
    radius: z.number().min(0.1).max(1).default(0.45),
  })
  .describe('Ken Burns camera with a soft light following the focal point');

/** Add new scene schemas to this list (each with a unique `type` literal). */
export const customSceneSchema = z.discriminatedUnion('type', [spotlightSceneSchema]);

export type CustomScene = z.infer<typeof customSceneSchema>;
export type CustomSceneType = CustomScene['type'];
