/**
 * Renders many plans: locally (renderPlan, one plan after another by default) or on Remotion
 * Lambda (renderPlanOnLambda, several plans at once), `concurrency` plans at a time. Resumable:
 * every finished format is recorded in the batch manifest with the hash of its inputs, and a
 * format whose output is up to date is skipped, so a rerun after an interruption or a failure
 * renders only what is missing or changed. One plan's failure never stops the others.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { X264Preset } from '@remotion/renderer';
import type { LoudnessName } from '../audio/loudness-target';
import { withCaptionOverride, type CaptionOverride } from '../cli/render-options';
import type { LambdaTarget } from '../../lambda/config';
import type { LambdaPrivacy } from '../../lambda/privacy';
import type { RetryPolicy } from '../../lambda/retry';
import { OUTPUT_FORMATS, type FormatId } from '../plan/formats';
import type { InputPolicy } from '../net/input-policy';
import { loadPlanFile } from '../plan/load-plan';
import { outputLoudnessText } from '../render/loudness';
import { checkOutputDir } from '../render/output-dir';
import { renderPlan } from '../render/render-plan';
import { findPlans } from './find-plans';
import { planInputHash } from './input-hash';
import { BatchManifest, type FinishedOutput } from './manifest';
import { outputNames } from './output-names';
import type { BatchRow } from './summary-table';

export interface BatchLambdaOptions {
  target: LambdaTarget;
  /** Also download each output into the batch's output folder. */
  download?: boolean;
  privacy?: LambdaPrivacy;
  framesPerLambda?: number;
  pollIntervalMs?: number;
  retry?: Partial<RetryPolicy>;
}

export interface BatchOptions {
  /** Plan files, folders of plans, or globs. */
  inputs: string[];
  /** Where outputs (local renders, downloads) and the manifest go. */
  outDir: string;
  /** Plans rendered at the same time (default: 1 locally, 4 on Lambda). */
  concurrency?: number;
  /** Render everything again, even outputs that are up to date. */
  force?: boolean;
  formats?: FormatId[];
  scale?: number;
  frames?: [number, number] | number;
  crf?: number;
  x264Preset?: X264Preset;
  cacheDir?: string;
  /** What each plan may reach (local URLs, files outside its folder, download size); default: from the environment. */
  inputPolicy?: InputPolicy;
  budgetUsd?: number;
  /** Delivery loudness (default: each plan's `loudness`, else youtube), local or on Lambda. */
  loudness?: LoudnessName;
  /** --no-captions, --captions-source, --caption-style over each plan's `captions` (undefined: the plan's). */
  captions?: CaptionOverride;
  skipClips?: boolean;
  browserExecutable?: string;
  /** Render on Lambda instead of locally. */
  lambda?: BatchLambdaOptions | null;
  signal?: AbortSignal;
  onLog?: (message: string) => void;
}

/** An error's message on one line (a plan's problems joined with '; '). */
function oneLine(err: unknown): string {
  const lines = ((err as Error)?.message ?? String(err)).split('\n').map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return 'unknown error';
  return lines.reduce((acc, l) => `${acc}${acc.endsWith(':') ? ' ' : '; '}${l}`);
}

