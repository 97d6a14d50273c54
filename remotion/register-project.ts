/**
 * What a project's generated Remotion entry imports (src/render/bundle-entry.ts): it registers the
 * project's scene types first, then the Root, so the compositions' plan schema and the scene
 * registry know them before anything renders. (Remotion wants `registerRoot` called in the entry
 * file itself, hence the re-exports.)
 */
import type { StillmotionConfig } from '../src/config/define-config';
import { registerScenes } from '../src/scenes/registry';

export { registerRoot } from 'remotion';
export { Root } from './Root';

export function registerProjectScenes(config: StillmotionConfig | undefined, label: string): void {
  registerScenes(config?.scenes ?? [], label);
}
