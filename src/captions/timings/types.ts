/**
 * Word timings of one narration, from one of several sources behind one interface (like the depth
 * estimators): `align` (the section text aligned to the audio), `openai` (transcription with word
 * timestamps), `whisper-cpp` (a local whisper.cpp). Times are ms from the start of the narration file.
 */
import type { Caption } from '@remotion/captions';
import type { HashPart } from '../../cache/content-hash';
import type { CaptionSource } from '../caption-settings';

/** 'word': a caption per word (the spoken word can be highlighted); 'cue': short phrases spread over the speech. */
export type TimingLevel = 'word' | 'cue';

export interface WordTimings {
  level: TimingLevel;
  source: CaptionSource;
  /** The Caption shape of @remotion/captions; words after the first carry their leading space. */
  captions: Caption[];
  /** What the source noticed (text and audio disagree, no speech, ...), without the section's name. */
  warnings: string[];
}

export interface TimingRequest {
  /** The narration audio file. */
  audioFile: string;
  /** What the narration says (the section text), when known. */
  text?: string;
  /** Names the narration in messages (the section). */
  label: string;
  signal?: AbortSignal;
}

export interface WordTimer {
  readonly id: CaptionSource;
  /** What else besides the audio bytes and text decides the result (model, version): part of the cache key. */
  tag(): HashPart;
  /** Whether the source can time a narration without text (transcribers can, the aligner cannot). */
  readonly needsText: boolean;
  time(req: TimingRequest): Promise<WordTimings>;
}
