/**
 * What a project's generated Remotion entry calls (src/render/bundle-entry.ts): the project's scene
 * types registered first, then the Root, so the compositions' plan schema and the scene registry
 * know them before anything renders.
 */
import { registerRoot } from 'remotion';
import type { StillmotionConfig } from '../src/config/define-config';
import { registerScenes } from '../src/scenes/registry';
import { Root } from './Root';

export function registerProjectRoot(config: StillmotionConfig | undefined, label: string): void {
  registerScenes(config?.scenes ?? [], label);
  registerRoot(Root);
}
