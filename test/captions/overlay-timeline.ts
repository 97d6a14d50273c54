/** Hand-made timelines with captions for the overlay tests: one still scene, pages of words at known times. */
import type { CaptionPosition, CaptionStyleName } from '../../src/captions/caption-settings';
import { OUTPUT_FORMATS, type FormatId } from '../../src/plan/formats';
import type { CaptionOverlay, Overlay } from '../../src/frame/overlay';
import type { CaptionPage, Timeline, TimelineScene } from '../../src/timeline/types';

export interface PageSpec {
  /** Words and the video ms each starts at (each ends where the next starts, the last 400 ms later). */
  words: [string, number][];
  level?: 'word' | 'cue';
}

export function captionPage(spec: PageSpec, fps: number, endMs?: number): CaptionPage {
  const tokens = spec.words.map(([text, fromMs], i) => ({ text: i === 0 ? text : ` ${text}`, fromMs, toMs: spec.words[i + 1]?.[1] ?? fromMs + 400 }));
  const startMs = tokens[0]!.fromMs;
  const end = endMs ?? tokens[tokens.length - 1]!.toMs;
  return {
    text: tokens.map((t) => t.text).join(''),
    startMs,
    durationMs: end - startMs,
    tokens,
    sectionId: 'a',
    level: spec.level ?? 'word',
    startFrame: Math.round((startMs * fps) / 1000),
    endFrame: Math.round((end * fps) / 1000),
  };
}

/** A still scene of `image` (its size and focus given) lasting `frames`, with caption pages. */
export function captionTimeline(o: {
  format: FormatId;
  frames: number;
  pages: PageSpec[];
  style?: CaptionStyleName;
  position?: CaptionPosition;
  image?: { src: string; width: number; height: number };
  focus?: { x: number; y: number };
  fps?: number;
  kind?: 'still' | 'kenburns';
}): Timeline {
  const fps = o.fps ?? 30;
  const { width, height } = OUTPUT_FORMATS[o.format];
  const image = o.image ?? { src: 'image.png', width, height };
  const focus = o.focus ?? { x: 0.5, y: 0.5 };
  const zoom = o.kind === 'kenburns' ? 1.25 : 1;
  const scene: TimelineScene = {
    id: 'a',
    index: 0,
    kind: o.kind ?? 'still',
    tier: o.kind === 'kenburns' ? 1 : 0,
    renderedTier: o.kind === 'kenburns' ? 1 : 0,
    fallback: null,
    image,
    from: 0,
    durationInFrames: o.frames,
    nominalFrom: 0,
    nominalFrames: o.frames,
    focus,
    camera: {
      from: { zoom: 1, center: focus },
      to: { zoom, center: focus },
      easing: [0.42, 0, 0.58, 1],
      holdStartFrames: 0,
      holdEndFrames: 0,
      durationInFrames: o.frames,
      imageAspect: image.width / image.height,
      frameAspect: width / height,
    },
    motionPreset: o.kind === 'kenburns' ? 'zoom-in' : 'still',
    transitionOut: null,
    params: null,
    text: null,
    layers: null,
    parallax: null,
    clip: null,
  };
  const pages = o.pages.map((p, i) => captionPage(p, fps, o.pages[i + 1]?.words[0]?.[1]));
  return {
    format: o.format,
    fps,
    width,
    height,
    durationInFrames: o.frames,
    scenes: [scene],
    narration: [],
    music: null,
    warnings: [],
    cuts: [],
    captions: { style: o.style ?? 'bold', position: o.position ?? 'auto', maxCharsPerLine: 18, pages, words: [] },
    titleCard: null,
    textCards: [],
    endCard: null,
  } as Timeline;
}

/** The caption overlay of a frame's overlays. */
export function captionOf(overlays: Overlay[]): CaptionOverlay {
  const o = overlays.find((x): x is CaptionOverlay => x.kind === 'caption');
  if (!o) throw new Error('no caption overlay at this frame');
  return o;
}
