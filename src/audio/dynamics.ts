/**
 * Crescendos (sustained loudness rises) and swells (loud sustained passages reached by a rise),
 * from a loudness curve smoothed over about a bar (1-3 s) so drum hits and the bar's own
 * loud/soft pattern do not count.
 */
import type { Crescendo, Interval, LoudnessCurve, Swell } from './types';

const FLOOR_DB = -70;
/** A crescendo rises at least this much ... */
const MIN_RISE_DB = 6;
/** ... over at least this long ... */
const MIN_CRESCENDO_SECONDS = 2;
/**
 * ... and without a step: a second that rises by at least STEP_DB and holds more than
 * STEP_SHARE of the rise is an entrance (a step), which is cut off the crescendo.
 */
const STEP_DB = 6;
const STEP_SHARE = 0.35;
/** Rising means at least this slope, in dB per second. */
const MIN_SLOPE = 0.8;

export interface DynamicsResult {
  crescendos: Crescendo[];
  swells: Swell[];
}

export function detectDynamics(slow: LoudnessCurve, silences: Interval[] = []): DynamicsResult {
  const { hop } = slow;
  const s = slow.db.map((v) => Math.max(FLOOR_DB, v));
  const n = s.length;
  if (n < 3) return { crescendos: [], swells: [] };
  const k = Math.max(1, Math.round(0.5 / hop));
  const oneSec = Math.max(1, Math.round(1 / hop));
  const slope = s.map((_, i) => (s[Math.min(n - 1, i + k)]! - s[Math.max(0, i - k)]!) / ((Math.min(n - 1, i + k) - Math.max(0, i - k)) * hop));
  const rising = slope.map((d, i) => d >= MIN_SLOPE && s[i]! > FLOOR_DB);
  // Runs of rising frames, bridging dips shorter than 0.5 s.
  const runs: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    if (!rising[i]) continue;
    let j = i;
    while (j + 1 < n && rising[j + 1]) j++;
    const last = runs[runs.length - 1];
    if (last && i - last[1] <= Math.round(0.5 / hop)) last[1] = j;
    else runs.push([i, j]);
    i = j;
  }
  const riseIn = (a: number, b: number) => s[b]! - s[a]!;
  const crescendos: Crescendo[] = [];
  const steps: number[] = [];
  for (const [a0, b0] of runs) {
    // The slope window reaches k frames past the level change on either side.
    let a = Math.max(0, a0 - k + 1);
    let b = Math.min(n - 1, b0 + k - 1);
    // Find the lowest point near the start and the highest near the end.
    for (let i = a; i <= Math.min(b, a + 2 * k); i++) if (s[i]! < s[a]!) a = i;
    for (let i = b; i >= Math.max(a, b - 2 * k); i--) if (s[i]! > s[b]!) b = i;
    // Cut off steps at either end: a second that holds most of what remains is a step.
    const isStep = (x: number, y: number) => {
      const total = riseIn(a, b);
      const r = riseIn(x, y);
      return r >= STEP_DB && r > STEP_SHARE * total;
    };
    let stepEnd = -1;
    for (let guard = 0; guard < 400 && b - a > oneSec; guard++) {
      if (isStep(b - oneSec, b)) {
        stepEnd = Math.max(stepEnd, b);
        b -= 1;
      } else if (isStep(a, a + oneSec)) {
        stepEnd = Math.max(stepEnd, a + oneSec);
        a += 1;
      } else break;
    }
    if (stepEnd >= 0) steps.push(stepEnd);
    const rise = riseIn(a, b);
    if ((b - a) * hop >= MIN_CRESCENDO_SECONDS && rise >= MIN_RISE_DB && maxStep(s, a, b, oneSec) < STEP_DB) {
      crescendos.push({ start: a * hop, end: b * hop, riseDb: round1(rise) });
    } else if (rise >= MIN_RISE_DB || riseIn(a0, b0) >= MIN_RISE_DB) {
      steps.push(b);
    }
  }
  // Swells: after each rise (a crescendo's end or a step), a passage that stays within 6 dB of
  // its opening level for >= 2 s and is loud relative to the whole file. A step must also lift
  // the level >= 6 dB above the preceding 4 s (so speech resuming after a short pause is not one)
  // and must not rise out of silence (an entrance is not a swell).
  const sorted = [...s].sort((x, y) => x - y);
  const loud = sorted[Math.floor(0.9 * (n - 1))]! - 6;
  const swells: Swell[] = [];
  const starts = [
    ...crescendos.map((c) => ({ at: Math.round(c.end / hop), step: false })),
    ...steps.map((at) => ({ at, step: true })),
  ].sort((x, y) => x.at - y.at);
  for (const { at: st, step } of starts) {
    if (swells.length && st * hop < swells[swells.length - 1]!.end) continue;
    const ref = median(s.slice(st, Math.min(n, st + 2 * oneSec)));
    if (!(ref >= loud) || ref <= FLOOR_DB + 10) continue;
    let from = st;
    if (step) {
      const before = s.slice(Math.max(0, st - 4 * oneSec), Math.max(0, st - oneSec));
      const base = before.length ? Math.min(...before) : ref;
      if (!(ref - median(before) >= MIN_RISE_DB) || base <= FLOOR_DB + 10) continue;
      // Smoothing spreads a step over the smoothing window: the swell starts where the curve
      // crosses half-way between the level before the rise and the swell's level.
      const prevEnd = swells.length ? swells[swells.length - 1]!.end / hop : -1;
      while (from > 0 && from - 1 > prevEnd && s[from - 1]! > (base + ref) / 2) from--;
    }
    let e = st;
    let below = 0;
    while (e + 1 < n) {
      e++;
      below = s[e]! < ref - 6 ? below + 1 : 0;
      if (below * hop > 0.5) {
        e -= below;
        break;
      }
    }
    if ((e - st) * hop >= 2 && !silences.some((q) => q.start <= st * hop && q.end >= e * hop)) {
      let peak = -Infinity;
      for (let i = from; i <= e; i++) peak = Math.max(peak, s[i]!);
      swells.push({ start: from * hop, end: e * hop, peakDb: round1(peak) });
    }
  }
  return { crescendos, swells };
}

function maxStep(s: number[], a: number, b: number, w: number): number {
  let m = 0;
  for (let i = a; i + w <= b; i++) m = Math.max(m, s[i + w]! - s[i]!);
  return m;
}

function median(x: number[]): number {
  if (!x.length) return -Infinity;
  const y = [...x].sort((a, b) => a - b);
  return y[y.length >> 1]!;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
