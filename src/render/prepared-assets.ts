/**
 * What `prepareAssets` hands the renderers: depth layers, clips, fallback notes, detected focus and
 * audio events. A module of its own so the modules that read prepared assets (media facts, layer
 * widths) need not import the module that prepares them.
 */
import type { LayersManifest } from '../layers';
import type { AudioEvents, NarrationCaptions } from '../plan/schema';
import type { ClipResult } from '../providers/collect-clips';

export interface PreparedClip {
  file: string;
  duration: number;
  width: number;
  height: number;
}

export interface PreparedAssets {
  /** Depth layers per image reference. */
  layers: Record<string, LayersManifest>;
  /** Provider clips per section id. */
  clips: Record<string, PreparedClip>;
  /** Why a section's tier could not be prepared, per section id. */
  notes: Record<string, string[]>;
  /** One result per tier-3 section, in plan order (for reports). */
  clipResults: (ClipResult & { sectionId: string })[];
  /** Detected subject per image reference, for sections that give no `focus`. */
  focus: Record<string, { x: number; y: number }>;
  /** Audio events for audio-driven motion (music, and narration for speech pauses). */
  analysis: { music?: AudioEvents; narration: Record<string, AudioEvents> };
  /** Word timings per narration reference (captions), ms from the start of each file. */
  captions?: Record<string, NarrationCaptions>;
  /** Sections left unprepared because a frame range does not reach them (by id). */
  outsideRange?: string[];
}
