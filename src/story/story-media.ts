/**
 * Probes the files a story uses: image sizes (and a full decode, so a corrupt image is caught before
 * planning), narration lengths. Problems are reported together, each with its file and line.
 */
import path from 'node:path';
import { StillmotionError, type InputProblem } from '../errors';
import { fetchToCache, isUrl } from '../media/fetch-remote';
import { probeAudio, type AudioFacts } from '../media/probe-audio';
import { probeImage, type ImageFacts } from '../media/probe-image';
import { formatPath } from '../plan/format-issues';
import { sortByLine, type Story } from './load-story';

export interface StoryImage extends ImageFacts {
  /** Local file (downloaded for URLs). */
  local: string;
}

export interface StoryMedia {
  /** By MediaRef.file (absolute path or URL). */
  images: Map<string, StoryImage>;
  audio: Map<string, AudioFacts>;
}

export async function probeStoryMedia(story: Story, opts: { cacheDir?: string } = {}): Promise<StoryMedia> {
  const cacheDir = path.resolve(opts.cacheDir ?? '.stillmotion/cache');
  const problems: InputProblem[] = [];
  const images = new Map<string, StoryImage>();
  const audio = new Map<string, AudioFacts>();
  const jobs = new Map<string, Promise<void>>();
  const check = (key: string, dataPath: PropertyKey[], work: () => Promise<void>): Promise<void> => {
    const job = jobs.get(key) ?? work();
    jobs.set(key, job);
    return job.catch((err: unknown) => {
      const message = (err as Error).message;
      problems.push({ path: `${story.where(dataPath)}: ${formatPath(dataPath)}`, message });
    });
  };
  const work: Promise<void>[] = [];
  story.sections.forEach((s, i) => {
    work.push(
      check(`image:${s.image.file}`, ['sections', i, 'image'], async () => {
        const local = isUrl(s.image.file) ? await fetchToCache(s.image.file, cacheDir, s.image.ref) : s.image.file;
        images.set(s.image.file, { local, ...(await probeImage(local, s.image.ref)) });
      }),
    );
    if (s.narration) {
      const n = s.narration;
      work.push(check(`audio:${n.file}`, ['sections', i, 'narration'], async () => void audio.set(n.file, await probeAudio(n.file, n.ref))));
    }
  });
  const music = story.settings.music?.file;
  if (music) work.push(check(`audio:${music}`, ['music', 'file'], async () => void audio.set(music, await probeAudio(music, path.relative(story.dir, music)))));
  await Promise.all(work);
  if (problems.length) {
    throw new StillmotionError(`Invalid story ${story.label}:`, sortByLine(problems));
  }
  return { images, audio };
}
