import type { TimelineScene } from '../../src/timeline/types';

/** What every scene component receives. Frames from useCurrentFrame() are relative to the scene's sequence. */
export interface SceneProps {
  scene: TimelineScene;
}
