/** A render session as an overlay picture renderer that counts the Chromium frames it renders and the pictures in them. */
import { overlaysAtFrame, type OverlayFramesProps } from '../../src/frame/overlay';
import type { OverlayPictureRenderer } from '../../src/render/overlays/overlay-pictures';
import type { RenderSession } from '../../src/render/render-session';

export type CountingRenderer = OverlayPictureRenderer & { frames: number; pictures: number };

/** `session`'s renderer, caching in `cacheDir` (default: the session's). */
export function countingRenderer(session: RenderSession, cacheDir = session.cacheDir): CountingRenderer {
  const c: CountingRenderer = {
    frames: 0,
    pictures: 0,
    serveUrl: session.serveUrl,
    browser: session.browser,
    cacheDir,
    renderTransparentFrames: (id, config, props, scale, onFrame, onArtifact) =>
      session.renderTransparentFrames(
        id,
        config,
        props,
        scale,
        async (frame, png) => {
          c.frames++;
          c.pictures += overlaysAtFrame(props as OverlayFramesProps, frame).length;
          await onFrame(frame, png);
        },
        onArtifact,
      ),
  };
  return c;
}
