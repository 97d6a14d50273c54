/**
 * Splits a timeline into segments that can be rendered on their own and joined without
 * re-encoding: each scene's solo frames, and each transition's frames (where two scenes overlap).
 * Editing one section then touches only its own segments and the transitions beside it.
 */
import type { Timeline } from '../../timeline/types';

export interface Segment {
  kind: 'scene' | 'transition';
  /** Indices of the scenes drawn in it: one for a scene segment, two for a transition. */
  scenes: number[];
  /** First frame (inclusive) and end (exclusive), in the video's frames. */
  from: number;
  to: number;
}

/** Longest segment in frames (long sections are split, which keeps reuse and memory fine-grained). */
const MAX_SEGMENT_FRAMES = 300;

export function planSegments(t: Timeline, maxFrames = MAX_SEGMENT_FRAMES): Segment[] {
  const out: Segment[] = [];
  const push = (s: Segment): void => {
    for (let a = s.from; a < s.to; a += maxFrames) out.push({ ...s, from: a, to: Math.min(s.to, a + maxFrames) });
  };
  const scenes = t.scenes;
  const overlapBefore = (i: number): number => (i === 0 ? 0 : Math.max(0, scenes[i - 1]!.from + scenes[i - 1]!.durationInFrames - scenes[i]!.from));
  for (let i = 0; i < scenes.length; i++) {
    const s = scenes[i]!;
    const soloFrom = s.from + overlapBefore(i);
    const soloTo = s.from + s.durationInFrames - (i + 1 < scenes.length ? overlapBefore(i + 1) : 0);
    if (soloTo > soloFrom) push({ kind: 'scene', scenes: [i], from: soloFrom, to: soloTo });
    if (i + 1 < scenes.length) {
      const next = scenes[i + 1]!;
      const overlap = overlapBefore(i + 1);
      if (overlap > 0) push({ kind: 'transition', scenes: [i, i + 1], from: next.from, to: next.from + overlap });
    }
  }
  // The segments must tile the video exactly: anything else is a bug in the timeline.
  let at = 0;
  for (const s of out) {
    if (s.from !== at) throw new Error(`segments do not tile the video: gap or overlap at frame ${at} (next segment starts at ${s.from})`);
    at = s.to;
  }
  if (at !== t.durationInFrames) throw new Error(`segments end at frame ${at}, the video at ${t.durationInFrames}`);
  return out;
}
