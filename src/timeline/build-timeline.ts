/**
 * Plan + media facts -> the frame-exact timeline of one format. Pure module: the Node side uses it
 * to validate and report, the composition's calculateMetadata uses it to size and draw the video.
 *
 * Frame arithmetic: section boundaries are the plan's cumulative times rounded to frames, so the
 * video is exactly as long as the plan's sections add up to. A transition between two sections is
 * centred on their boundary: each sequence is extended by its half of the overlap, and
 * TransitionSeries' overlap subtracts it again.
 */
import { timelineCaptions } from '../captions/caption-pages';
import { timelineCards } from '../cards/card-timing';
import { StillmotionError, type InputProblem } from '../errors';
import { OUTPUT_FORMATS, type FormatId } from '../plan/formats';
import type { ClipMedia, LayerSet, Media, Plan, Section, Transition } from '../plan/schema';
import type { CameraPath } from './camera';
import { easingToBezier } from './easing';
import { DEFAULT_MOTION_CYCLE, resolveMotion, resolveStill } from './motion';
import { resolveParallax } from './parallax';
import { motionMultiplierAt } from '../audio/motion-envelope';
import { beatPulse, musicOnTimeline, narrationSpan, placeCut, speedMultipliers, syncOn, warpFromSpeeds, type CutExplanation } from './audio-sync';
import { TIER_NAMES } from '../plan/tiers';
import type { MusicTrack, NarrationClip, ResolvedTransition, SceneKind, Timeline, TimelineScene } from './types';

export interface SectionTiming {
  id: string;
  /** Seconds, as planned (after "auto" is resolved). */
  seconds: number;
  narrationSeconds: number | null;
}

/** Resolves "auto" durations: narration length plus padding, or the default duration. */
export function sectionTimings(plan: Plan, media: Pick<Media, 'audio'>): SectionTiming[] {
  return plan.sections.map((s) => {
    const narrationSeconds = s.narration ? (media.audio[s.narration]?.duration ?? null) : null;
    let seconds: number;
    if (s.duration !== 'auto') seconds = s.duration;
    else if (narrationSeconds !== null) seconds = plan.defaults.padding.before + narrationSeconds + plan.defaults.padding.after;
    else seconds = plan.defaults.duration;
    return { id: s.id, seconds, narrationSeconds };
  });
}

function resolveTransition(t: Transition, fps: number): ResolvedTransition | null {
  if (t.type === 'cut') return null;
  const frames = Math.round(t.duration * fps);
  if (frames < 1) return null;
  return {
    type: t.type,
    durationInFrames: frames,
    direction: t.type === 'crossfade' ? 'from-right' : t.direction,
  };
}

interface SceneChoice {
  kind: SceneKind;
  renderedTier: number;
  fallback: string | null;
  layers: LayerSet | null;
  clip: ClipMedia | null;
}

/**
 * The scene a section gets: its tier's scene when the Node side prepared what it needs (a clip
 * for tier 3, depth layers for tier 2), else the next tier down, with the reason.
 */
function chooseScene(section: Section, media: Media): SceneChoice {
  const layers = media.layers?.[section.image] ?? null;
  const clip = media.clips?.[section.id] ?? null;
  if (section.scene) return { kind: section.scene.type, renderedTier: section.tier, fallback: null, layers: null, clip: null };
  const notes = media.notes?.[section.id] ?? [];
  let tier = section.tier;
  if (tier === 3 && !clip) tier = 2;
  if (tier === 2 && !layers) tier = 1;
  const fallback =
    tier === section.tier
      ? null
      : `tier ${section.tier} (${TIER_NAMES[section.tier]}) ${notes.length ? `not available: ${notes.join('; ')}` : 'was not prepared'}: rendered as tier ${tier} (${TIER_NAMES[tier]})`;
  const kind: SceneKind = tier === 3 ? 'clip' : tier === 2 ? 'parallax' : tier === 1 ? 'kenburns' : 'still';
  return { kind, renderedTier: tier, fallback, layers: tier === 2 ? layers : null, clip: tier === 3 ? clip : null };
}

