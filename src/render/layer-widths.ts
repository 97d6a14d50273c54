/**
 * How wide the depth layers of each image must be for parallax to be as sharp as Ken Burns: the
 * widest any parallax scene of any format draws the image part of its layers, at output scale, read
 * off the frame descriptions as images are for pre-scaling (drawnWidths; dolly and push growth
 * included, frame by frame). Layers built at this width are never upscaled by the renderer, and never larger
 * than the largest output needs, however large the source.
 */
import type { LoadedPlan } from '../plan/load-plan';
import type { FormatId } from '../plan/formats';
import type { LayerSet } from '../plan/schema';
import { buildTimeline } from '../timeline/build-timeline';
import { planMediaFacts } from './media-facts';
import type { PreparedAssets } from './prepared-assets';
import { drawnWidths, MAX_PRESCALED_SIDE } from './prescale-images';

/**
 * Layer width per image reference in `refs`, over the given formats at `scale`. The timelines are
 * laid out as they will be once the layers exist (the layers' size does not move the camera).
 */
export function neededLayerWidths(loaded: LoadedPlan, assets: PreparedAssets, refs: Iterable<string>, formats: readonly FormatId[], scale: number): Map<string, number> {
  const media = planMediaFacts(loaded, assets);
  const wanted = new Set(refs);
  media.layers ??= {};
  for (const ref of wanted) {
    const img = media.images[ref];
    if (!img) continue;
    // A stand-in layer set: only its presence matters (sections get their parallax scene and camera).
    const standIn: LayerSet = { width: img.width, height: img.height, overscanPx: 0, maxShift: { x: 0, y: 0 }, layers: [{ src: '', parallax: 1 }] };
    media.layers[ref] = standIn;
  }
  const out = new Map<string, number>();
  for (const format of formats) {
    const timeline = buildTimeline(loaded.plan, media, format);
    for (const scene of timeline.scenes) {
      if (scene.kind !== 'parallax' || !scene.parallax || !wanted.has(scene.image.src)) continue;
      const width = drawnWidths({ ...timeline, scenes: [scene] }, scale).layers.get(scene.image.src);
      if (width === undefined) continue; // WebGL mode: the image itself is displaced (sized with the images)
      const img = loaded.images[scene.image.src]!;
      const px = Math.min(width, MAX_PRESCALED_SIDE, Math.floor((MAX_PRESCALED_SIDE * img.width) / img.height));
      out.set(scene.image.src, Math.max(out.get(scene.image.src) ?? 0, px));
    }
  }
  return out;
}
