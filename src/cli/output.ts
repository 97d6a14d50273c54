/** Human output helpers for the CLI: sizes, durations, warnings, errors. */
import { StillmotionError } from '../errors';

const useColor = (): boolean => Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
const paint = (code: string, s: string): string => (useColor() ? `\x1b[${code}m${s}\x1b[0m` : s);

const red = (s: string): string => paint('31', s);
const yellow = (s: string): string => paint('33', s);

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(2)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${(s - m * 60).toFixed(1)} s`;
}

export function warn(message: string): void {
  process.stderr.write(`${yellow('warning:')} ${message}\n`);
}

/** Prints an error for the user: input errors without a stack, bugs with one when STILLMOTION_DEBUG is set. */
export function reportError(err: unknown): void {
  if (err instanceof StillmotionError) {
    process.stderr.write(`${red('error:')} ${err.message}\n`);
  } else if (err instanceof Error) {
    process.stderr.write(`${red('error:')} ${err.message}\n`);
    if (process.env.STILLMOTION_DEBUG) process.stderr.write(`${err.stack}\n`);
  } else {
    process.stderr.write(`${red('error:')} ${String(err)}\n`);
  }
}
