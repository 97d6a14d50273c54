/** The director writes its numbers (intensities, amounts, focal points, durations) into plans with two decimals, so plans stay readable. */
export const round2 = (x: number): number => Math.round(x * 100) / 100;
