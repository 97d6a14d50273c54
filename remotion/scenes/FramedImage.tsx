/**
 * Draws media so that a crop (0..1 image coordinates, frame aspect) exactly fills the frame.
 * `PlacedMedia` puts any element at a rectangle of image space (layers with overscan margins,
 * shifted layers); `FramedImage` is the common case of the image itself. Transforms only, so
 * the browser composites on the GPU and never re-lays out.
 */
import React from 'react';
import { Img, useVideoConfig } from 'remotion';
import type { Crop } from '../../src/timeline/camera';
import { FULL_RECT as FULL, placement, type ImageRect } from '../../src/timeline/placement';

export type { ImageRect } from '../../src/timeline/placement';

/** CSS that places an element of natural size (pw x ph) at `rect` of image space, seen through `crop`. */
export function usePlacement(crop: Crop, rect: ImageRect, pw: number, ph: number): React.CSSProperties {
  const { width, height } = useVideoConfig();
  const p = placement(crop, rect, pw, ph, width, height);
  return {
    position: 'absolute',
    left: 0,
    top: 0,
    width: pw,
    height: ph,
    maxWidth: 'none',
    transformOrigin: '0 0',
    transform: `translate(${p.tx}px, ${p.ty}px) scale(${p.sx}, ${p.sy})`,
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
