/**
 * Draws any frame description (src/frame/frame-description.ts) in the browser: the background,
 * then each item back to front. Every scene kind renders through here, so the browser draws
 * exactly what the direct renderer draws in Node from the same description. Placement is by CSS
 * transform only, so the browser composites on the GPU and never re-lays out.
 */
import React from 'react';
import { AbsoluteFill, Freeze, Img, OffthreadVideo, useCurrentFrame, useVideoConfig } from 'remotion';
import { describeFrame } from '../../src/frame/describe-frame';
import { cssColor, type FrameDescription, type FrameItem, type VignetteItem } from '../../src/frame/frame-description';
import type { Crop } from '../../src/timeline/camera';
import { placement, type ImageRect } from '../../src/timeline/placement';
import { DepthDisplacement } from './DepthDisplacement';
import type { SceneProps } from './scene-props';

/** CSS that places an element of natural size (pw x ph) at `rect` of image space, seen through `crop`. */
function placementStyle(crop: Crop, rect: ImageRect, pw: number, ph: number, width: number, height: number, opacity: number): React.CSSProperties {
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
    ...(opacity < 1 ? { opacity } : {}),
  };
}

const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;

/** The vignette as a CSS radial gradient (circle, farthest-corner: the stops are shares of that distance). */
function vignetteBackground(v: VignetteItem): string {
  return `radial-gradient(circle at ${pct(v.center.x)} ${pct(v.center.y)}, rgba(0,0,0,0) ${pct(v.inner)}, rgba(0,0,0,${v.strength}) ${pct(v.outer)})`;
}

const Item: React.FC<{ item: FrameItem; crop: Crop }> = ({ item, crop }) => {
  const { width, height } = useVideoConfig();
  switch (item.kind) {
    case 'image':
    case 'layer':
      return <Img src={item.src} style={placementStyle(crop, item.rect, item.width, item.height, width, height, item.opacity)} />;
    case 'video':
      return (
        <Freeze frame={item.frame}>
          <OffthreadVideo src={item.src} muted style={placementStyle(crop, item.rect, item.width, item.height, width, height, item.opacity)} />
        </Freeze>
      );
    case 'depth-displacement':
      return <DepthDisplacement item={item} crop={crop} />;
    case 'vignette':
      return <AbsoluteFill style={{ background: vignetteBackground(item) }} />;
  }
};

export const DescribedFrame: React.FC<{ description: FrameDescription }> = ({ description }) => (
  <AbsoluteFill style={{ backgroundColor: cssColor(description.background), overflow: 'hidden' }}>
    {description.items.map((item, i) => (
      <Item key={`${i}:${'src' in item ? item.src : item.kind}`} item={item} crop={description.crop} />
    ))}
  </AbsoluteFill>
);

/** Any scene: its description at the current (scene-local) frame. */
export const DescribedScene: React.FC<SceneProps> = ({ scene }) => {
  const frame = useCurrentFrame();
  const { fps } = useVideoConfig();
  return <DescribedFrame description={describeFrame(scene, frame, fps)} />;
};
