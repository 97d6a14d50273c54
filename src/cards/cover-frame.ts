/**
 * Which frame of a format's video its cover shows. By default the climax: the section the Story
 * Director rated most intense (`intensity`), else the middle section; within it the best frame,
 * where the camera has settled (the first frame of its end hold, else of its start hold, else the
 * middle of the section clear of its transitions) and the subject is well inside the frame (the
 * nearest such frame to that one). The plan's `cover: {section, time}` overrides either choice.
 * Pure module.
 */
import { StillmotionError } from '../errors';
import type { Plan } from '../plan/schema';
import { cropAtFrame, pointInFrame } from '../timeline/camera';
import type { Timeline, TimelineScene } from '../timeline/types';

export interface CoverChoice {
  /** The video frame. */
  frame: number;
  sectionId: string;
  /** The text set on the cover, or null for none. */
  title: string | null;
  /** How the frame was chosen, for the render log. */
  why: string;
}

/** The subject counts as fully in frame when its focal point is at least this far (share of the frame) from every edge. */
const SUBJECT_MARGIN = 0.15;

/** The section the cover comes from: the most intense one, else the middle one. */
function defaultSection(plan: Plan): { index: number; why: string } {
  let best = -1;
  plan.sections.forEach((s, i) => {
    if (s.intensity !== undefined && (best < 0 || s.intensity > plan.sections[best]!.intensity!)) best = i;
  });
  if (best >= 0) return { index: best, why: `the climax (intensity ${plan.sections[best]!.intensity!.toFixed(2)})` };
  const index = Math.floor((plan.sections.length - 1) / 2);
  return { index, why: 'the middle section (no section has an intensity)' };
}

function subjectInFrame(scene: TimelineScene, local: number): boolean {
  const p = pointInFrame(cropAtFrame(scene.camera, local), scene.focus);
  return p.x >= SUBJECT_MARGIN && p.x <= 1 - SUBJECT_MARGIN && p.y >= SUBJECT_MARGIN && p.y <= 1 - SUBJECT_MARGIN;
}

/** The best scene-local frame of a scene: settled camera, clear of transitions, subject in frame. */
function bestLocalFrame(t: Timeline, scene: TimelineScene): { local: number; why: string } {
  const previous = t.scenes[scene.index - 1];
  const lo = previous?.transitionOut?.durationInFrames ?? 0;
  const hi = Math.max(lo + 1, scene.durationInFrames - (scene.transitionOut?.durationInFrames ?? 0));
  const clamp = (f: number): number => Math.min(hi - 1, Math.max(lo, f));
  const { holdStartFrames, holdEndFrames } = scene.camera;
  let start: number;
  let why: string;
  if (holdEndFrames > 0) {
    start = clamp(scene.durationInFrames - holdEndFrames);
    why = 'the start of its end hold';
  } else if (holdStartFrames > 0) {
    start = clamp(holdStartFrames - 1);
    why = 'the end of its start hold';
  } else {
    start = clamp(Math.floor((lo + hi - 1) / 2));
    why = 'its middle';
  }
  for (let d = 0; d < hi - lo; d++) {
    for (const f of [start - d, start + d]) {
      if (f >= lo && f < hi && subjectInFrame(scene, f)) return { local: f, why: d === 0 ? why : `${why}, moved ${d} frames to keep the subject in frame` };
    }
  }
  return { local: start, why };
}

/** The cover of one format's timeline, or null when the plan says `cover: false`. */
export function chooseCoverFrame(plan: Plan, t: Timeline): CoverChoice | null {
  const cover = plan.cover;
  if (cover === false) return null;
  const title = cover?.title === false ? null : (cover?.title ?? plan.title);
  const fps = t.fps;
  if (cover?.section === undefined && cover?.time !== undefined) {
    const frame = Math.round(cover.time * fps);
    if (frame >= t.durationInFrames) {
      throw new StillmotionError('The cover cannot be taken:', [{ path: 'cover.time', message: `${cover.time} s is past the end of the video (${(t.durationInFrames / fps).toFixed(2)} s)` }]);
    }
    const scene = t.scenes.find((s) => frame >= s.nominalFrom && frame < s.nominalFrom + s.nominalFrames) ?? t.scenes[t.scenes.length - 1]!;
    return { frame, sectionId: scene.id, title, why: `cover.time ${cover.time} s` };
  }
  let index: number;
  let sectionWhy: string;
  if (cover?.section !== undefined) {
    index = t.scenes.findIndex((s) => s.id === cover.section);
    if (index < 0) {
      throw new StillmotionError('The cover cannot be taken:', [{ path: 'cover.section', message: `no section "${cover.section}" (sections: ${t.scenes.map((s) => s.id).join(', ')})` }]);
    }
    sectionWhy = 'cover.section';
  } else {
    ({ index, why: sectionWhy } = defaultSection(plan));
  }
  const scene = t.scenes[index]!;
  if (cover?.time !== undefined) {
    const offset = Math.round(cover.time * fps);
    if (offset >= scene.nominalFrames) {
      throw new StillmotionError('The cover cannot be taken:', [
        { path: 'cover.time', message: `${cover.time} s is past the end of section "${scene.id}" (${(scene.nominalFrames / fps).toFixed(2)} s)` },
      ]);
    }
    return { frame: scene.nominalFrom + offset, sectionId: scene.id, title, why: `${sectionWhy} "${scene.id}", cover.time ${cover.time} s` };
  }
  const best = bestLocalFrame(t, scene);
  return { frame: scene.from + best.local, sectionId: scene.id, title, why: `${sectionWhy} "${scene.id}", ${best.why}` };
}