export async function runBatch(opts: BatchOptions): Promise<BatchRow[]> {
  const log = opts.onLog ?? (() => undefined);
  const outDir = await checkOutputDir(opts.outDir);
  const { files, roots } = await findPlans(opts.inputs);
  const names = outputNames(files, roots);
  await fs.mkdir(outDir, { recursive: true });
  const manifest = await BatchManifest.open(outDir);
  const lambda = opts.lambda ?? null;
  const mode: FinishedOutput['mode'] = lambda ? 'lambda' : 'local';
  const concurrency = opts.concurrency ?? (lambda ? 4 : 1);
  log(`batch: ${files.length} plan${files.length === 1 ? '' : 's'}, ${lambda ? `on Lambda (${lambda.target.functionName.value}, ${lambda.target.region.value})` : 'local'}, ${concurrency} at a time`);

  const renderOne = async (file: string): Promise<BatchRow> => {
    const started = performance.now();
    const name = names.get(file)!;
    const say = (m: string): void => log(`${name}: ${m}`);
    const row: BatchRow = {
      plan: path.relative(process.cwd(), file) || file,
      name,
      status: 'failed',
      rendered: [],
      skipped: [],
      failed: [],
      videoSeconds: 0,
      seconds: 0,
      costUsd: lambda ? 0 : null,
      outputs: [],
    };
    const done = (): BatchRow => {
      row.seconds = (performance.now() - started) / 1000;
      row.status = row.failed.length || row.error ? (row.rendered.length || row.skipped.length ? 'partial' : 'failed') : row.rendered.length ? 'rendered' : 'skipped';
      return row;
    };
    let todo: FormatId[] = [];
    try {
      const fromFile = await loadPlanFile(file, { cacheDir: opts.cacheDir, policy: opts.inputPolicy });
      // Applied before hashing, so changing a caption flag renders the outputs again.
      const loaded = { ...fromFile, plan: withCaptionOverride(fromFile.plan, opts.captions) };
      const formats = opts.formats ?? loaded.plan.formats;
      const settings = {
        mode,
        name,
        scale: opts.scale ?? 1,
        frames: opts.frames ?? null,
        crf: opts.crf ?? null,
        preset: opts.x264Preset ?? null,
        loudness: opts.loudness ?? null,
        ...(lambda ? { region: lambda.target.region.value, fn: lambda.target.functionName.value, serveUrl: lambda.target.serveUrl.value, privacy: lambda.privacy ?? 'public' } : {}),
      };
      const inputHash = await planInputHash(loaded, settings);
      const needFile = !lambda || Boolean(lambda.download);
      for (const f of formats) {
        const finished = opts.force ? null : await manifest.upToDate(name, f, inputHash, mode, needFile);
        if (finished) {
          row.skipped.push(f);
          row.outputs.push(finished.file ? path.relative(process.cwd(), finished.file) || finished.file : finished.url!);
          row.videoSeconds = finished.videoSeconds;
        } else todo.push(f);
      }
      if (!todo.length) {
        say('up to date, skipped');
        return done();
      }
      opts.signal?.throwIfAborted();
      say(`rendering ${todo.join(', ')}${row.skipped.length ? ` (${row.skipped.join(', ')} up to date)` : ''}`);
      const record = async (format: FormatId, o: Omit<FinishedOutput, 'inputHash' | 'mode' | 'finishedAt'>): Promise<void> => {
        await manifest.record(name, file, format, { inputHash, mode, ...o, finishedAt: new Date().toISOString() });
        row.rendered.push(format);
        row.videoSeconds = o.videoSeconds;
        row.outputs.push(o.file ? path.relative(process.cwd(), o.file) || o.file : o.url!);
        todo = todo.filter((f) => f !== format);
      };

      if (lambda) {
        const { renderPlanOnLambda } = await import('../../lambda/render-plan-on-lambda');
        const r = await renderPlanOnLambda(loaded, {
          target: lambda.target,
          formats: todo,
          name,
          scale: opts.scale,
          frames: opts.frames,
          crf: opts.crf,
          x264Preset: opts.x264Preset,
          framesPerLambda: lambda.framesPerLambda,
          privacy: lambda.privacy,
          cacheDir: opts.cacheDir,
          budgetUsd: opts.budgetUsd,
          skipClips: opts.skipClips,
          downloadDir: lambda.download ? outDir : undefined,
          loudness: opts.loudness,
          pollIntervalMs: lambda.pollIntervalMs,
          retry: lambda.retry,
          signal: opts.signal,
          onLog: (m) => say(m),
        });
        for (const f of r.formats) {
          row.costUsd = (row.costUsd ?? 0) + f.costUsd;
          if (f.ok && f.outputUrl) {
            const size = f.file ? (await fs.stat(f.file)).size : undefined;
            await record(f.format, { url: f.outputUrl, ...(f.file ? { file: f.file, sizeBytes: size } : {}), videoSeconds: f.videoSeconds, costUsd: f.costUsd });
            say(`${f.format} done: ${f.file ?? f.outputUrl}`);
          } else {
            row.failed.push(f.format);
            row.error ??= `${f.format}: ${f.errors[0] ?? 'failed'}`;
            say(`${f.format} failed: ${f.errors.join('; ')}`);
          }
        }
        todo = [];
      } else {
        // Each format is recorded as soon as its file is in place, so an interruption or a later failure keeps it.
        const recording: Promise<void>[] = [];
        const recordLocal = async (format: FormatId, seconds: number): Promise<void> => {
          const target = path.join(outDir, `${name}-${OUTPUT_FORMATS[format].suffix}.mp4`);
          const stat = await fs.stat(target);
          await record(format, { file: target, sizeBytes: stat.size, videoSeconds: seconds });
          say(`${format} done: ${path.relative(process.cwd(), target) || target}`);
        };
        try {
          const result = await renderPlan(loaded, {
            formats: todo,
            outDir,
            name,
            scale: opts.scale,
            frames: opts.frames,
            browserExecutable: opts.browserExecutable,
            x264Preset: opts.x264Preset,
            crf: opts.crf,
            cacheDir: opts.cacheDir,
            budgetUsd: opts.budgetUsd,
            loudness: opts.loudness,
            skipClips: opts.skipClips,
            signal: opts.signal,
            onLog: (m) => say(m),
            onProgress: (p) => {
              if (p.stage !== 'done') return;
              const job = recordLocal(p.format, p.totalFrames / loaded.plan.fps);
              job.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
              recording.push(job);
            },
          });
          for (const f of result.files) say(`${f.format} ${outputLoudnessText(f.loudness)}`);
        } finally {
          await Promise.all(recording);
        }
      }
    } catch (err) {
      row.error = opts.signal?.aborted ? 'interrupted' : oneLine(err);
      row.failed.push(...todo.filter((f) => !row.failed.includes(f)));
      say(`failed: ${row.error}`);
    }
    return done();
  };

  const rows: BatchRow[] = new Array(files.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, async () => {
      while (next < files.length) {
        const i = next++;
        const file = files[i]!;
        if (opts.signal?.aborted) {
          rows[i] = { plan: path.relative(process.cwd(), file) || file, name: names.get(file)!, status: 'failed', rendered: [], skipped: [], failed: [], videoSeconds: 0, seconds: 0, costUsd: null, outputs: [], error: 'not started (interrupted)' };
          continue;
        }
        rows[i] = await renderOne(file);
      }
    }),
  );
  return rows;
}
