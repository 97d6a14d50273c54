/**
 * Renders several formats of one plan on Remotion Lambda at once: one renderMediaOnLambda per
 * format, all started in parallel, each polled with getRenderProgress until it is done or fails.
 * Transient AWS failures (throttling, 5xx, dropped connections) are retried; chunk retries that
 * Remotion reports are logged once each. A fatal error in one format fails that format only:
 * the others keep rendering and are reported with their output URL and cost.
 */
import { cancelRenderOnLambda, getRenderProgress, renderMediaOnLambda, type AwsRegion, type RenderProgress } from '@remotion/lambda/client';
import { OUTPUT_FORMATS, type FormatId } from '../src/plan/formats';
import type { CompositionProps } from '../src/plan/schema';
import type { FormatProgress } from '../src/render/render-plan';
import { sleep } from '../src/providers/http';
import type { X264Preset } from '@remotion/renderer';
import type { LambdaPrivacy } from './privacy';
import { isTransientAwsError, withRetries, type RetryPolicy } from './retry';

export interface LambdaFormatJob {
  format: FormatId;
  inputProps: CompositionProps;
  /** File name of the output in the bucket (`<name>-16x9.mp4`). */
  outName: string;
  /** Frames and fps of what is rendered (for the progress bar and the cost per minute). */
  frames: number;
  fps: number;
}

export interface LambdaRenderSettings {
  region: AwsRegion;
  functionName: string;
  serveUrl: string;
  bucketName: string;
  /** Who can read the output: 'public' (a public-read object, Remotion's default), 'private' (presigned download URL), 'no-acl'. */
  privacy?: LambdaPrivacy;
  scale?: number;
  frameRange?: [number, number] | null;
  crf?: number;
  x264Preset?: X264Preset;
  framesPerLambda?: number;
  /** Remotion company license key (REMOTION_LICENSE_KEY), sent with each render for usage tracking. */
  licenseKey?: string;
  /** How long the composition may wait for an asset (delayRender), ms. */
  timeoutInMilliseconds?: number;
  pollIntervalMs?: number;
  /** Give up polling one format after this long without it finishing (default 30 min). */
  maxWaitMs?: number;
  retry?: Partial<RetryPolicy>;
  /** A presigned GET URL for a private output (bucket, key). */
  presignOutput?: (bucket: string, key: string) => Promise<string>;
  signal?: AbortSignal;
  onProgress?: (p: FormatProgress) => void;
  onLog?: (message: string) => void;
}

export interface LambdaFormatResult {
  format: FormatId;
  ok: boolean;
  renderId: string | null;
  /** Bucket and key of the output in S3. */
  outBucket: string | null;
  outKey: string | null;
  /** Where to get the video: the public URL, or a presigned one for private renders. */
  outputUrl: string | null;
  sizeBytes: number | null;
  frames: number;
  videoSeconds: number;
  /** Remotion's estimate of what the render cost on Lambda (USD), also for failed renders. */
  costUsd: number;
  /** Wall time from start to done, seconds. */
  renderSeconds: number;
  lambdasInvoked: number;
  /** Fatal errors (or why the render could not start); empty when ok. */
  errors: string[];
  /** Transient AWS errors retried plus chunk retries Remotion reported. */
  retries: number;
}

function messageOf(err: unknown): string {
  const message = (err as Error | undefined)?.message;
  return message ? message.split('\n')[0]! : String(err);
}

/** Explains start errors that mean the set-up is wrong (not transient). */
function startError(err: unknown, s: LambdaRenderSettings): string {
  const msg = messageOf(err);
  const name = (err as Error)?.name ?? '';
  if (name === 'ResourceNotFoundException' || /Function not found/i.test(msg)) {
    return `function "${s.functionName}" not found in ${s.region}: run \`stillmotion lambda deploy --region ${s.region}\` or pass --function (${msg})`;
  }
  if (/version/i.test(msg) && /mismatch|incompatible|not the same/i.test(msg)) {
    return `the Lambda function runs another Remotion version: run \`stillmotion lambda deploy\` (${msg})`;
  }
  return msg;
}

