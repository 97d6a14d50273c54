/**
 * Which stretches of the audio have a steady rhythm. Beats are only ever reported inside these:
 * a pad-only breakdown, speech or silence get none.
 */
import { flagRuns } from './intervals';
import { MAX_BPM, MIN_BPM, periodicity, type Tempogram } from './tempogram';

/**
 * A window is rhythmic above this periodicity (with hysteresis down to EXIT). Measured with the
 * autocovariance tempogram at the best lag: espeak narration 0.13-0.27, synthetic speech up to
 * 0.25 (0.25 let one of its seeds through), pads ~0; windows of real multi-instrument music with
 * drums mostly 0.3-0.7 (all bands, or the low bands where a busy arrangement masks the drums).
 */
const ENTER = 0.27;
const EXIT = 0.2;
/** ... and only when its onset energy is at least this fraction of the typical rhythmic window's. */
const MIN_RELATIVE_ACTIVITY = 0.12;
/** Tempo change tolerated around the global tempo when judging a window at that tempo. */
const TEMPO_DRIFT = 0.15;

/** Best periodicity of each window over the tempo range (used before the tempo is known). */
export function windowPeriodicity(tg: Tempogram, lag?: number): number[] {
  const fs = tg.frameSeconds;
  const minLag = Math.max(2, Math.floor(60 / MAX_BPM / fs));
  const maxLag = Math.ceil(60 / MIN_BPM / fs);
  return tg.acf.map((_, w) => {
    if (lag !== undefined) {
      // Within +-15% of the global beat period: a passage that speeds up or slows down stays rhythmic.
      let best = 0;
      for (let l = Math.max(minLag, Math.floor(lag * (1 - TEMPO_DRIFT))); l <= Math.ceil(lag * (1 + TEMPO_DRIFT)); l++) best = Math.max(best, periodicity(tg, w, l));
      return best;
    }
    let best = 0;
    for (let l = minLag; l <= maxLag; l++) best = Math.max(best, periodicity(tg, w, l));
    return best;
  });
}

/** Whether each window's onset energy is at least MIN_RELATIVE_ACTIVITY x that of the typical rhythmic window. */
function activeWindows(tg: Tempogram, score: number[], minRelative = MIN_RELATIVE_ACTIVITY): boolean[] {
  const strong = tg.mean.filter((_, w) => score[w]! >= ENTER);
  const typical = strong.length ? strong.sort((a, b) => a - b)[Math.floor(strong.length * 0.75)]! : 0;
  return tg.mean.map((m) => m >= minRelative * typical && m > 0);
}

/**
 * A single band's envelope (the > 5 kHz flux) is only trusted where it is this active relative to
 * its typical rhythmic window: more than the all-band gate, since a window that overlaps the last
 * drum bar before a breakdown is still periodic in that band however quiet the rest of it is.
 */
const MIN_RELATIVE_BAND_ACTIVITY = 0.25;

/**
 * windowPeriodicity, 0 where the tempogram's own envelope is nearly silent: for an envelope from
 * one band, whose near-silent stretches (a pad breakdown) can still be periodic.
 */
export function activeWindowPeriodicity(tg: Tempogram, lag?: number): number[] {
  const score = windowPeriodicity(tg, lag);
  const active = activeWindows(tg, score, MIN_RELATIVE_BAND_ACTIVITY);
  return score.map((v, w) => (active[w] ? v : 0));
}

/** Indices of windows that are rhythmic, with hysteresis and an activity gate. */
export function rhythmicWindows(tg: Tempogram, score: number[]): boolean[] {
  const isActive = activeWindows(tg, score);
  const active = (w: number) => isActive[w]!;
  const flags: boolean[] = [];
  let on = false;
  for (let w = 0; w < score.length; w++) {
    const s = score[w]!;
    on = active(w) && (on ? s >= EXIT : s >= ENTER);
    flags.push(on);
  }
  return flags;
}

/** Rhythmic sections in envelope frames [from, to), merged across short gaps, short ones dropped. */
export function rhythmicSections(tg: Tempogram, flags: boolean[], envLength: number, minSeconds = 3, mergeSeconds = 1): { from: number; to: number }[] {
  const half = tg.window >> 1;
  const spans = flagRuns(flags).map((r) => ({
    // A window centred at c speaks for frames c - hop/2 .. c + hop/2; extend to the window's
    // reach at the edges so the beat tracker can find the first and last beat, then trim by onsets.
    from: Math.max(0, tg.centres[r.from]! - half),
    to: Math.min(envLength, tg.centres[r.to - 1]! + half),
  }));
  const merged: { from: number; to: number }[] = [];
  const gap = mergeSeconds / tg.frameSeconds;
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.from - last.to <= gap) last.to = Math.max(last.to, s.to);
    else merged.push({ ...s });
  }
  return merged.filter((s) => (s.to - s.from) * tg.frameSeconds >= minSeconds);
}
