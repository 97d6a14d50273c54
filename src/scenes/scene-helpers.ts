/** Building blocks for frame descriptions, shared by the built-in looks and scene authors. Pure module. */
import type { ImageItem } from '../frame/frame-description';
import { FULL_RECT } from '../timeline/placement';
import type { TimelineScene } from '../timeline/types';

/** The scene's image, covering the whole image space (seen through the description's crop). */
export function sceneImage(scene: Pick<TimelineScene, 'image'>): ImageItem {
  return { kind: 'image', src: scene.image.src, width: scene.image.width, height: scene.image.height, rect: FULL_RECT, opacity: 1 };
}
