/**
 * The `scene` field of a section: one of the scene types in use (src/scenes/: the built-ins and
 * a project's own, each made with defineScene). Pure module (browser + Node).
 *
 * A section opts in with `"scene": {"type": "<name>", ...params}`; its `motion` (camera path) and
 * `focus` are still resolved and handed to the scene's look.
 */
import { z } from 'zod';
import { BUILT_IN_SCENES } from '../scenes/built-in-scenes';
import type { SceneDefinition, SceneParams } from '../scenes/define-scene';

const DESCRIPTION = "A scene type instead of the tier's own scene";

/** The schema of a section's `scene` for these scene types: a union on `type`, with its params. */
export function sceneSchemaFor(scenes: readonly SceneDefinition[]): z.ZodType<SceneParams> {
  const [first, ...rest] = scenes.map((s) => s.schema as unknown as z.ZodObject);
  if (!first) return z.never().describe(DESCRIPTION) as unknown as z.ZodType<SceneParams>;
  return z.discriminatedUnion('type', [first, ...rest]).describe(DESCRIPTION) as unknown as z.ZodType<SceneParams>;
}

/** The built-in scene types' union (the static plan schema's). */
export const customSceneSchema = sceneSchemaFor(BUILT_IN_SCENES);
