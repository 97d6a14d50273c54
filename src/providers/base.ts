/** Shared plumbing for providers: options, env keys, base URLs, HTTP client, runner settings. */
import { HttpClient } from './http';
import { PROVIDER_CONSTRAINTS, type ProviderConstraints } from './constraints';
import { imageForProvider, uploaderFromEnv, type ImageUploader } from './image-source';
import { resolveModelMode, splitModelMode } from './model-mode';
import { fitPrompt } from './prompt-fit';
import { RateGate } from './limiter';
import { runTask, type TaskSpec } from './task-runner';
import { ProviderError } from './errors';
import type { ClipProvider, ClipRequest, GenerateContext, GenerateResult, PollSchedule, ProviderId, RetryPolicy } from './types';

export interface ProviderOptions {
  /** API key (Luma, Runway, Haiper); default from the provider's env var. */
  apiKey?: string;
  /** Kling access + secret key; default KLING_ACCESS_KEY / KLING_SECRET_KEY. */
  accessKey?: string;
  secretKey?: string;
  /** API base URL; default from <PROVIDER>_BASE_URL, else the real one. */
  baseUrl?: string;
  env?: NodeJS.ProcessEnv;
  poll?: Partial<PollSchedule>;
  retry?: Partial<RetryPolicy>;
  /** Whole generation (create to verified file), default 15 min. */
  totalTimeoutMs?: number;
  /** One download, default 5 min. */
  downloadTimeoutMs?: number;
  /** One API call, default 60 s. */
  requestTimeoutMs?: number;
  maxConcurrency?: number;
  /** Spacing between creates (ms); Luma defaults to 3000 (20 creates/min). */
  minCreateIntervalMs?: number;
  /** Where local images go for providers that need a URL; null disables; default from env. */
  uploader?: ImageUploader | null;
  /** Luma resolution (default 720p). */
  resolution?: string;
  /** Haiper: let its prompt enhancer rewrite the prompt (default off; env HAIPER_PROMPT_ENHANCER=1). */
  promptEnhancer?: boolean;
}

/** A request as the provider's spec() gets it: model, mode and duration resolved, prompt fitted. */
export type ResolvedRequest = ClipRequest & { model: string; mode?: string; durationSec: number };

export interface ProviderDefaults {
  id: ProviderId;
  label: string;
  baseUrl: string;
  baseUrlEnv: string;
  defaultModel: string;
  /** Generation modes, default first (Kling: std, pro); none when absent. */
  modes?: readonly string[];
  maxConcurrency: number;
  poll: PollSchedule;
  supportsSeed: boolean;
  legacy?: boolean;
  durations: Record<string, number[]> & { default: number[] };
}

function snap(durations: number[], seconds: number): number {
  const sorted = [...durations].sort((a, b) => a - b);
  return sorted.find((d) => d >= seconds - 1e-6) ?? sorted[sorted.length - 1]!;
}

export abstract class BaseProvider implements ClipProvider {
  readonly id: ProviderId;
  readonly label: string;
  readonly defaultModel: string;
  readonly modes: readonly string[];
  readonly maxConcurrency: number;
  readonly supportsSeed: boolean;
  readonly legacy: boolean;
  /** What the provider accepts (prompt length, image): src/providers/constraints.ts. */
  readonly constraints: ProviderConstraints;
  protected readonly baseUrl: string;
  protected readonly env: NodeJS.ProcessEnv;
  protected readonly poll: PollSchedule;
  protected readonly uploader: ImageUploader | undefined;
  protected readonly createGate: RateGate | undefined;