function stageOf(p: RenderProgress, total: number): FormatProgress['stage'] {
  if (p.done) return 'done';
  if (p.framesRendered >= total || (p.encodingStatus && p.encodingStatus.framesEncoded > 0)) return 'encoding';
  return p.lambdasInvoked > 0 || p.framesRendered > 0 ? 'rendering' : 'preparing';
}

function emptyResult(job: LambdaFormatJob): LambdaFormatResult {
  return {
    format: job.format,
    ok: false,
    renderId: null,
    outBucket: null,
    outKey: null,
    outputUrl: null,
    sizeBytes: null,
    frames: job.frames,
    videoSeconds: job.frames / job.fps,
    costUsd: 0,
    renderSeconds: 0,
    lambdasInvoked: 0,
    errors: [],
    retries: 0,
  };
}

async function renderOne(job: LambdaFormatJob, s: LambdaRenderSettings): Promise<LambdaFormatResult> {
  const started = performance.now();
  const label = job.format;
  const log = s.onLog ?? (() => undefined);
  const result = emptyResult(job);
  const finish = (): LambdaFormatResult => ({ ...result, renderSeconds: (performance.now() - started) / 1000 });
  const retryOpts = (what: string) => ({
    ...s.retry,
    signal: s.signal,
    onRetry: (attempt: number, err: unknown, delayMs: number) => {
      result.retries++;
      log(`${label}: ${what} failed (${messageOf(err)}); retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1})`);
    },
  });
  const report = (p: Omit<FormatProgress, 'format'>): void => s.onProgress?.({ format: job.format, ...p });
  report({ stage: 'preparing', renderedFrames: 0, encodedFrames: 0, totalFrames: job.frames, progress: 0 });

  let render: { renderId: string; bucketName: string };
  try {
    render = await withRetries(
      () =>
        renderMediaOnLambda({
          region: s.region,
          functionName: s.functionName,
          serveUrl: s.serveUrl,
          composition: OUTPUT_FORMATS[job.format].compositionId,
          inputProps: job.inputProps as unknown as Record<string, unknown>,
          codec: 'h264',
          audioCodec: 'aac',
          imageFormat: 'jpeg',
          jpegQuality: 90,
          pixelFormat: 'yuv420p',
          crf: s.crf ?? 20,
          x264Preset: s.x264Preset ?? 'veryfast',
          scale: s.scale ?? 1,
          ...(s.frameRange ? { frameRange: s.frameRange } : {}),
          ...(s.framesPerLambda ? { framesPerLambda: s.framesPerLambda } : {}),
          privacy: s.privacy ?? 'public',
          outName: job.outName,
          forceBucketName: s.bucketName,
          downloadBehavior: { type: 'download', fileName: job.outName },
          maxRetries: 1,
          enableCancellation: true,
          timeoutInMilliseconds: s.timeoutInMilliseconds ?? 60_000,
          overwrite: true,
          logLevel: 'warn',
          ...(s.licenseKey ? { licenseKey: s.licenseKey } : {}),
        }),
      retryOpts('start'),
    );
  } catch (err) {
    result.errors.push(s.signal?.aborted ? 'interrupted before the render started' : `could not start: ${startError(err, s)}`);
    return finish();
  }
  result.renderId = render.renderId;
  log(`${label}: render ${render.renderId} started on ${s.functionName} (${s.region})`);

  const seenChunkErrors = new Set<string>();
  const deadline = Date.now() + (s.maxWaitMs ?? 30 * 60_000);
  /** Stops the render on Lambda (it was started with enableCancellation); says whether that worked. */
  const cancel = async (why: string): Promise<void> => {
    try {
      await cancelRenderOnLambda({ region: s.region, bucketName: render.bucketName, renderId: render.renderId });
      result.errors.push(`${why}; the render was cancelled`);
    } catch (err) {
      result.errors.push(`${why}; could not cancel render ${render.renderId} (${messageOf(err)}): it may still run on Lambda`);
    }
  };
  for (;;) {
    try {
      await sleep(s.pollIntervalMs ?? 1000, s.signal);
    } catch {
      await cancel('interrupted');
      return finish();
    }
    let p: RenderProgress;
    try {
      p = await withRetries(
        () => getRenderProgress({ renderId: render.renderId, bucketName: render.bucketName, functionName: s.functionName, region: s.region, logLevel: 'warn' }),
        retryOpts('progress check'),
      );
    } catch (err) {
      if (s.signal?.aborted) await cancel('interrupted');
      else result.errors.push(`progress check failed${isTransientAwsError(err) ? ' repeatedly' : ''}: ${messageOf(err)} (render ${render.renderId} may still finish on Lambda)`);
      return finish();
    }
    result.costUsd = p.costs?.accruedSoFar ?? result.costUsd;
    result.lambdasInvoked = p.lambdasInvoked ?? result.lambdasInvoked;
    for (const e of p.errors ?? []) {
      if (e.isFatal) continue;
      const key = `${e.chunk}:${e.frame}:${e.attempt}:${e.message}`;
      if (seenChunkErrors.has(key)) continue;
      seenChunkErrors.add(key);
      if (e.willRetry) result.retries++;
      log(`${label}: ${e.chunk !== null ? `chunk ${e.chunk}` : e.type} failed (attempt ${e.attempt}/${e.totalAttempts})${e.willRetry ? ', retrying' : ''}: ${e.message.split('\n')[0]}`);
    }
    if (p.fatalErrorEncountered) {
      const fatal = (p.errors ?? []).filter((e) => e.isFatal);
      result.errors.push(...(fatal.length ? fatal : (p.errors ?? [])).map((e) => `${e.chunk !== null ? `chunk ${e.chunk}: ` : ''}${e.message.split('\n')[0]}${e.explanation ? ` (${e.explanation})` : ''}`));
      if (!result.errors.length) result.errors.push('the render failed (no error message reported)');
      log(`${label}: render ${render.renderId} failed: ${result.errors[0]}`);
      return finish();
    }
    const stage = stageOf(p, job.frames);
    report({
      stage,
      renderedFrames: Math.min(job.frames, p.framesRendered ?? 0),
      encodedFrames: p.encodingStatus?.framesEncoded ?? 0,
      totalFrames: job.frames,
      progress: p.overallProgress,
    });
    if (p.done) {
      result.ok = true;
      result.outBucket = p.outBucket;
      result.outKey = p.outKey;
      result.sizeBytes = p.outputSizeInBytes;
      result.outputUrl = p.outputFile;
      if ((s.privacy ?? 'public') !== 'public' && s.presignOutput && p.outBucket && p.outKey) {
        try {
          result.outputUrl = await s.presignOutput(p.outBucket, p.outKey);
        } catch (err) {
          log(`${label}: could not presign the output URL (${messageOf(err)}); it is s3://${p.outBucket}/${p.outKey}`);
        }
      }
      return finish();
    }
    if (Date.now() > deadline) {
      await cancel(`no result after ${Math.round((s.maxWaitMs ?? 30 * 60_000) / 60_000)} min`);
      return finish();
    }
  }
}

/** Renders every job in parallel; never rejects: each format's result says whether it succeeded. */
export async function renderFormatsOnLambda(jobs: LambdaFormatJob[], settings: LambdaRenderSettings): Promise<LambdaFormatResult[]> {
  return Promise.all(
    jobs.map((job) =>
      renderOne(job, settings).catch((err: unknown): LambdaFormatResult => ({ ...emptyResult(job), errors: [messageOf(err)] })),
    ),
  );
}
