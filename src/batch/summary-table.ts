/** The one table a batch prints at the end: a row per plan, then the totals. */
import type { FormatId } from '../plan/formats';

export type BatchStatus = 'rendered' | 'skipped' | 'partial' | 'failed';

export interface BatchRow {
  /** Plan file, relative to the working directory. */
  plan: string;
  name: string;
  status: BatchStatus;
  /** Formats rendered in this run, and those already up to date. */
  rendered: FormatId[];
  skipped: FormatId[];
  failed: FormatId[];
  /** Seconds of video per format of this plan (0 when it could not be laid out). */
  videoSeconds: number;
  /** Wall time spent on this plan in this run. */
  seconds: number;
  /** Lambda cost of this run (null for local renders). */
  costUsd: number | null;
  /** Output files or URLs, one per format done. */
  outputs: string[];
  error?: string;
}

function money(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(usd < 1 ? 3 : 2)}`;
}

function duration(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function summaryTable(rows: BatchRow[]): string {
  const head = ['plan', 'status', 'formats', 'video', 'time', 'cost', 'output / error'];
  const body = rows.map((r) => [
    r.name,
    r.status,
    [...r.rendered, ...r.skipped.map((f) => `${f} (done)`), ...r.failed.map((f) => `${f} (failed)`)].join(' ') || '-',
    r.videoSeconds ? duration(r.videoSeconds) : '-',
    duration(r.seconds),
    r.costUsd === null ? '-' : money(r.costUsd),
    r.error ? `error: ${r.error.split('\n').join(' ')}` : r.outputs.length ? `${r.outputs[0]}${r.outputs.length > 1 ? ` (+${r.outputs.length - 1})` : ''}` : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (i === head.length - 1 ? 0 : b[i]!.length))));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const count = (s: BatchRow['status']): number => rows.filter((r) => r.status === s).length;
  const costs = rows.filter((r) => r.costUsd !== null);
  const totals = [
    `${rows.length} plans: ${count('rendered')} rendered, ${count('skipped')} skipped (up to date), ${count('partial')} partial, ${count('failed')} failed`,
    `time ${duration(rows.reduce((a, r) => a + r.seconds, 0))}`,
    ...(costs.length ? [`Lambda cost ${money(costs.reduce((a, r) => a + (r.costUsd ?? 0), 0))}`] : []),
  ].join('; ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '', totals, ''].join('\n');
}
