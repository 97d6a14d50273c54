/**
 * `<name>-<format>.jpg`: the cover of one format's video. The frame (src/cards/cover-frame.ts) is
 * rendered as a still of the real composition, with the captions and the title/end cards off, and
 * the cover's title (a card overlay, src/cards/card-overlay.ts) is drawn by the overlays' one
 * drawing (src/frame/draw-overlay.ts) on Node's canvas and composited over it, as the Node renderer
 * composites overlays over the frames it draws. Written atomically: a failed cover leaves no file.
 */
import { promises as fs } from 'node:fs';
import sharp from 'sharp';
import { coverOverlay } from '../cards/card-overlay';
import { chooseCoverFrame, type CoverChoice } from '../cards/cover-frame';
import { subjectAt } from '../frame/describe-overlays';
import { produceAtomic, tempPathFor } from '../fs/atomic-write';
import type { CompositionProps } from '../plan/schema';
import { overlayRgba } from './overlays/overlay-pictures';
import type { PreparedFormat, RenderSession } from './render-session';

export interface WrittenCover extends CoverChoice {
  file: string;
  width: number;
  height: number;
  seconds: number;
}

/** JPEG quality of covers (platforms re-encode them; 90 keeps text edges clean). */
const COVER_QUALITY = 90;

/** The composition's props with nothing over the scenes: no captions, no cards. */
function sceneOnlyProps(props: CompositionProps): CompositionProps {
  return { ...props, plan: { ...props.plan, captions: false, titleCard: false, endCard: false, sections: props.plan.sections.map((s) => ({ ...s, onScreenText: false })) } };
}

/**
 * Renders and writes the cover of a prepared format to `target` at output `scale`; null when the
 * plan says `cover: false`. Throws (a StillmotionError naming the field) when `cover` points
 * outside the video.
 */
export async function writeCover(session: RenderSession, prepared: PreparedFormat, target: string, scale: number): Promise<WrittenCover | null> {
  const started = performance.now();
  const { timeline } = prepared;
  const choice = chooseCoverFrame(prepared.inputProps.plan, timeline);
  if (!choice) return null;
  const props = sceneOnlyProps(prepared.inputProps);
  const still = tempPathFor(`${target}.scene.png`);
  try {
    const title = choice.title ? coverOverlay(timeline, choice.frame, choice.title, { subjectAt: (f) => subjectAt(timeline, f) }) : null;
    await session.renderStill({ ...prepared, inputProps: props, composition: { ...prepared.composition, props } }, choice.frame, still, scale);
    // The title's band as the Node renderer draws it, placed where it places it.
    const band = title ? overlayRgba(title, scale) : null;
    const layers: sharp.OverlayOptions[] = band
      ? [{ input: Buffer.from(band.rgba.buffer, band.rgba.byteOffset, band.rgba.byteLength), raw: { width: band.width, height: band.height, channels: 4 }, left: band.out.x, top: band.out.y }]
      : [];
    const { width, height } = await produceAtomic(target, (tmp) =>
      sharp(still).composite(layers).jpeg({ quality: COVER_QUALITY }).toFile(tmp),
    );
    return { ...choice, file: target, width, height, seconds: (performance.now() - started) / 1000 };
  } finally {
    await fs.rm(still, { force: true });
  }
}
