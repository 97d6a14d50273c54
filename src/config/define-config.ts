/** The shape of a project's stillmotion.config.(ts|mjs|js) default export. Pure module. */
import type { SceneDefinition } from '../scenes/define-scene';

export interface StillmotionConfig {
  /** The project's own scene types (made with defineScene), usable as a section's `"scene": {"type": ...}`. */
  scenes?: readonly SceneDefinition[];
}

/** Identity, for type checking a config: `export default defineConfig({ scenes: [...] })`. */
export function defineConfig(config: StillmotionConfig): StillmotionConfig {
  return config;
}
