/**
 * Tier 3: an AI image-to-video clip from a provider, cover-fitted around the focal point in each
 * format, fitted to the section (trimmed, or slowed and held on its last frame: never a black
 * tail), with eased speed at both ends so cuts into and out of it are not jarring.
 */
import React from 'react';
import { AbsoluteFill, Freeze, OffthreadVideo, useCurrentFrame, useVideoConfig } from 'remotion';
import { cropAtFrame } from '../../src/timeline/camera';
import { clipTimeAt } from '../../src/timeline/clip-timing';
import { FramedImage, usePlacement } from './FramedImage';
import type { SceneProps } from './scene-props';

export const ClipScene: React.FC<SceneProps> = ({ scene }) => {
  const frame = useCurrentFrame();
  const { fps } = useVideoConfig();
  const crop = cropAtFrame(scene.camera, frame);
  const clip = scene.clip;
  const style = usePlacement(crop, { x: 0, y: 0, w: 1, h: 1 }, clip?.width ?? 1, clip?.height ?? 1);
  if (!clip) {
    return (
      <AbsoluteFill style={{ backgroundColor: 'black', overflow: 'hidden' }}>
        <FramedImage src={scene.image.src} crop={crop} imageWidth={scene.image.width} imageHeight={scene.image.height} />
      </AbsoluteFill>
    );
  }
  const clipFrame = Math.round(clipTimeAt(frame, scene.durationInFrames, clip.duration, fps) * fps);
  return (
    <AbsoluteFill style={{ backgroundColor: 'black', overflow: 'hidden' }}>
      <Freeze frame={clipFrame}>
        <OffthreadVideo src={clip.src} muted style={style} />
      </Freeze>
    </AbsoluteFill>
  );
};
