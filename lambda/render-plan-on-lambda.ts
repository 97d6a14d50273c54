/**
 * A plan rendered on Remotion Lambda: the same asset preparation as a local render (audio
 * analysis, focus, AI clips, depth layers) runs here, then every file the composition loads is
 * uploaded to the bucket (content-addressed, existing ones skipped), the input props are rewritten
 * to URLs only, and all formats render in parallel on Lambda. Then each output is made as
 * publishable as a local render's (unless a frame range was asked for, as locally):
 *   - its mix is normalised to the delivery loudness (lambda/publish-output.ts) and measured;
 *   - its cover is written here from the prepared assets (lambda/local-covers.ts);
 *   - with `downloadDir`, the video, cover and caption files land there with the names a local
 *     render gives them; without it the normalised video replaces the output in the bucket (same
 *     key, same URL) and the cover is put beside it, since the bucket is where the user takes the
 *     video from.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { X264Preset } from '@remotion/renderer';
import { loudnessTarget, type LoudnessSetting } from '../src/audio/loudness-target';
import { chooseCoverFrame } from '../src/cards/cover-frame';
import { writeCaptionSidecars } from '../src/captions/sidecars';
import { StillmotionError } from '../src/errors';
import { tempPathFor } from '../src/fs/atomic-write';
import { OUTPUT_FORMATS, outputScale, type FormatId } from '../src/plan/formats';
import type { LoadedPlan } from '../src/plan/load-plan';
import { bundleSourcesHash } from '../src/render/bundle';
import type { WrittenCover } from '../src/render/cover';
import type { OutputLoudness } from '../src/render/loudness';
import type { FormatProgress } from '../src/render/render-plan';
import { checkOutputDir } from '../src/render/output-dir';
import { outputStem } from '../src/render/output-name';
import { checkFrameRange, planTimelines } from '../src/render/render-plan';
import { prepareAssets, type PreparedAssets, type PrepareAssetsOptions } from '../src/render/prepare-assets';
import { assertBucketExists, makeBucketClient } from './bucket-client';
import type { LambdaTarget } from './config';
import { awsCredentialSource } from './credentials';
import { downloadOutput } from './download-output';
import { buildLambdaProps } from './lambda-props';
import { LocalCovers } from './local-covers';
import type { LambdaPrivacy } from './privacy';
import { normaliseVideoLoudness, uploadOutput } from './publish-output';
import { renderFormatsOnLambda, type LambdaFormatJob, type LambdaFormatResult } from './render-on-lambda';
import type { RetryPolicy } from './retry';
import { AssetUploader, type UploadStats } from './upload-assets';

/** Presigned links to private outputs last a week (the longest S3 allows). */
const OUTPUT_URL_TTL_SECONDS = 7 * 24 * 3600;

export interface LambdaPlanRenderOptions {
  target: LambdaTarget;
  formats?: FormatId[];
  /** Output file name stem; default: the plan title as a slug. */
  name?: string;
  scale?: number;
  frames?: [number, number] | number;
  crf?: number;
  x264Preset?: X264Preset;
  framesPerLambda?: number;
  privacy?: LambdaPrivacy;
  cacheDir?: string;
  budgetUsd?: number;
  skipClips?: boolean;
  clipOptions?: PrepareAssetsOptions['clipOptions'];
  /** Also download each output into this folder (`<name>-16x9.mp4`, ...). */
  downloadDir?: string;
  /** Delivery loudness of the outputs (default: the plan's `loudness`, else youtube); `off` leaves Lambda's mix as it is. */
  loudness?: LoudnessSetting;
  /** Write each format's cover, <name>-<format>.jpg (default true; the plan's `cover: false` also turns it off). */
  cover?: boolean;
  /** Chromium for the covers, which are rendered on this machine (default: the project's browser choice). */
  browserExecutable?: string;
  pollIntervalMs?: number;
  maxWaitMs?: number;
  retry?: Partial<RetryPolicy>;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onLog?: (message: string) => void;
  onProgress?: (p: FormatProgress) => void;
}

export interface LambdaPlanFormatResult extends LambdaFormatResult {
  /** The downloaded file, when downloadDir was given and the render succeeded. */
  file: string | null;
  /**
   * The output's audio as measured (EBU R128) after normalisation, and the target (null target:
   * not normalised: `off`, or a frame range). Null when nothing was downloaded to measure (not
   * normalised and no downloadDir).
   */
  loudness: OutputLoudness | null;
  /** The cover: in downloadDir, else uploaded beside the output (`coverUrl`); null when off or for a frame range. */
  cover: WrittenCover | null;
  /** Where the cover is in the bucket (public or presigned, as the output); null when it was downloaded instead. */
  coverUrl: string | null;
}

