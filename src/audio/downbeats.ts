/**
 * Bar starts for 4/4 music: the beat phase (mod 4) where kick drum (low-band onsets) and the
 * arrival of new sound (mel energy rising from the beat before to the beat after: a chord
 * change, a crash) are strongest. Null when no phase clearly stands out (e.g. a plain loop with
 * kicks on 1 and 3), rather than a guess.
 */
import type { MelFrames } from './frame-features';

const BEATS_PER_BAR = 4;
// Measured: a bar accent (crash, chord change) scores >= 1.5x the next phase; a plain kick/snare
// loop, where the bar start is ambiguous, scores up to ~1.3x for the wrong phase.
const MIN_MARGIN = 1.4;

export function detectDownbeats(beatFrames: number[][], low: Float32Array, mel: MelFrames): number[][] | null {
  const all = beatFrames.flat();
  if (all.length < BEATS_PER_BAR * 2) return null;
  const lowSupport = (b: number) => Math.max(low[b - 1] ?? 0, low[b] ?? 0, low[b + 1] ?? 0);
  const novelty = (prev: number, b: number, next: number) => {
    let d = 0;
    for (let band = 0; band < mel.bands; band++) {
      let before = 0;
      let after = 0;
      for (let i = prev; i < b; i++) before += mel.mel[i * mel.bands + band] ?? 0;
      for (let i = b; i < next; i++) after += mel.mel[i * mel.bands + band] ?? 0;
      before = Math.log1p(before / Math.max(1, b - prev));
      after = Math.log1p(after / Math.max(1, next - b));
      d += Math.max(0, after - before);
    }
    return d;
  };
  const lows: number[] = [];
  const novs: number[] = [];
  for (const section of beatFrames) {
    for (let i = 0; i < section.length; i++) {
      lows.push(lowSupport(section[i]!));
      novs.push(i > 0 && i < section.length - 1 ? novelty(section[i - 1]!, section[i]!, section[i + 1]!) : 0);
    }
  }
  const meanLow = lows.reduce((a, b) => a + b, 0) / lows.length || 1;
  const meanNov = novs.reduce((a, b) => a + b, 0) / novs.length || 1;
  // Sections may restart the bar anywhere, so each section gets its own phase.
  let k = 0;
  const phases: number[][] = [];
  for (const section of beatFrames) {
    const s = new Array<number>(BEATS_PER_BAR).fill(0);
    const c = new Array<number>(BEATS_PER_BAR).fill(0);
    for (let i = 0; i < section.length; i++, k++) {
      const j = i % BEATS_PER_BAR;
      s[j] = s[j]! + lows[k]! / meanLow + novs[k]! / meanNov;
      c[j] = c[j]! + 1;
    }
    phases.push(s.map((v, j) => (c[j] ? v / c[j]! : 0)));
  }
  const result: number[][] = [];
  let clear = true;
  for (let si = 0; si < beatFrames.length; si++) {
    const s = phases[si]!;
    const order = s.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]);
    const [best, second] = [order[0]!, order[1]!];
    if (beatFrames[si]!.length >= BEATS_PER_BAR * 2 && !(best[0] > MIN_MARGIN * second[0])) clear = false;
    result.push(beatFrames[si]!.filter((_, i) => i % BEATS_PER_BAR === best[1]));
  }
  return clear ? result : null;
}
