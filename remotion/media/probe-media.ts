/**
 * In Remotion Studio the plan arrives without resolved media: measure images and audio in the
 * browser (the Node renderer passes them in `media` instead, with pre-scaled images).
 */
import { getAudioDurationInSeconds, getImageDimensions } from '@remotion/media-utils';
import type { Media, Plan } from '../../src/plan/schema';
import { assetUrl } from './asset-url';

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
        const { width, height } = await getImageDimensions(src);
        images[ref] = { src, width, height };
      } catch (err) {
        throw new Error(`cannot load image "${ref}" (${src}): ${(err as Error).message}`);
      }
    }),
    ...audioRefs.map(async (ref) => {
      const src = assetUrl(ref);
      try {
        audio[ref] = { src, duration: await getAudioDurationInSeconds(src) };
      } catch (err) {
        throw new Error(`cannot load audio "${ref}" (${src}): ${(err as Error).message}`);
      }
    }),
  ]);
  return { images, audio };
}
