/** Media for timeline and frame tests: one 1000x600 image with three depth layers, and a 5 s clip. */
import type { LayerSet, Media } from '../../src/plan/schema';

export const layers: LayerSet = {
  width: 1000,
  height: 600,
  overscanPx: 60,
  maxShift: { x: 0.06, y: 0.1 },
  depth: 'depth.png',
  layers: [
    { src: 'bg.png', parallax: 0.15 },
    { src: 'mid.png', parallax: 0.5 },
    { src: 'fg.png', parallax: 1 },
  ],
};

export const media: Media = {
  images: { 'a.png': { src: 'a.png', width: 1000, height: 600 } },
  audio: {},
  layers: { 'a.png': layers },
  clips: { c: { src: 'c.mp4', duration: 5, width: 1280, height: 720 } },
};
