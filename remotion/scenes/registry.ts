/**
 * Scene kind -> component. Every kind's look is its frame description (src/frame/describe-frame.ts,
 * a Record over all kinds, so a kind without a look is a type error), drawn by one component.
 */
import type React from 'react';
import type { SceneKind } from '../../src/timeline/types';
import { DescribedScene } from './DescribedFrame';
import type { SceneProps } from './scene-props';

export const SCENE_COMPONENTS: Record<SceneKind, React.FC<SceneProps>> = {
  still: DescribedScene,
  kenburns: DescribedScene,
  parallax: DescribedScene,
  clip: DescribedScene,
  spotlight: DescribedScene,
};
