/**
 * Scene kind -> component. The Record type makes a scene schema without a component (or the
 * reverse) a type error, so a new scene type is exactly one schema entry plus one component.
 */
import type React from 'react';
import type { SceneKind } from '../../src/timeline/types';
import { ClipScene } from './ClipScene';
import { KenBurnsScene } from './KenBurnsScene';
import { ParallaxScene } from './ParallaxScene';
import type { SceneProps } from './scene-props';
import { SpotlightScene } from './SpotlightScene';
import { StillScene } from './StillScene';

export const SCENE_COMPONENTS: Record<SceneKind, React.FC<SceneProps>> = {
  still: StillScene,
  kenburns: KenBurnsScene,
  parallax: ParallaxScene,
  clip: ClipScene,
  spotlight: SpotlightScene,
};
