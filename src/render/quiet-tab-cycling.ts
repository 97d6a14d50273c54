/**
 * Drops one harmless Remotion log line. Remotion 4.0.527's renderMedia/renderFrames with more than
 * one tab (our soundtrack pass) starts `cycleBrowserTabs` (node_modules/@remotion/renderer, src/
 * cycle-browser-tabs.ts): every 200 ms it brings the next page of the *whole browser* to front and,
 * when that page closes between Remotion's `closed` check and Chromium's answer, `Log.error`s the
 * rejection - `ProtocolError: Protocol error (Page.bringToFront): Target closed.` with its stack.
 * Our session shares one browser between passes (the overlay pictures, covers and compositions
 * open and close pages while the soundtrack pass runs), and the render's own tabs close at its
 * end, so the line can appear in any render although nothing failed: the page was going away, and
 * the render goes on. Only that message is dropped - as an error object, or as the red string
 * Remotion makes of it on a colour terminal; every other `console.error` passes unchanged.
 */
import { dropConsoleMessages } from '../console-filter';

const MESSAGE = /^(?:ProtocolError: )?Protocol error \(Page\.bringToFront\): Target closed\b/;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function isTabCyclingTargetClosed(args: readonly unknown[]): boolean {
  if (args.length !== 1) return false;
  const [only] = args;
  if (only instanceof Error) return MESSAGE.test(only.message);
  return typeof only === 'string' && MESSAGE.test(only.replace(ANSI, ''));
}

/** Wraps `console.error` once (RenderSession.open calls this before its first Remotion call). */
export function quietTabCyclingErrors(target: Pick<Console, 'error'> = console): void {
  dropConsoleMessages(target, 'error', isTabCyclingTargetClosed, '__stillmotionQuietTabs');
}