export interface LambdaPlanRenderResult {
  formats: LambdaPlanFormatResult[];
  uploads: UploadStats;
  warnings: string[];
  assets: PreparedAssets;
  target: LambdaTarget;
}

export async function renderPlanOnLambda(loaded: LoadedPlan, opts: LambdaPlanRenderOptions): Promise<LambdaPlanRenderResult> {
  const env = opts.env ?? process.env;
  const log = opts.onLog ?? (() => undefined);
  const { target } = opts;
  const region = target.region.value;
  const formats = opts.formats ?? loaded.plan.formats;
  const scale = outputScale(opts.scale ?? 1);
  const name = outputStem(opts.name, loaded.plan.title);
  const loudness = loudnessTarget(opts.loudness ?? loaded.plan.loudness);
  const privacy = opts.privacy ?? 'public';
  if (opts.downloadDir) await checkOutputDir(opts.downloadDir);
  const cacheDir = path.resolve(opts.cacheDir ?? '.stillmotion/cache');

  // Everything that can be checked before spending: credentials, layout, frame range, bucket.
  const credentials = awsCredentialSource(env);
  log(`AWS credentials from ${credentials}; region ${region} (${target.region.source})`);
  for (const t of planTimelines(loaded, formats).values()) {
    checkFrameRange(opts.frames, t.durationInFrames);
    // A cover that points outside the video fails here, before anything is spent (as locally).
    if (opts.cover !== false) chooseCoverFrame(loaded.plan, t);
  }
  const client = makeBucketClient(region, env);
  try {
    await assertBucketExists(client, target.bucketName, region);
    if (target.deployed?.bundleHash && target.serveUrl.value === target.deployed.serveUrl && target.deployed.bundleHash !== (await bundleSourcesHash())) {
      log(`warning: the site at ${target.serveUrl.value} was deployed from other sources than these; run \`stillmotion lambda deploy\` to update it`);
    }

    const assets = await prepareAssets(loaded, {
      cacheDir,
      budgetUsd: opts.budgetUsd,
      skipClips: opts.skipClips,
      clipOptions: opts.clipOptions,
      signal: opts.signal,
      onLog: log,
      // Depth layers are built as large as this render's formats draw them, for these formats only.
      scale,
      formats,
    });
    const warnings = [...new Set([...planTimelines(loaded, formats, assets).values()].flatMap((t) => t.warnings))];
    for (const w of warnings) log(`warning: ${w}`);

    const uploader = new AssetUploader(client, target.bucketName.value);
    const props = await buildLambdaProps(loaded, assets, { formats, scale, cacheDir, url: (f) => uploader.url(f), onLog: log });
    const s = uploader.stats;
    log(`assets: ${s.uploaded} uploaded (${(s.bytesUploaded / 1024 ** 2).toFixed(1)} MiB), ${s.skipped} already in s3://${target.bucketName.value}`);

    const jobs: LambdaFormatJob[] = formats.map((format) => {
      const p = props.get(format)!;
      const range = checkFrameRange(opts.frames, p.durationInFrames);
      return {
        format,
        inputProps: p.inputProps,
        outName: `${name}-${OUTPUT_FORMATS[format].suffix}.mp4`,
        frames: range ? range[1] - range[0] + 1 : p.durationInFrames,
        fps: p.fps,
      };
    });
    const frameRange = jobs.length ? checkFrameRange(opts.frames, props.get(jobs[0]!.format)!.durationInFrames) : null;
    const results = await renderFormatsOnLambda(jobs, {
      region,
      functionName: target.functionName.value,
      serveUrl: target.serveUrl.value,
      bucketName: target.bucketName.value,
      privacy: opts.privacy,
      scale,
      frameRange,
      crf: opts.crf,
      x264Preset: opts.x264Preset,
      framesPerLambda: opts.framesPerLambda,
      licenseKey: env.REMOTION_LICENSE_KEY?.trim() || undefined,
      pollIntervalMs: opts.pollIntervalMs,
      maxWaitMs: opts.maxWaitMs,
      retry: opts.retry,
      presignOutput: (bucket, key) => getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: OUTPUT_URL_TTL_SECONDS }),
      signal: opts.signal,
      onProgress: opts.onProgress,
      onLog: log,
    });

    const out: LambdaPlanFormatResult[] = [];
    // A frame range is a preview of part of the video: as locally, no cover; and no normalisation,
    // since the gain of the whole video cannot be measured on a part of it.
    if (frameRange && loudness) log(`loudness: not normalised (a frame range; the whole video's gain cannot be measured on part of it)`);
    const covers = opts.cover !== false && !frameRange ? new LocalCovers(loaded, assets, { scale, cacheDir, browserExecutable: opts.browserExecutable, onLog: log }) : null;
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-lambda-'));
    try {
      for (const r of results) {
        const res: LambdaPlanFormatResult = { ...r, file: null, loudness: null, cover: null, coverUrl: null };
        out.push(res);
        if (!r.ok || !r.outBucket || !r.outKey) continue;
        const stem = `${name}-${OUTPUT_FORMATS[r.format].suffix}`;
        const local = opts.downloadDir ? path.resolve(opts.downloadDir, `${stem}.mp4`) : path.join(scratch, `${stem}.mp4`);
        const target = frameRange ? null : loudness;
        let step = 'the download';
        try {
          if (opts.downloadDir || target) {
            // The downloaded bytes go to a temp file; the video appears at `local` only once normalised.
            const raw = tempPathFor(local);
            try {
              await downloadOutput(client, r.outBucket, r.outKey, raw, opts.signal);
              step = 'loudness normalisation';
              res.loudness = await normaliseVideoLoudness(raw, local, target, { signal: opts.signal, onLog: log });
            } finally {
              await fs.rm(raw, { force: true });
            }
            if (opts.downloadDir) {
              res.file = local;
              res.sizeBytes = (await fs.stat(local)).size;
            } else {
              step = 'the upload of the normalised video';
              res.sizeBytes = await uploadOutput(client, r.outBucket, r.outKey, local, 'video/mp4', privacy, opts.signal);
              await fs.rm(local, { force: true });
            }
          }
          // Caption files beside the downloaded video, as a local render writes them (not for a frame range).
          if (res.file && !frameRange && opts.downloadDir) {
            step = 'the caption files';
            const timeline = planTimelines(loaded, [r.format], assets).get(r.format)!;
            await writeCaptionSidecars({ outDir: opts.downloadDir, name, suffix: OUTPUT_FORMATS[r.format].suffix }, timeline.captions, timeline.fps);
          }
          if (covers) {
            step = 'the cover';
            const cover = await covers.write(r.format, path.resolve(opts.downloadDir ?? scratch, `${stem}.jpg`));
            if (cover && !opts.downloadDir) {
              const key = path.posix.join(path.posix.dirname(r.outKey), `${stem}.jpg`);
              await uploadOutput(client, r.outBucket, key, cover.file, 'image/jpeg', privacy, opts.signal);
              await fs.rm(cover.file, { force: true });
              res.coverUrl = await outputUrlFor(res, key, privacy, client);
            }
            res.cover = cover;
            if (cover) log(`${r.format}: cover ${path.basename(cover.file)} (frame ${cover.frame}: ${cover.why}) in ${cover.seconds.toFixed(1)} s`);
          }
        } catch (err) {
          if (opts.signal?.aborted) throw err;
          res.errors.push(`rendered, but ${step} failed: ${(err as Error).message}`);
          res.ok = false;
        }
      }
    } finally {
      await covers?.close();
      await fs.rm(scratch, { recursive: true, force: true });
    }

    // When no format could even start, the cause is the set-up, not the plan: say it once.
    const starts = out.map((r) => (r.renderId === null ? r.errors[0] : null));
    if (out.length && starts.every((e) => e && e === starts[0]) && !opts.signal?.aborted) {
      throw new StillmotionError(`Lambda render: ${starts[0]!.replace(/^could not start: /, '')}`);
    }
    return { formats: out, uploads: { ...s }, warnings, assets, target };
  } finally {
    client.destroy();
  }
}

/** The URL of another object of a render, readable as its output is: beside a public output's URL, else presigned. */
async function outputUrlFor(r: LambdaFormatResult, key: string, privacy: LambdaPrivacy, client: ReturnType<typeof makeBucketClient>): Promise<string> {
  if (privacy === 'public' && r.outputUrl) return new URL(path.posix.basename(key), r.outputUrl).href;
  return getSignedUrl(client, new GetObjectCommand({ Bucket: r.outBucket!, Key: key }), { expiresIn: OUTPUT_URL_TTL_SECONDS });
}
