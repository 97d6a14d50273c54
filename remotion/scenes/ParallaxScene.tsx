/**
 * Tier 2: 2.5D parallax. The image's depth layers (back to front, each with an overscan margin
 * and the area nearer layers hide filled in) move at speeds set by their depth, under the
 * section's camera. CSS transforms only: fast, and it works on Lambda (no GPU).
 */
import React from 'react';
import { AbsoluteFill, useCurrentFrame } from 'remotion';
import { cropAtFrame } from '../../src/timeline/camera';
import { layerRect, layerTransformAt } from '../../src/timeline/parallax';
import { DepthDisplacement } from './DepthDisplacement';
import { FramedImage, PlacedImage } from './FramedImage';
import type { SceneProps } from './scene-props';

export const ParallaxScene: React.FC<SceneProps> = ({ scene }) => {
  const frame = useCurrentFrame();
  const crop = cropAtFrame(scene.camera, frame);
  const { layers, parallax } = scene;
  if (!layers || !parallax) {
    return (
      <AbsoluteFill style={{ backgroundColor: 'black', overflow: 'hidden' }}>
        <FramedImage src={scene.image.src} crop={crop} imageWidth={scene.image.width} imageHeight={scene.image.height} />
      </AbsoluteFill>
    );
  }
  if (parallax.mode === 'webgl' && layers.depth) {
    return (
      <AbsoluteFill style={{ backgroundColor: 'black', overflow: 'hidden' }}>
        <DepthDisplacement scene={scene} depthSrc={layers.depth} crop={crop} />
      </AbsoluteFill>
    );
  }
  const pw = layers.width + 2 * layers.overscanPx;
  const ph = layers.height + 2 * layers.overscanPx;
  return (
    <AbsoluteFill style={{ backgroundColor: 'black', overflow: 'hidden' }}>
      {layers.layers.map((layer, i) => (
        <PlacedImage
          key={layer.src}
          src={layer.src}
          crop={crop}
          rect={layerRect(layers, layerTransformAt(parallax, i, frame), scene.focus)}
          width={pw}
          height={ph}
        />
      ))}
    </AbsoluteFill>
  );
};