  constructor(
    protected readonly defaults: ProviderDefaults,
    protected readonly opts: ProviderOptions,
  ) {
    this.id = defaults.id;
    this.label = defaults.label;
    this.defaultModel = defaults.defaultModel;
    this.modes = defaults.modes ?? [];
    this.constraints = PROVIDER_CONSTRAINTS[defaults.id];
    this.supportsSeed = defaults.supportsSeed;
    this.legacy = !!defaults.legacy;
    this.env = opts.env ?? process.env;
    this.baseUrl = opts.baseUrl ?? (this.env[defaults.baseUrlEnv] || defaults.baseUrl);
    this.maxConcurrency = opts.maxConcurrency ?? defaults.maxConcurrency;
    this.poll = { ...defaults.poll, ...opts.poll };
    this.uploader = opts.uploader === null ? undefined : (opts.uploader ?? uploaderFromEnv(this.env));
    this.createGate = opts.minCreateIntervalMs ? new RateGate(opts.minCreateIntervalMs) : undefined;
  }

  snapDuration(seconds: number, model?: string): number {
    const m = splitModelMode(model ?? this.defaultModel).model;
    const d = this.defaults.durations[m] ?? this.defaults.durations.default;
    return snap(d, seconds);
  }

  /** The model and mode a request runs with (model-mode.ts); a bad mode is a 'config' error. */
  resolveModel(model?: string, mode?: string): { model: string; mode?: string } {
    try {
      return resolveModelMode(this, model, mode);
    } catch (err) {
      throw new ProviderError(this.id, 'config', (err as Error).message);
    }
  }

  /** Secrets to scrub from every message. */
  protected abstract secrets(): (string | undefined)[];
  /** Throws a 'config' error when keys are missing. */
  protected abstract checkKeys(): void;
  protected abstract spec(req: ResolvedRequest, image: string, onRetry?: (message: string) => void): TaskSpec;

  protected http(extra: Partial<ConstructorParameters<typeof HttpClient>[0]> & { headers: () => Record<string, string> }): HttpClient {
    return new HttpClient({
      provider: this.id,
      baseUrl: this.baseUrl,
      secrets: this.secrets(),
      retry: this.opts.retry,
      requestTimeoutMs: this.opts.requestTimeoutMs,
      ...extra,
    });
  }

  async generate(req: ClipRequest, ctx: GenerateContext): Promise<GenerateResult> {
    this.checkKeys();
    const { model, mode } = this.resolveModel(req.model, req.mode);
    const durationSec = this.snapDuration(req.durationSec, model);
    const started = Date.now();
    const prompt = fitPrompt(req.prompt, this.constraints.promptMaxChars);
    if (prompt.length < req.prompt.length)
      ctx.onProgress?.({ provider: this.id, phase: 'upload', message: `prompt cut from ${req.prompt.length} to ${prompt.length} characters (${this.label} takes at most ${this.constraints.promptMaxChars})` });
    ctx.onProgress?.({ provider: this.id, phase: 'upload' });
    const image = await imageForProvider(this.id, req, this.constraints.image, this.uploader, ctx.signal).catch((err: unknown) => {
      if (ctx.signal?.aborted) throw new ProviderError(this.id, 'aborted', 'cancelled');
      throw err;
    });
    if (image.changes.length) ctx.onProgress?.({ provider: this.id, phase: 'upload', message: `image adapted for ${this.label}: ${image.changes.join('; ')}` });
    const spec = this.spec({ ...req, prompt, model, mode, durationSec }, image.value, (message) => ctx.onProgress?.({ provider: this.id, phase: 'retry', message }));
    if (this.createGate) {
      const create = spec.create.bind(spec);
      spec.create = async (signal) => {
        await this.createGate!.wait(signal);
        return create(signal);
      };
    }
    const r = await runTask(spec, ctx, {
      poll: this.poll,
      totalTimeoutMs: this.opts.totalTimeoutMs ?? 15 * 60_000,
      downloadTimeoutMs: this.opts.downloadTimeoutMs ?? 5 * 60_000,
      retry: this.opts.retry,
    });
    return { file: ctx.outFile, taskId: r.taskId, model, ...(mode ? { mode } : {}), durationSec, secondsWaited: (Date.now() - started) / 1000 };
  }
}

/** Cancels with its own short timeout (the run's signal is already aborted then). */
export function cancelSignal(): AbortSignal {
  return AbortSignal.timeout(10_000);
}
