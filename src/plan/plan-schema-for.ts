/**
 * The plan schema for a set of scene types: `planSchema` (./schema.ts, built-ins only) with the
 * section's `scene` field accepting these. Used by the CLI once a project's config is loaded, by
 * `stillmotion schema` and by the Remotion compositions. Pure module.
 */
import { z } from 'zod';
import type { SceneDefinition } from '../scenes/define-scene';
import { BUILT_IN_SCENES } from '../scenes/built-in-scenes';
import { sceneSchemaFor } from './scene-types';
import { mediaSchema, planSchema, sectionSchema } from './schema';

type PlanSchema = typeof planSchema;

const cache = new WeakMap<readonly SceneDefinition[], PlanSchema>();

/** The plan schema accepting `scenes` (memoised per list). */
export function planSchemaFor(scenes: readonly SceneDefinition[]): PlanSchema {
  if (scenes === BUILT_IN_SCENES) return planSchema;
  let schema = cache.get(scenes);
  if (!schema) {
    const section = sectionSchema.safeExtend({ scene: sceneSchemaFor(scenes).optional() });
    // The same array checks (at least one section) and the plan's own refinements (safeExtend keeps them).
    const sections = planSchema.shape.sections;
    schema = planSchema.safeExtend({ sections: z.array(section).check(...((sections._zod.def.checks ?? []) as never[])) }) as unknown as PlanSchema;
    cache.set(scenes, schema);
  }
  return schema;
}

/** The Remotion compositions' props schema for `scenes`. */
export function compositionPropsSchemaFor(scenes: readonly SceneDefinition[]) {
  return z.object({ plan: planSchemaFor(scenes), media: mediaSchema.optional() });
}
