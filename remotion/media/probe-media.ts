/**
 * In Remotion Studio the plan arrives without resolved media: measure images and audio in the
 * browser (the Node renderer passes them in `media` instead, with pre-scaled images). Studio runs
 * calculateMetadata again on many edits, so each file is measured once per page.
 */
import type { Media, Plan } from '../../src/plan/schema';
import { assetUrl } from './asset-url';
import { probeAudioDuration, probeImageSize } from './probe-element';

const measured = new Map<string, Promise<unknown>>();

/**
 * Files measured at a time: a probe's deadline should time its own load, not a queue for Chromium's
 * six connections a host (Studio's event stream and preview use some of them too).
 */
const AT_A_TIME = 4;
let running = 0;
const waiting: (() => void)[] = [];

async function inTurn<T>(job: () => Promise<T>): Promise<T> {
  if (running >= AT_A_TIME) await new Promise<void>((go) => waiting.push(go));
  running++;
  try {
    return await job();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** One measurement per URL and kind; a failed one is forgotten, so a fixed file is measured again. */
function once<T>(key: string, measure: () => Promise<T>): Promise<T> {
  let p = measured.get(key) as Promise<T> | undefined;
  if (!p) {
    p = inTurn(measure);
    measured.set(key, p);
    p.catch(() => measured.delete(key));
  }
  return p;
}

export async function probeMediaInBrowser(plan: Plan): Promise<Media> {
  const images: Media['images'] = {};
  const audio: Media['audio'] = {};
  const imageRefs = [...new Set(plan.sections.map((s) => s.image))];
  const audioRefs = [
    ...new Set([...plan.sections.flatMap((s) => (s.narration ? [s.narration] : [])), ...(plan.music ? [plan.music.file] : [])]),
  ];
  await Promise.all([
    ...imageRefs.map(async (ref) => {
      const src = assetUrl(ref);
      try {
        images[ref] = { src, ...(await once(`image ${src}`, () => probeImageSize(src))) };
      } catch (err) {
        throw new Error(`cannot load image "${ref}" (${src}): ${(err as Error).message}`);
      }
    }),
    ...audioRefs.map(async (ref) => {
      const src = assetUrl(ref);
      try {
        audio[ref] = { src, duration: await once(`audio ${src}`, () => probeAudioDuration(src)) };
      } catch (err) {
        throw new Error(`cannot load audio "${ref}" (${src}): ${(err as Error).message}`);
      }
    }),
  ]);
  return { images, audio };
}
