/**
 * What makes a Lambda render's output as publishable as a local render's: its mix at the delivery
 * loudness, and the object put back into the bucket when the user keeps the output there.
 *
 * Lambda renders the composition's audio as it is (ducked and faded, not normalised): the local
 * render normalises its soundtrack before the join, which Lambda cannot be asked to do. So the
 * finished MP4 is normalised here with the same two-pass EBU R128 normaliser
 * (src/audio/loudness-normalise.ts, Remotion's bundled ffmpeg), its video stream copied beside
 * the re-encoded audio by the local render's join (src/render/segments/join-segments.ts), and
 * measured again like a local output. Every downloaded or re-uploaded output goes through that
 * join, normalised or not, so it carries the same colour tags as a local one (src/media/colour-tags.ts).
 */
import { createReadStream, promises as fs } from 'node:fs';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { measureLoudness, normaliseLoudness } from '../src/audio/loudness-normalise';
import type { LoudnessTarget } from '../src/audio/loudness-target';
import { produceAtomic, tempPathFor } from '../src/fs/atomic-write';
import { loudnessMissWarning, type OutputLoudness } from '../src/render/loudness';
import { ffprobe } from '../src/media/ffprobe';
import { joinSegments } from '../src/render/segments/join-segments';
import type { LambdaPrivacy } from './privacy';

/**
 * Writes `input` (an MP4 with an audio stream) to `output` with its mix normalised to `target`
 * (null: left as it is, only measured); `output` appears only when complete and may be `input`.
 * Returns the output's loudness as measured on the written file.
 */
export async function normaliseVideoLoudness(
  input: string,
  output: string,
  target: LoudnessTarget | null,
  opts: { signal?: AbortSignal; onLog?: (m: string) => void } = {},
): Promise<OutputLoudness> {
  let mode: OutputLoudness['mode'] = null;
  const probe = await ffprobe(input, { signal: opts.signal });
  if (!probe.ok) throw new Error(`${input}: not a video ffprobe can read (${probe.reason})`);
  if (!probe.info.streams?.some((s) => s.codec_type === 'audio')) {
    // A plan without any audio: nothing to normalise or measure (a silent mix, as loudness-normalise.ts treats silence).
    await produceAtomic(output, (tmp) => joinSegments([input], null, tmp, opts.signal));
    return { integrated: -Infinity, truePeak: -Infinity, target, mode: target ? 'silent' : null };
  }
  if (target) {
    await produceAtomic(output, async (tmp) => {
      const audio = tempPathFor(`${output}.audio.m4a`);
      try {
        const r = await normaliseLoudness(input, audio, target, { signal: opts.signal });
        mode = r.mode;
        if (!r.met) opts.onLog?.(`warning: ${loudnessMissWarning(r.output, target, output)}`);
        await joinSegments([input], audio, tmp, opts.signal);
      } finally {
        await fs.rm(audio, { force: true });
      }
    });
  } else {
    // Not normalised: the video and audio copied as they are, the video tagged as a local render's.
    await produceAtomic(output, (tmp) => joinSegments([input], input, tmp, opts.signal));
  }
  const measured = await measureLoudness(output, opts.signal);
  return { integrated: measured.integrated, truePeak: measured.truePeak, target, mode };
}

/** The ACL Remotion gives an output of this privacy (none for `no-acl`: buckets that enforce ownership refuse ACLs). */
function aclFor(privacy: LambdaPrivacy): 'public-read' | 'private' | undefined {
  return privacy === 'public' ? 'public-read' : privacy === 'private' ? 'private' : undefined;
}

/** Puts a local file at `key`, readable as the render's output is (`privacy`); returns its size. */
export async function uploadOutput(client: S3Client, bucket: string, key: string, file: string, contentType: string, privacy: LambdaPrivacy, signal?: AbortSignal): Promise<number> {
  const size = (await fs.stat(file)).size;
  const acl = aclFor(privacy);
  await client.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: size, ContentType: contentType, ...(acl ? { ACL: acl } : {}) }),
    { abortSignal: signal },
  );
  return size;
}
