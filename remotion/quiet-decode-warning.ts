/**
 * Drops one redundant browser warning. Remotion 4.0.527's `<Img>` calls `img.decode()` and, when
 * Chrome rejects it (it does for large pictures under memory pressure: `EncodingError: The source
 * image cannot be decoded.`), `console.warn`s the rejection and then waits for the `load` event
 * instead (node_modules/remotion/dist/esm/index.mjs, `current.decode().then(onComplete).catch`).
 * The picture is drawn either way, and a picture that really cannot be read fails the render
 * through `<Img>`'s error handler ("Error loading image with src: ..."); but Remotion prints the
 * warning into the render's log, where it reads like a failure. Only that exact warning is
 * dropped: a single EncodingError DOMException; everything else reaches the console unchanged.
 */
import { dropConsoleMessages } from '../src/console-filter';

export function isRedundantDecodeWarning(args: readonly unknown[]): boolean {
  const [first] = args;
  return args.length === 1 && typeof DOMException !== 'undefined' && first instanceof DOMException && first.name === 'EncodingError';
}

/** Wraps `console.warn` once (the bundle's entry calls this before registering the root). */
export function quietRedundantDecodeWarnings(target: Pick<Console, 'warn'> = console): void {
  dropConsoleMessages(target, 'warn', isRedundantDecodeWarning, '__stillmotionQuiet');
}
