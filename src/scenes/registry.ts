/**
 * The scene types in use in this process (browser or Node): the built-ins plus the ones a project's
 * config registered (the CLI after loading stillmotion.config.*, the generated Remotion entry
 * before registerRoot). Plans are validated against it, and both renderers look scenes up in it.
 */
import { BUILT_IN_SCENES } from './built-in-scenes';
import type { SceneDefinition } from './define-scene';

let projectScenes: readonly SceneDefinition[] = [];
let all: readonly SceneDefinition[] = BUILT_IN_SCENES;

/** Checks a list of scene types (from `label`, a config file): defined with defineScene, each type once, none a built-in's. */
export function checkScenes(scenes: unknown, label: string): readonly SceneDefinition[] {
  if (!Array.isArray(scenes)) throw new Error(`${label}: "scenes" must be an array of scenes made with defineScene()`);
  const seen = new Set(BUILT_IN_SCENES.map((s) => s.type));
  scenes.forEach((s: unknown, i) => {
    const d = s as Partial<SceneDefinition> | null;
    if (!d || typeof d.type !== 'string' || typeof (d.schema as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
      throw new Error(`${label}: scenes[${i}] is not a scene made with defineScene()`);
    }
    if (seen.has(d.type)) throw new Error(`${label}: scenes[${i}]: scene type "${d.type}" is ${BUILT_IN_SCENES.some((b) => b.type === d.type) ? 'a built-in scene' : 'listed twice'}`);
    seen.add(d.type);
  });
  return scenes as SceneDefinition[];
}

/** Makes `scenes` the project's scene types (replacing any registered before). */
export function registerScenes(scenes: readonly SceneDefinition[], label = 'scenes'): void {
  projectScenes = checkScenes(scenes, label);
  all = [...BUILT_IN_SCENES, ...projectScenes];
}

/** Every scene type in use: the built-ins, then the project's. */
export function registeredScenes(): readonly SceneDefinition[] {
  return all;
}

/** The scene type named `type`, or undefined. */
export function findScene(type: string): SceneDefinition | undefined {
  return all.find((s) => s.type === type);
}
