/**
 * Draws an image so that a crop (0..1 image coordinates, frame aspect) exactly fills the frame.
 * Uses a GPU-friendly transform on a fixed-size <Img>; Remotion waits for the image to load.
 */
import React from 'react';
import { Img, useVideoConfig } from 'remotion';
import type { Crop } from '../../src/timeline/camera';

/** Scale-up about the frame centre that hides sub-pixel seams at the frame edges (about 1 px). */
const SEAM_OVERSCAN_PX = 1;

export const FramedImage: React.FC<{ src: string; crop: Crop; imageWidth: number; imageHeight: number }> = ({
  src,
  crop,
  imageWidth,
  imageHeight,
}) => {
  const { width, height } = useVideoConfig();
  const overscan = 1 + (2 * SEAM_OVERSCAN_PX) / Math.min(width, height);
  const displayW = (width / crop.w) * overscan;
  const displayH = (height / crop.h) * overscan;
  const tx = -crop.x * displayW - (width * (overscan - 1)) / 2;
  const ty = -crop.y * displayH - (height * (overscan - 1)) / 2;
  return (
    <Img
      src={src}
      style={{
        position: 'absolute',
        left: 0,
        top: 0,
        width: imageWidth,
        height: imageHeight,
        maxWidth: 'none',
        transformOrigin: '0 0',
        transform: `translate(${tx}px, ${ty}px) scale(${displayW / imageWidth}, ${displayH / imageHeight})`,
      }}
    />
  );
};
