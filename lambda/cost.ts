/**
 * What Lambda renders cost, from the cost fields Remotion reports in getRenderProgress
 * (`costs.accruedSoFar`, USD: Lambda duration, disk and invocations, estimated by Remotion from
 * the functions' run time; S3 storage and transfer are not included): per render, and per
 * minute of video, so renders of different lengths compare.
 */

/** USD with enough decimals for sub-cent Lambda costs: $0.0042, $0.13, $2.50. */
export function formatLambdaUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}

/** USD per minute of rendered video, or null for an empty render. */
export function costPerMinute(costUsd: number, videoSeconds: number): number | null {
  return videoSeconds > 0 ? costUsd / (videoSeconds / 60) : null;
}

export interface CostLine {
  costUsd: number;
  videoSeconds: number;
}

/** Total cost, total minutes of video and the cost of a minute over several renders. */
export function totalCost(lines: CostLine[]): { costUsd: number; videoMinutes: number; perMinuteUsd: number | null } {
  const costUsd = lines.reduce((a, l) => a + l.costUsd, 0);
  const seconds = lines.reduce((a, l) => a + l.videoSeconds, 0);
  return { costUsd, videoMinutes: seconds / 60, perMinuteUsd: costPerMinute(costUsd, seconds) };
}
