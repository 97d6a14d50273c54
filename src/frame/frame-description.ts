/**
 * What one frame of a scene is made of, as plain data: a background colour, then items drawn back
 * to front (images and depth layers placed at rectangles of image space, a clip frame, a
 * depth-displaced image, a vignette), all seen through the camera's crop. Both renderers draw
 * this: React in Chromium (remotion/scenes/DescribedFrame.tsx) and the direct renderer in Node
 * (src/render/direct/draw-frame.ts), so a scene's look is written once, in describe-frame.ts.
 * Pure types (browser + Node).
 */
import type { Point } from '../plan/schema';
import type { Crop } from '../timeline/camera';
import type { LayerTransform } from '../timeline/parallax';
import type { ImageRect } from '../timeline/placement';

/** sRGB, 0-255 a channel. */
export type Rgb = readonly [number, number, number];

/** An element of natural size width x height (CSS px) covering `rect` of image space (see placement()). */
interface Placed {
  src: string;
  width: number;
  height: number;
  rect: ImageRect;
  /** 0..1, applied to the item as a whole. */
  opacity: number;
}

/** An opaque picture (the scene's image, flattened over black). */
export interface ImageItem extends Placed {
  kind: 'image';
}

/** A picture with transparency (a depth layer): composited "over", premultiplied. */
export interface LayerItem extends Placed {
  kind: 'layer';
}

/** One frame of a video clip (tier 3): its frame `frame`, counted at the composition's frame rate. */
export interface VideoItem extends Placed {
  kind: 'video';
  frame: number;
}

/** Tier 2, WebGL mode: every pixel of the image moved by its depth, between the far and near transforms. */
export interface DepthDisplacementItem {
  kind: 'depth-displacement';
  src: string;
  depthSrc: string;
  far: LayerTransform;
  near: LayerTransform;
  /** The point dolly and push scale about (0..1 of the image). */
  origin: Point;
}

/**
 * Black darkening towards the frame's edges around `center` (0..1 of the frame): alpha 0 out to
 * `inner`, rising linearly to `strength` at `outer`, as shares of the distance from the centre
 * to the farthest frame corner (CSS `radial-gradient(circle at ...)` stops in %).
 */
export interface VignetteItem {
  kind: 'vignette';
  center: Point;
  inner: number;
  outer: number;
  strength: number;
}

export type FrameItem = ImageItem | LayerItem | VideoItem | DepthDisplacementItem | VignetteItem;

export interface FrameDescription {
  background: Rgb;
  /** What the camera sees, in 0..1 image coordinates at the frame's aspect; items are placed through it. */
  crop: Crop;
  /** Back to front. */
  items: FrameItem[];
}

export const BLACK: Rgb = [0, 0, 0];

/** The CSS colour of an Rgb. */
export function cssColor(c: Rgb): string {
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}
