/**
 * Beat and event scoring as mir_eval does it: beats before 5 s are trimmed from both lists,
 * and F-measure counts one-to-one matches within +-70 ms.
 */

/** Size of the largest one-to-one matching of |e - r| <= window (both lists sorted). */
export function countMatches(reference: readonly number[], estimate: readonly number[], window: number): number {
  // Greedy in time order is optimal for interval-window matching on sorted sequences.
  let i = 0;
  let j = 0;
  let hits = 0;
  while (i < reference.length && j < estimate.length) {
    const d = estimate[j]! - reference[i]!;
    if (Math.abs(d) <= window) {
      hits++;
      i++;
      j++;
    } else if (d < 0) j++;
    else i++;
  }
  return hits;
}

export interface FScore {
  f: number;
  precision: number;
  recall: number;
}

export function fMeasure(reference: readonly number[], estimate: readonly number[], window = 0.07, trimBefore = 5): FScore {
  const ref = [...reference].filter((t) => t >= trimBefore).sort((a, b) => a - b);
  const est = [...estimate].filter((t) => t >= trimBefore).sort((a, b) => a - b);
  if (ref.length === 0 && est.length === 0) return { f: 1, precision: 1, recall: 1 };
  if (ref.length === 0 || est.length === 0) return { f: 0, precision: 0, recall: 0 };
  const hits = countMatches(ref, est, window);
  const precision = hits / est.length;
  const recall = hits / ref.length;
  return { f: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0, precision, recall };
}
