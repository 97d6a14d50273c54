/** The one interface every image-to-video provider implements (tier 3 clips). */
import type { FormatId } from '../plan/formats';

/** A clip is generated in the aspect of one of the output formats. */
export type AspectRatio = FormatId;
export const PROVIDER_IDS = ['luma', 'runway', 'kling', 'haiper'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
export const DEFAULT_PROVIDER: ProviderId = 'luma';
/** Every API called through HttpClient: the clip providers, and Replicate (hosted depth). */
export type ApiId = ProviderId | 'replicate';

/** What a tier-3 section asks a provider for. `image` is a local path or an http(s) URL. */
export interface ClipRequest {
  image: string;
  /** The http(s) URL `image` (a local copy) was fetched from: sent as it is when the image fits the provider. */
  imageUrl?: string;
  /** The subject in 0..1 of the image (the plan's `focus`): kept when the image must be cropped. */
  focus?: { x: number; y: number };
  /** Fitted to the provider's documented limit before sending (camera direction first, cut at a word). */
  prompt: string;
  /** Wanted length in seconds; snapped to a duration the provider supports. */
  durationSec: number;
  aspect: AspectRatio;
  seed?: number;
  /** Provider model; the provider's default when absent. */
  model?: string;
  /** Generation mode where the provider has them (Kling: std / pro); the provider's default when absent. */
  mode?: string;
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
  mode?: string;
  durationSec: number;
  /** Seconds from create to finished download. */
  secondsWaited: number;
}

export interface ClipProvider {
  readonly id: ProviderId;
  readonly label: string;
  readonly defaultModel: string;
  /** Generation modes (Kling: std, pro), the first being the default; absent or empty when it has none. */
  readonly modes?: readonly string[];
  /** Documented concurrent-task limit (or a safe default). */
  readonly maxConcurrency: number;
  readonly supportsSeed: boolean;
  readonly legacy: boolean;
  /** The duration (s) actually generated for a wanted duration. */
  snapDuration(seconds: number, model?: string): number;
  generate(req: ClipRequest, ctx: GenerateContext): Promise<GenerateResult>;
}
