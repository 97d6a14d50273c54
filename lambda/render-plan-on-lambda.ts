/**
 * A plan rendered on Remotion Lambda: the same asset preparation as a local render (audio
 * analysis, focus, AI clips, depth layers) runs here, then every file the composition loads is
 * uploaded to the bucket (content-addressed, existing ones skipped), the input props are rewritten
 * to URLs only, and all formats render in parallel on Lambda. Optionally the outputs are
 * downloaded into a local folder with the names a local render would give them.
 */
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { X264Preset } from '@remotion/renderer';
import { writeCaptionSidecars } from '../src/captions/sidecars';
import { StillmotionError } from '../src/errors';
import { OUTPUT_FORMATS, outputScale, type FormatId } from '../src/plan/formats';
import type { LoadedPlan } from '../src/plan/load-plan';
import { bundleSourcesHash } from '../src/render/bundle';
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
import type { LambdaPrivacy } from './privacy';
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
  if (opts.downloadDir) await checkOutputDir(opts.downloadDir);
  const cacheDir = path.resolve(opts.cacheDir ?? '.stillmotion/cache');

  // Everything that can be checked before spending: credentials, layout, frame range, bucket.
  const credentials = awsCredentialSource(env);
  log(`AWS credentials from ${credentials}; region ${region} (${target.region.source})`);
  for (const t of planTimelines(loaded, formats).values()) checkFrameRange(opts.frames, t.durationInFrames);
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
      // Depth layers are built as large as this render draws them.
      scale,
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
    for (const r of results) {
      let file: string | null = null;
      if (r.ok && opts.downloadDir && r.outBucket && r.outKey) {
        const targetFile = path.resolve(opts.downloadDir, `${name}-${OUTPUT_FORMATS[r.format].suffix}.mp4`);
        try {
          await downloadOutput(client, r.outBucket, r.outKey, targetFile, opts.signal);
          file = targetFile;
        } catch (err) {
          r.errors.push(`rendered, but the download failed: ${(err as Error).message}`);
          r.ok = false;
        }
      }
      // Caption files beside the downloaded video, as a local render writes them (not for a frame range).
      if (file && !frameRange && opts.downloadDir) {
        const timeline = planTimelines(loaded, [r.format], assets).get(r.format)!;
        await writeCaptionSidecars({ outDir: opts.downloadDir, name, suffix: OUTPUT_FORMATS[r.format].suffix }, timeline.captions, timeline.fps);
      }
      out.push({ ...r, file });
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
