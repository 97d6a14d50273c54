/** Small pure helpers on lists of time intervals (sorted, non-overlapping unless said otherwise). */
import type { Interval } from './types';

/** Runs of consecutive true flags as intervals of frame indices [startIdx, endIdx) . */
export function flagRuns(flags: ArrayLike<boolean>): { from: number; to: number }[] {
  const runs: { from: number; to: number }[] = [];
  let from = -1;
  for (let i = 0; i < flags.length; i++) {
    if (flags[i]) {
      if (from < 0) from = i;
    } else if (from >= 0) {
      runs.push({ from, to: i });
      from = -1;
    }
  }
  if (from >= 0) runs.push({ from, to: flags.length });
  return runs;
}

/** Sorts and merges intervals that overlap or are closer than `gap` seconds. */
export function mergeIntervals<T extends Interval>(list: readonly T[], gap = 0): Interval[] {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv.start <= last.end + gap) last.end = Math.max(last.end, iv.end);
    else out.push({ start: iv.start, end: iv.end });
  }
  return out;
}

/** The parts of [from, to] not covered by `gaps`. */
export function complementIntervals(gaps: readonly Interval[], from: number, to: number): Interval[] {
  const out: Interval[] = [];
  let cursor = from;
  for (const g of mergeIntervals(gaps)) {
    if (g.end <= cursor) continue;
    if (g.start >= to) break;
    if (g.start > cursor) out.push({ start: cursor, end: Math.min(g.start, to) });
    cursor = Math.max(cursor, g.end);
  }
  if (cursor < to) out.push({ start: cursor, end: to });
  return out;
}

/** True when `t` lies strictly inside one of the intervals. */
export function insideAny(t: number, list: readonly Interval[]): boolean {
  return list.some((iv) => t > iv.start && t < iv.end);
}

/** Total overlap in seconds between interval `a` and the intervals in `list`. */
export function overlapSeconds(a: Interval, list: readonly Interval[]): number {
  let total = 0;
  for (const b of list) total += Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
  return total;
}
