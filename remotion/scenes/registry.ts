/**
 * Scene kind -> component. Every tier kind's look, and every scene type with a `describe`, is its
 * frame description (src/frame/describe-frame.ts), drawn by one component; a scene type made with
 * a `component` (src/scenes/define-scene.ts) is drawn by that component.
 */
import type React from 'react';
import { findScene } from '../../src/scenes/registry';
import type { BuiltInSceneKind, SceneKind } from '../../src/timeline/types';
import { DescribedScene } from './DescribedFrame';
import type { SceneProps } from './scene-props';

const TIER_COMPONENTS: Record<BuiltInSceneKind, React.FC<SceneProps>> = {
  still: DescribedScene,
  kenburns: DescribedScene,
  parallax: DescribedScene,
  clip: DescribedScene,
};

/** The component that draws scenes of `kind` (a registered scene type's own, else the described frame). */
export function sceneComponent(kind: SceneKind): React.ComponentType<SceneProps> {
  if (Object.hasOwn(TIER_COMPONENTS, kind)) return TIER_COMPONENTS[kind as BuiltInSceneKind];
  const def = findScene(kind);
  if (!def) throw new Error(`unknown scene type "${kind}": register the project's scenes (its stillmotion.config) before registerRoot`);
  return (def.component as React.ComponentType<SceneProps> | undefined) ?? DescribedScene;
}