export function buildTimeline(plan: Plan, media: Media, format: FormatId): Timeline {
  const { width, height } = OUTPUT_FORMATS[format];
  const fps = plan.fps;
  const problems: InputProblem[] = [];
  const warnings: string[] = [];

  const timings = sectionTimings(plan, media);
  // Transition i sits between section i and i + 1.
  const resolved = plan.sections.map((s, i) => (i === plan.sections.length - 1 ? null : resolveTransition(s.transition ?? plan.defaults.transition, fps)));
  const before = (t: ResolvedTransition | null | undefined): number => (t ? Math.floor(t.durationInFrames / 2) : 0);
  const after = (t: ResolvedTransition | null | undefined): number => (t ? t.durationInFrames - before(t) : 0);

  const planned: number[] = [0];
  for (const t of timings) planned.push(planned[planned.length - 1]! + t.seconds);
  const videoSeconds = planned[planned.length - 1]!;
  const music = plan.music && media.analysis?.music ? musicOnTimeline(media.analysis.music, plan.music.offset, plan.music.loop, videoSeconds) : null;
  const leadIn = (i: number): number => (plan.sections[i]!.duration === 'auto' ? plan.defaults.padding.before : 0);

  // Cuts: as planned, or moved onto a beat / into a speech pause, each with its reason.
  const finalSeconds = [...planned];
  const cuts: CutExplanation[] = [];
  for (let i = 1; i < plan.sections.length; i++) {
    const prev = plan.sections[i - 1]!;
    const next = plan.sections[i]!;
    const tr = resolved[i - 1] ?? null;
    const len = (t: ResolvedTransition | null | undefined): number => (t ? t.durationInFrames / fps : 0);
    const speech: { start: number; end: number }[] = [];
    if (prev.narration && media.audio[prev.narration]) {
      const start = finalSeconds[i - 1]! + leadIn(i - 1);
      speech.push(...narrationSpan(i - 1, start, media.audio[prev.narration]!.duration, media.analysis?.narration?.[prev.narration]).speech);
    }
    const place = placeCut(
      {
        index: i,
        planned: planned[i]!,
        before: before(tr) / fps,
        length: len(tr),
        min: finalSeconds[i - 1]! + Math.max(0.5, len(resolved[i - 2]), len(tr)),
        max: planned[i + 1]! - Math.max(0.5, len(tr), len(resolved[i])),
        beats: Boolean(music) && syncOn(plan, prev, 'beats') && syncOn(plan, next, 'beats'),
        speechPauses: syncOn(plan, prev, 'speechPauses'),
      },
      music?.beats ?? [],
      speech,
      plan.sync.tolerance,
    );
    finalSeconds[i] = place.seconds;
    cuts.push({
      index: i,
      from: prev.id,
      to: next.id,
      plannedSeconds: planned[i]!,
      seconds: place.seconds,
      transition: tr ? `${tr.type} ${(tr.durationInFrames / fps).toFixed(2)} s` : 'cut',
      reason: place.reason,
    });
  }
  const boundaries = finalSeconds.map((t) => Math.round(t * fps));
  const nominal = timings.map((_, i) => boundaries[i + 1]! - boundaries[i]!);
  nominal.forEach((frames, i) => {
    if (frames < 1) problems.push({ path: `sections[${i}].duration`, message: `section is shorter than one frame at ${fps} fps` });
  });

  const transitions: (ResolvedTransition | null)[] = plan.sections.map((s, i) => {
    const t = resolved[i] ?? null;
    if (!t) return null;
    const limit = Math.min(nominal[i]!, nominal[i + 1]!);
    if (t.durationInFrames > limit) {
      const path = s.transition ? `sections[${i}].transition.duration` : 'defaults.transition.duration';
      problems.push({
        path,
        message: `a ${(t.durationInFrames / fps).toFixed(2)} s ${t.type} between "${s.id}" and "${plan.sections[i + 1]!.id}" is longer than the shorter of the two sections (${(limit / fps).toFixed(2)} s)`,
      });
    }
    return t;
  });
  const scenes: TimelineScene[] = [];
  const narration: NarrationClip[] = [];
  plan.sections.forEach((s, i) => {
    const image = media.images[s.image];
    if (!image) {
      problems.push({ path: `sections[${i}].image`, message: `no media resolved for "${s.image}"` });
      return;
    }
    const incoming = i > 0 ? transitions[i - 1] : null;
    const outgoing = transitions[i] ?? null;
    const from = boundaries[i]! - after(incoming);
    const durationInFrames = nominal[i]! + after(incoming) + before(outgoing);
    const { kind, renderedTier, fallback, layers, clip } = chooseScene(s, media);
    if (fallback) warnings.push(`sections[${i}] "${s.id}": ${fallback}`);

    const ctx = {
      focus: s.focus ?? image.focus ?? { x: 0.5, y: 0.5 },
      // A clip is framed like an image of its own size.
      imageAspect: clip ? clip.width / clip.height : image.width / image.height,
      frameAspect: width / height,
      defaultEasing: plan.defaults.easing,
    };
    // Parallax and clips carry their own motion: the camera stays put unless the plan moves it
    // (push adds a gentle zoom-in).
    const fallbackPreset =
      kind === 'clip' || kind === 'parallax'
        ? kind === 'parallax' && s.parallax?.preset === 'push'
          ? 'zoom-in'
          : 'none'
        : DEFAULT_MOTION_CYCLE[i % DEFAULT_MOTION_CYCLE.length]!;
    const motion =
      kind === 'still' ? resolveStill(s.motion, ctx) : resolveMotion(kind === 'kenburns' ? (s.motion ?? plan.defaults.motion) : s.motion, fallbackPreset, ctx);

    const holdStartFrames = Math.round((s.hold?.start ?? 0) * fps);
    const holdEndFrames = Math.round((s.hold?.end ?? 0) * fps);
    if (holdStartFrames + holdEndFrames > durationInFrames) {
      problems.push({ path: `sections[${i}].hold`, message: `holds (${((holdStartFrames + holdEndFrames) / fps).toFixed(2)} s) are longer than the section` });
    }
    const speeds = music
      ? speedMultipliers(music, from, durationInFrames, fps, {
          silence: syncOn(plan, s, 'silence'),
          crescendo: syncOn(plan, s, 'crescendo'),
          swell: syncOn(plan, s, 'swell'),
        })
      : null;
    const warp = speeds ? warpFromSpeeds(speeds) : null;
    const pulse = music && syncOn(plan, s, 'pulse') && kind !== 'still' ? beatPulse(music.strongBeats.length ? music.strongBeats : music.beats, from, durationInFrames, fps) : null;
    const amplitude =
      music && syncOn(plan, s, 'swell') && music.swells.length
        ? Array.from({ length: durationInFrames }, (_, f) => motionMultiplierAt((from + f) / fps, { crescendos: [], swells: music.swells, silences: [] }))
        : null;
    const camera: CameraPath = {
      from: motion.from,
      to: motion.to,
      easing: motion.easing,
      holdStartFrames,
      holdEndFrames,
      durationInFrames,
      imageAspect: ctx.imageAspect,
      frameAspect: ctx.frameAspect,
      warp,
      pulse,
    };

    scenes.push({
      id: s.id,
      index: i,
      kind,
      tier: s.tier,
      renderedTier,
      fallback,
      image,
      from,
      durationInFrames,
      nominalFrom: boundaries[i]!,
      nominalFrames: nominal[i]!,
      focus: ctx.focus,
      camera,
      motionPreset: motion.preset,
      transitionOut: outgoing,
      params: s.scene ?? null,
      text: s.text ?? null,
      layers,
      parallax: layers
        ? resolveParallax(
            s.parallax ?? { preset: 'orbit', direction: 'right', amount: 0.6, layers: 3, mode: 'css' },
            layers,
            {
              easing: easingToBezier(s.parallax?.easing ?? plan.defaults.easing),
              holdStartFrames,
              holdEndFrames,
              durationInFrames,
              warp,
              amplitude,
            },
          )
        : null,
      clip,
    });

    if (s.narration) {
      const audio = media.audio[s.narration];
      if (!audio) {
        problems.push({ path: `sections[${i}].narration`, message: `no media resolved for "${s.narration}"` });
        return;
      }
      const start = boundaries[i]! + (s.duration === 'auto' ? Math.round(plan.defaults.padding.before * fps) : 0);
      const frames = Math.max(1, Math.round(audio.duration * fps));
      if (start + frames > boundaries[i + 1]!) {
        warnings.push(
          `sections[${i}] "${s.id}": narration (${audio.duration.toFixed(2)} s) runs ${((start + frames - boundaries[i + 1]!) / fps).toFixed(2)} s past the section's end`,
        );
      }
      narration.push({ sectionId: s.id, src: audio.src, from: start, durationInFrames: frames, volume: plan.defaults.narrationVolume });
    }
  });

  if (problems.length) throw new StillmotionError('The plan cannot be laid out on a timeline:', problems);

  const durationInFrames = boundaries[boundaries.length - 1]!;
  let musicTrack: MusicTrack | null = null;
  if (plan.music) {
    const m = plan.music;
    const audio = media.audio[m.file];
    if (!audio) throw new StillmotionError('The plan cannot be laid out on a timeline:', [{ path: 'music.file', message: `no media resolved for "${m.file}"` }]);
    const fileFrames = Math.max(1, Math.floor((audio.duration - m.offset) * fps));
    if (!m.loop && fileFrames < durationInFrames) {
      warnings.push(`music: "${m.file}" ends ${((durationInFrames - fileFrames) / fps).toFixed(1)} s before the video and loop is off`);
    }
    musicTrack = {
      src: audio.src,
      volume: m.volume,
      loop: m.loop,
      offsetFrames: Math.round(m.offset * fps),
      fileDurationInFrames: Math.max(1, Math.floor(audio.duration * fps)),
      fadeInFrames: Math.round(m.fadeIn * fps),
      fadeOutFrames: Math.round(m.fadeOut * fps),
      duck:
        m.ducking.enabled && narration.length
          ? {
              gain: Math.pow(10, m.ducking.db / 20),
              attackFrames: Math.round(m.ducking.attack * fps),
              releaseFrames: Math.round(m.ducking.release * fps),
              ranges: narration.map((n) => [n.from, n.from + n.durationInFrames] as [number, number]),
            }
          : null,
    };
  }

  // Captions in video time: each section's words moved to where its narration landed.
  const sectionEnd = (id: string): number => boundaries[plan.sections.findIndex((s) => s.id === id) + 1] ?? durationInFrames;
  const captions = timelineCaptions(plan, media.captions, narration, fps, sectionEnd);
  const cards = timelineCards(plan, boundaries, fps);
  warnings.push(...cards.warnings);
  return { format, fps, width, height, durationInFrames, scenes, narration, music: musicTrack, warnings, cuts, captions, titleCard: cards.titleCard, endCard: cards.endCard, textCards: cards.textCards };
}
