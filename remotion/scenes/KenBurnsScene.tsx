/**
 * Tier 1: Ken Burns. The camera moves from one framing to another with eased zoom and pan
 * (motion ramping at both ends), holds where the plan says, and never leaves the image.
 */
import React from 'react';
import { AbsoluteFill, useCurrentFrame } from 'remotion';
import { cropAtFrame } from '../../src/timeline/camera';
import { FramedImage } from './FramedImage';
import type { SceneProps } from './scene-props';

export const KenBurnsScene: React.FC<SceneProps> = ({ scene }) => {
  const frame = useCurrentFrame();
  return (
    <AbsoluteFill style={{ backgroundColor: 'black', overflow: 'hidden' }}>
      <FramedImage src={scene.image.src} crop={cropAtFrame(scene.camera, frame)} imageWidth={scene.image.width} imageHeight={scene.image.height} />
    </AbsoluteFill>
  );
};
