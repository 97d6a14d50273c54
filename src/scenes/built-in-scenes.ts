/**
 * The scene types that ship with Stillmotion (beyond each tier's own kind, which is in
 * src/frame/describe-frame.ts). One file per scene; add a built-in by listing it here.
 */
import type { SceneDefinition } from './define-scene';
import { spotlight } from './spotlight';

export const BUILT_IN_SCENES: readonly SceneDefinition[] = [spotlight];
