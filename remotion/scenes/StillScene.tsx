/** Tier 0: the image, cover-fitted around the subject, perfectly still (hold frames). */
import React from 'react';
import { AbsoluteFill } from 'remotion';
import { cropAtFrame } from '../../src/timeline/camera';
import { FramedImage } from './FramedImage';
import type { SceneProps } from './scene-props';

export const StillScene: React.FC<SceneProps> = ({ scene }) => (
  <AbsoluteFill style={{ backgroundColor: 'black', overflow: 'hidden' }}>
    <FramedImage src={scene.image.src} crop={cropAtFrame(scene.camera, 0)} imageWidth={scene.image.width} imageHeight={scene.image.height} />
  </AbsoluteFill>
);
