/** The resolved timeline of one format: what the Remotion composition draws, in frames. Pure types. */
import type { Caption, TikTokPage } from '@remotion/captions';
import type { CaptionPosition, CaptionStyleName } from '../captions/caption-settings';
import type { FormatId } from '../plan/formats';
import type { SceneParams } from '../scenes/define-scene';
import type { ClipMedia, LayerSet, SLIDE_DIRECTIONS } from '../plan/schema';
import type { CutExplanation } from './audio-sync';
import type { CameraPath } from './camera';
import type { ParallaxPath } from './parallax';

export type BuiltInSceneKind = 'still' | 'kenburns' | 'parallax' | 'clip';
/** A tier's own kind, or a scene type's name (src/scenes/: the built-ins and a project's own). */
export type SceneKind = BuiltInSceneKind | (string & {});

export type TransitionKind = 'crossfade' | 'slide' | 'wipe';

export interface ResolvedTransition {
  type: TransitionKind;
  durationInFrames: number;
  direction: (typeof SLIDE_DIRECTIONS)[number];
}

export interface TimelineScene {
  id: string;
  index: number;
  kind: SceneKind;
  /** The tier the plan asked for, and the one rendered (lower when a tier is not available). */
  tier: number;
  renderedTier: number;
  /** Why the rendered tier differs from the planned one. */
  fallback: string | null;
  image: { src: string; width: number; height: number };
  /** First frame of this scene's sequence (including the incoming transition). */
  from: number;
  /** Length of its sequence, including the halves of the transitions it shares. */
  durationInFrames: number;
  /** The section's own span: from its boundary with the previous section to the next boundary. */
  nominalFrom: number;
  nominalFrames: number;
  /** The subject, in 0..1 of the image. */
  focus: { x: number; y: number };
  camera: CameraPath;
  /** 'custom' or the motion preset used. */
  motionPreset: string;
  transitionOut: ResolvedTransition | null;
  /** The section's `scene` (a scene type's params, validated by its schema), or null for a tier's kind. */
  params: SceneParams | null;
  text: string | null;
  /** Tier 2: the image's depth layers and how they move. */
  layers: LayerSet | null;
  parallax: ParallaxPath | null;
  /** Tier 3: the provider clip (the camera then frames the clip, not the image). */
  clip: ClipMedia | null;
}

export interface NarrationClip {
  sectionId: string;
  src: string;
  from: number;
  durationInFrames: number;
  volume: number;
}

export interface MusicTrack {
  src: string;
  volume: number;
  loop: boolean;
  offsetFrames: number;
  fileDurationInFrames: number;
  fadeInFrames: number;
  fadeOutFrames: number;
  duck: { gain: number; attackFrames: number; releaseFrames: number; ranges: [number, number][] } | null;
}

/**
 * One caption page in video time (after beat-snapping and holds): the words shown together, each
 * token with its own time so the spoken word can be highlighted. `level: 'cue'` pages come from
 * section-level cues (the text could not be aligned to the audio): show them without a highlight.
 */
export interface CaptionPage extends TikTokPage {
  sectionId: string;
  level: 'word' | 'cue';
  /** First frame the page is shown, and the frame after its last one. */
  startFrame: number;
  endFrame: number;
}

/** The video's captions: how they look, where they sit, the pages on screen and every word (the JSON sidecar), in video time. */
export interface TimelineCaptions {
  style: CaptionStyleName;
  position: CaptionPosition;
  /** Longest line in characters: the style's, or the plan's `captions.maxCharsPerLine` (the pages are cut to the same length). */
  maxCharsPerLine: number;
  pages: CaptionPage[];
  words: Caption[];
}

/** A title or end card, or a section's on-screen text: its text, and the video frames it is on screen (fading in and out: src/cards/card-timing.ts). */
export interface TimelineCard {
  kind: 'title' | 'end' | 'text';
  text: string;
  subtitle: string | null;
  /** First frame shown, and the frame after the last one. */
  startFrame: number;
  endFrame: number;
  fadeInFrames: number;
  fadeOutFrames: number;
}

export interface Timeline {
  format: FormatId;
  fps: number;
  width: number;
  height: number;
  durationInFrames: number;
  scenes: TimelineScene[];
  narration: NarrationClip[];
  music: MusicTrack | null;
  warnings: string[];
  /** Where each cut between sections landed, and why (`render --explain`). */
  cuts: CutExplanation[];
  /** Burned-in captions, or null when off or when no section has any. */
  captions: TimelineCaptions | null;
  /** The plan's title card (over the first section) and end card (over the last section's final hold), or null. */
  titleCard: TimelineCard | null;
  endCard: TimelineCard | null;
  /** Sections' on-screen text (`onScreenText`), in video order. */
  textCards: TimelineCard[];
}
