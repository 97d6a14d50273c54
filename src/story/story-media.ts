/**
 * Probes the files a story uses: image sizes (and a full decode, so a corrupt image is caught before
 * planning), narration lengths. Problems are reported together, each with its file and line.
 */
import path from 'node:path';
import { StillmotionError, type InputProblem } from '../errors';
import { fetchVerified, isUrl, type FetchRemoteOptions } from '../media/fetch-remote';
import { resolveInputPolicy, type InputPolicy } from '../net/input-policy';
import { probeAudio, type AudioFacts } from '../media/probe-audio';
import { probeImage, type ImageFacts } from '../media/probe-image';
import { refusePlaylist } from '../plan/confine-path';
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

export interface ProbeStoryOptions {
  cacheDir?: string;
  /** Which addresses URLs may reach and how big a download may be (default: from the environment). */
  policy?: Partial<InputPolicy>;
  /** Download URLs again instead of revalidating cached copies. */
  fresh?: boolean;
  /** Tests: a stub resolver for URL hosts. */
  net?: FetchRemoteOptions<unknown>['net'];
}

export async function probeStoryMedia(story: Story, opts: ProbeStoryOptions = {}): Promise<StoryMedia> {
  const cacheDir = path.resolve(opts.cacheDir ?? '.stillmotion/cache');
  const policy = { ...resolveInputPolicy(), ...opts.policy };
  const fetchOpts = { cacheDir, policy, fresh: opts.fresh, net: opts.net };
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
  // A URL is never handed to ffprobe (which would fetch it without the address policy): it is downloaded first.
  const verifyAudio = (label: string) => async (f: string): Promise<AudioFacts> => {
    await refusePlaylist(f, label);
    return probeAudio(f, label);
  };
  const audioFacts = async (file: string, label: string): Promise<AudioFacts> =>
    isUrl(file) ? (await fetchVerified(file, { ...fetchOpts, label, kind: 'audio', verify: verifyAudio(label) })).facts : verifyAudio(label)(file);
  const work: Promise<void>[] = [];
  story.sections.forEach((s, i) => {
    work.push(
      check(`image:${s.image.file}`, ['sections', i, 'image'], async () => {
        const { ref, file } = s.image;
        const verify = (f: string): Promise<ImageFacts> => probeImage(f, ref);
        const { file: local, facts } = isUrl(file) ? await fetchVerified(file, { ...fetchOpts, label: ref, kind: 'image', verify }) : { file, facts: await verify(file) };
        images.set(file, { local, ...facts });
      }),
    );
    if (s.narration) {
      const n = s.narration;
      work.push(check(`audio:${n.file}`, ['sections', i, 'narration'], async () => void audio.set(n.file, await audioFacts(n.file, n.ref))));
    }
  });
  const music = story.settings.music?.file;
  if (music) work.push(check(`audio:${music}`, ['music', 'file'], async () => void audio.set(music, await audioFacts(music, isUrl(music) ? music : path.relative(story.dir, music)))));
  await Promise.all(work);
  if (problems.length) {
    throw new StillmotionError(`Invalid story ${story.label}:`, sortByLine(problems));
  }
  return { images, audio };
}
