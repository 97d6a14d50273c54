/**
 * Draws media so that a crop (0..1 image coordinates, frame aspect) exactly fills the frame.
 * `PlacedMedia` puts any element at a rectangle of image space (layers with overscan margins,
 * shifted layers); `FramedImage` is the common case of the image itself. Transforms only, so
 * the browser composites on the GPU and never re-lays out.
 */
import React from 'react';
import { Img, useVideoConfig } from 'remotion';
import type { Crop } from '../../src/timeline/camera';

/** Scale-up about the frame centre that hides sub-pixel seams at the frame edges (about 1 px). */
const SEAM_OVERSCAN_PX = 1;

export interface ImageRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const FULL: ImageRect = { x: 0, y: 0, w: 1, h: 1 };

/** CSS that places an element of natural size (pw x ph) at `rect` of image space, seen through `crop`. */
export function usePlacement(crop: Crop, rect: ImageRect, pw: number, ph: number): React.CSSProperties {
  const { width, height } = useVideoConfig();
  const overscan = 1 + (2 * SEAM_OVERSCAN_PX) / Math.min(width, height);
  // Size of the whole image (0..1) on screen.
  const imageW = (width / crop.w) * overscan;
  const imageH = (height / crop.h) * overscan;
  const tx = (rect.x - crop.x) * imageW - (width * (overscan - 1)) / 2;
  const ty = (rect.y - crop.y) * imageH - (height * (overscan - 1)) / 2;
  return {
    position: 'absolute',
    left: 0,
    top: 0,
    width: pw,
    height: ph,
    maxWidth: 'none',
    transformOrigin: '0 0',
    transform: `translate(${tx}px, ${ty}px) scale(${(rect.w * imageW) / pw}, ${(rect.h * imageH) / ph})`,
  };
}

export const PlacedImage: React.FC<{ src: string; crop: Crop; rect?: ImageRect; width: number; height: number }> = ({
  src,
  crop,
  rect = FULL,
  width,
  height,
}) => <Img src={src} style={usePlacement(crop, rect, width, height)} />;

export const FramedImage: React.FC<{ src: string; crop: Crop; imageWidth: number; imageHeight: number }> = ({ src, crop, imageWidth, imageHeight }) => (
  <PlacedImage src={src} crop={crop} width={imageWidth} height={imageHeight} />
);
