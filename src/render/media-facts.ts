/**
 * The media a plan's timeline is laid out with, from what the Node side has prepared: image
 * sizes, audio durations, and (when prepared) depth layers, clips and fallback notes. `url`
 * turns a local file into what the browser loads (the asset server), or keeps the path.
 */
import path from 'node:path';
import type { LoadedPlan } from '../plan/load-plan';
import type { Media } from '../plan/schema';
import type { PreparedAssets } from './prepared-assets';

export function planMediaFacts(loaded: LoadedPlan, assets?: PreparedAssets, url: (file: string) => string = (f) => f): Media {
  const images: Media['images'] = {};
  for (const [ref, img] of Object.entries(loaded.images)) {
    const focus = assets?.focus[ref];
    images[ref] = { src: ref, width: img.width, height: img.height, ...(focus ? { focus } : {}) };
  }
  const audio: Media['audio'] = {};
  for (const [ref, a] of Object.entries(loaded.audio)) audio[ref] = { src: url(a.file), duration: a.duration };
  const media: Media = { images, audio };
  if (assets) {
    media.layers = {};
    for (const [ref, m] of Object.entries(assets.layers)) {
      media.layers[ref] = {
        width: m.width,
        height: m.height,
        overscanPx: m.overscanPx,
        maxShift: m.maxShift,
        layers: m.layers.map((l) => ({ src: url(path.join(m.dir, l.file)), parallax: l.parallax })),
        depth: url(path.join(m.dir, m.depth)),
      };
    }
    media.clips = {};
    for (const [id, c] of Object.entries(assets.clips)) media.clips[id] = { src: url(c.file), duration: c.duration, width: c.width, height: c.height };
    media.notes = assets.notes;
    media.analysis = assets.analysis;
    if (assets.captions) media.captions = assets.captions;
  }
  return media;
}
