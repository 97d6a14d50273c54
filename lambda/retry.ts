/**
 * Retries of transient AWS failures around Remotion Lambda calls. @remotion/lambda builds its
 * Lambda client with maxAttempts 1 (no SDK retries), so throttling (429 TooManyRequests, "Rate
 * Exceeded"), Lambda service errors (5xx) and dropped connections reach the caller; they are
 * retried here with exponential backoff and jitter. Anything else fails at once.
 */
import { sleep } from '../src/providers/http';

export interface RetryPolicy {
  /** Tries in all (default 5). */
  attempts: number;
  /** First backoff (doubles each time, plus up to the same again of jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 15_000 };

const TRANSIENT_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ServiceException',
  'ServiceUnavailableException',
  'EC2ThrottledException',
  'ResourceConflictException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'InternalFailure',
  'InternalError',
  'SlowDown',
]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

export function isTransientAwsError(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; cause?: unknown };
  if (!e || typeof e !== 'object') return false;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  if (e.$retryable) return true;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  const msg = `${e.message ?? ''} ${e.name ?? ''}`;
  if (/Rate Exceeded|TooManyRequests|Concurrency limit reached|socket hang up|ECONNRESET|ETIMEDOUT|EAI_AGAIN|Service Unavailable/i.test(msg)) return true;
  return e.cause ? isTransientAwsError(e.cause) : false;
}

export interface RetryOptions extends Partial<RetryPolicy> {
  signal?: AbortSignal;
  /** Called before each wait with the attempt that failed (1-based) and its error. */
  onRetry?: (attempt: number, err: unknown, delayMs: number) => void;
}

export async function withRetries<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const policy: RetryPolicy = {
    attempts: opts.attempts ?? DEFAULT_RETRY.attempts,
    baseDelayMs: opts.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: opts.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  };
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      return await fn();
    } catch (err) {
      if (attempt >= policy.attempts || !isTransientAwsError(err) || opts.signal?.aborted) throw err;
      const base = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.round(base + Math.random() * base);
      opts.onRetry?.(attempt, err, delay);
      await sleep(delay, opts.signal);
    }
  }
}
