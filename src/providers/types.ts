/** The one interface every image-to-video provider implements (tier 3 clips). */

export type AspectRatio = '16:9' | '9:16' | '1:1';
export type ProviderId = 'luma' | 'runway' | 'kling' | 'haiper';
export const PROVIDER_IDS: readonly ProviderId[] = ['luma', 'runway', 'kling', 'haiper'];
export const DEFAULT_PROVIDER: ProviderId = 'luma';

/** What a tier-3 section asks a provider for. `image` is a local path or an http(s) URL. */
export interface ClipRequest {
  image: string;
  prompt: string;
  /** Wanted length in seconds; snapped to a duration the provider supports. */
  durationSec: number;
  aspect: AspectRatio;
  seed?: number;
  /** Provider model; the provider's default when absent. */
  model?: string;
}

/** Polling schedule: first wait, growth factor, cap (all configurable so tests run fast). */
export interface PollSchedule {
  initialMs: number;
  maxMs: number;
  factor: number;
}

/** Bounded retry policy for one HTTP call. */
export interface RetryPolicy {
  /** Attempts for 5xx / network errors / malformed answers (1 = no retry). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts for 429 / throttled / quota answers. */
  rateLimitAttempts: number;
  rateLimitBaseDelayMs: number;
}

export interface ProgressEvent {
  provider: ProviderId;
  phase: 'upload' | 'create' | 'poll' | 'download' | 'verify' | 'retry' | 'cancel';
  taskId?: string;
  state?: string;
  progress?: number;
  message?: string;
}

export interface GenerateContext {
  /** Where the finished MP4 must be written (the caller renames it into place). */
  outFile: string;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
}

export interface GenerateResult {
  file: string;
  taskId: string;
  model: string;
  durationSec: number;
  /** Seconds from create to finished download. */
  secondsWaited: number;
}

export interface ClipProvider {
  readonly id: ProviderId;
  readonly label: string;
  readonly defaultModel: string;
  /** Documented concurrent-task limit (or a safe default). */
  readonly maxConcurrency: number;
  readonly supportsSeed: boolean;
  readonly legacy: boolean;
  /** The duration (s) actually generated for a wanted duration. */
  snapDuration(seconds: number, model?: string): number;
  generate(req: ClipRequest, ctx: GenerateContext): Promise<GenerateResult>;
}
