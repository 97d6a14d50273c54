/**
 * Measures one image or audio file in the browser through an element of its own, with a deadline, a
 * second try and an error that says why. Remotion's `getAudioDurationInSeconds` waits for
 * `loadedmetadata` with no deadline, so one stalled load leaves Studio on "Running calculateMetadata()"
 * for ever. Each try ends by aborting its element's load (src removed, `load()`): measured in Chromium,
 * a new element for the same URL otherwise joins the stalled request instead of asking again
 * (test/remotion/probe-element.test.ts). Self-contained (no imports), so a test page can load it alone.
 */

/** How long one try may wait for a file's size or duration before it counts as no answer. */
export const PROBE_TRY_MS = 30_000;
/** Tries per file: a load that stalled once is asked for again on a fresh request. */
export const PROBE_TRIES = 2;

export interface ProbeOptions {
  tryMs?: number;
  tries?: number;
}

/** The duration in seconds of an audio file, from its metadata only. */
export function probeAudioDuration(src: string, options: ProbeOptions = {}): Promise<number> {
  return withTries(src, options, (url, settle) => {
    const audio = document.createElement('audio');
    audio.preload = 'metadata';
    audio.onloadedmetadata = () => {
      const d = audio.duration;
      settle(Number.isFinite(d) && d > 0 ? { value: d } : { error: `its duration is unknown (${d})`, final: true });
    };
    audio.onerror = () => {
      const e = audio.error;
      settle({ error: e ? `${MEDIA_ERRORS[e.code] ?? `media error ${e.code}`}${e.message ? `: ${e.message}` : ''}` : 'it did not load' });
    };
    audio.src = url;
    // Abort the download and free the connection whatever happened.
    return () => {
      audio.onloadedmetadata = null;
      audio.onerror = null;
      audio.removeAttribute('src');
      audio.load();
    };
  });
}

/** The pixel size of an image file. */
export function probeImageSize(src: string, options: ProbeOptions = {}): Promise<{ width: number; height: number }> {
  return withTries(src, options, (url, settle) => {
    const image = new Image();
    image.onload = () => settle({ value: { width: image.naturalWidth, height: image.naturalHeight } });
    image.onerror = () => settle({ error: 'it did not load or is not an image the browser decodes' });
    image.src = url;
    return () => {
      image.onload = null;
      image.onerror = null;
      image.src = '';
    };
  });
}

const MEDIA_ERRORS: Record<number, string> = {
  1: 'the load was aborted',
  2: 'a network error',
  3: 'it could not be decoded',
  4: 'the file or its format is not supported',
};

type Outcome<T> = { value: T } | { error: string; final?: boolean };

/** Runs `start` until it settles with a value, a final error, or the tries are used up. */
function withTries<T>(src: string, options: ProbeOptions, start: (url: string, settle: (o: Outcome<T>) => void) => () => void): Promise<T> {
  const tryMs = options.tryMs ?? PROBE_TRY_MS;
  const tries = Math.max(1, options.tries ?? PROBE_TRIES);
  const once = (): Promise<Outcome<T>> =>
    new Promise((resolve) => {
      let stop: (() => void) | null = null;
      let done = false;
      const settle = (o: Outcome<T>): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        stop?.();
        resolve(o);
      };
      const timer = setTimeout(() => settle({ error: `no answer within ${tryMs / 1000} s` }), tryMs);
      // A try that gives up has aborted its request (stop), so the next one asks anew on a free connection.
      stop = start(src, settle);
      if (done) stop();
    });
  return (async () => {
    let last: Outcome<T> = { error: 'not tried' };
    for (let attempt = 1; attempt <= tries; attempt++) {
      last = await once();
      if ('value' in last || last.final) break;
    }
    if ('value' in last) return last.value;
    throw new Error(last.error + (tries > 1 && !last.final ? ` (${tries} tries)` : ''));
  })();
}
