/**
 * A scene type as a value: its name, the zod schema of its params, and its look. Pure module
 * (browser + Node): a project's config file (stillmotion.config.ts) lists its scenes, and the
 * plan schema, the JSON Schema, both renderers and the Remotion bundle are derived from the list.
 *
 * A look is ONE of:
 *  - `describe(scene, frame, fps)`: the frame description (src/frame/frame-description.ts) of a
 *    frame. Chromium draws it, and Node draws it too when its items are ones Node draws (images,
 *    layers, vignettes), so the scene renders fast and looks the same in both.
 *  - `component`: a React component (Chromium only) for looks that need arbitrary React, such as
 *    text. It receives the scene like the built-in components (frames are scene-local).
 */
import type React from 'react';
import { z } from 'zod';
import type { FrameDescription } from '../frame/frame-description';
import type { TimelineScene } from '../timeline/types';

/** Scene type names: the section's `"scene": {"type": ...}`; never a tier's own kind. */
const TYPE_NAME = /^[a-z][a-z0-9-]*$/;
const RESERVED = new Set(['still', 'kenburns', 'parallax', 'clip']);

/** A timeline scene whose params are this scene type's (validated, defaults applied). */
export type SceneWith<P> = Omit<TimelineScene, 'params'> & { params: P };

export type DescribeScene<P> = (scene: SceneWith<P>, frame: number, fps: number) => FrameDescription;
export type SceneComponent<P> = React.ComponentType<{ scene: SceneWith<P> }>;

/** What `defineScene` takes. `schema`: the params (a zod object; the `type` field is added). */
export interface SceneSpec<T extends string, S extends z.ZodObject> {
  type: T;
  schema: S;
  /** One line for editors and `stillmotion schema` (default: the schema's own description). */
  description?: string;
  describe?: DescribeScene<z.output<S> & { type: T }>;
  component?: SceneComponent<z.output<S> & { type: T }>;
}

/** The params of any scene, as a plan holds them after validation. */
export type SceneParams = { type: string } & Record<string, unknown>;

/**
 * A defined scene type. `schema` validates a section's whole `scene` object, `type` included.
 * Without a type argument it is any scene type (lists of scenes hold differently typed ones; the
 * look's parameter types make them incompatible with one another otherwise).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface SceneDefinition<P extends { type: string } = any> {
  readonly type: string;
  readonly schema: z.ZodType<P>;
  readonly describe?: DescribeScene<P>;
  readonly component?: SceneComponent<P>;
}

function fail(type: unknown, message: string): never {
  throw new Error(`defineScene(${JSON.stringify(type)}): ${message}`);
}

export function defineScene<T extends string, S extends z.ZodObject>(spec: SceneSpec<T, S>): SceneDefinition<z.output<S> & { type: T }> {
  const { type, schema, describe, component } = spec;
  if (typeof type !== 'string' || !TYPE_NAME.test(type)) fail(type, 'type must be lower-case letters, digits and "-", starting with a letter');
  if (RESERVED.has(type)) fail(type, `"${type}" is a built-in scene kind; choose another name`);
  if (!(schema instanceof z.ZodObject)) fail(type, 'schema must be a zod object of the scene\'s params (z.object({...}) from "stillmotion/scenes")');
  const shape = schema.shape as z.ZodRawShape;
  if ('type' in shape) fail(type, 'schema must not have a "type" field: it is added from `type`');
  if (!describe === !component) fail(type, 'give exactly one look: describe (drawn by both renderers) or component (React, Chromium only)');
  if (describe !== undefined && typeof describe !== 'function') fail(type, 'describe must be a function (scene, frame, fps) => FrameDescription');
  const description = spec.description ?? schema.description;
  // Strict: a misspelt param is an error naming it, not silently dropped.
  const full = z.strictObject({ type: z.literal(type), ...shape });
  return {
    type,
    schema: (description ? full.describe(description) : full) as unknown as z.ZodType<z.output<S> & { type: T }>,
    ...(describe ? { describe } : {}),
    ...(component ? { component } : {}),
  };
}
