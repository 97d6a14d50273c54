/**
 * JSON over HTTP for provider APIs: bounded retries (429 -> back off, honouring Retry-After;
 * 5xx / network -> exponential backoff with full jitter), abort support, and secret redaction.
 */
import { createWriteStream } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ProviderError, looksLikeModeration, redact } from './errors';
import type { ProviderId, RetryPolicy } from './types';

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 20_000,
  rateLimitAttempts: 6,
  rateLimitBaseDelayMs: 5000,
};

/** Resolves after ms, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function backoffDelay(attempt: number, base: number, max: number, jitter = true): number {
  const exp = Math.min(max, base * 2 ** attempt);
  return jitter ? exp / 2 + Math.random() * (exp / 2) : exp;
}

function retryAfterMs(h: string | null): number | null {
  if (!h) return null;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const d = Date.parse(h);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : null;
}

export interface HttpClientOptions {
  provider: ProviderId;
  baseUrl: string;
  headers: () => Record<string, string>;
  secrets: readonly (string | undefined)[];
  retry?: Partial<RetryPolicy>;
  /** Per-request timeout (ms). */
  requestTimeoutMs?: number;
  /** Extracts a human message from an error body. */
  errorMessage?: (body: unknown) => string | undefined;
  /** Recognises a rate-limit answer sent with another status (e.g. Kling code 1303). */
  isRateLimited?: (status: number, body: unknown) => boolean;
  onRetry?: (message: string) => void;
}

export interface JsonRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  signal?: AbortSignal;
  /** A create call must not be repeated once the server may have accepted it (malformed 2xx answer). */
  idempotent?: boolean;
  /**
   * Let a request already on the wire finish even if `signal` aborts (bounded by the request
   * timeout), so a create is never orphaned: the caller learns the task id and can cancel it.
   */
  finishInFlight?: boolean;
}

export class HttpClient {
  readonly retry: RetryPolicy;
  constructor(readonly opts: HttpClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
  }

  private fail(kind: ConstructorParameters<typeof ProviderError>[1], reason: string, status?: number): ProviderError {
    return new ProviderError(this.opts.provider, kind, redact(reason, this.opts.secrets), status);
  }

  private describe(body: unknown, text: string): string {
    const m = this.opts.errorMessage?.(body) ?? (typeof body === 'object' && body ? defaultMessage(body) : undefined);
    return (m ?? text).slice(0, 300).trim();
  }

  async json<T>(req: JsonRequest): Promise<T> {
    const url = joinUrl(this.opts.baseUrl, req.path);
    let attempt = 0;
    let rateAttempt = 0;
    for (;;) {
      if (req.signal?.aborted) throw req.signal.reason;
      let res: Response;
      let text: string;
      const timeout = AbortSignal.timeout(this.opts.requestTimeoutMs ?? 60_000);
      const signal = req.signal && !req.finishInFlight ? AbortSignal.any([req.signal, timeout]) : timeout;
      try {
        res = await fetch(url, {
          method: req.method,
          headers: { Accept: 'application/json', ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...this.opts.headers() },
          body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
          signal,
        });
        text = await res.text();
      } catch (err) {
        if (req.signal?.aborted && !req.finishInFlight) throw req.signal.reason;
        attempt++;
        const msg = `network error on ${req.method} ${req.path}: ${(err as Error).cause ? String(((err as Error).cause as Error).message ?? (err as Error).cause) : (err as Error).message}`;
        if (attempt >= this.retry.maxAttempts) throw this.fail('network', msg);
        this.opts.onRetry?.(redact(msg, this.opts.secrets));
        await sleep(backoffDelay(attempt - 1, this.retry.baseDelayMs, this.retry.maxDelayMs), req.signal);
        continue;
      }
      let body: unknown = undefined;
      let parsed = true;
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          parsed = false;
        }
      }
      const rateLimited = res.status === 429 || (this.opts.isRateLimited?.(res.status, body) ?? false);
      if (rateLimited) {
        rateAttempt++;
        const msg = `rate limited (HTTP ${res.status}): ${this.describe(body, text)}`;
        if (rateAttempt >= this.retry.rateLimitAttempts) throw this.fail('rate_limited', msg, res.status);
        this.opts.onRetry?.(redact(msg, this.opts.secrets));
        const wait = retryAfterMs(res.headers.get('retry-after')) ?? backoffDelay(rateAttempt - 1, this.retry.rateLimitBaseDelayMs, this.retry.maxDelayMs * 3);
        await sleep(Math.min(wait, this.retry.maxDelayMs * 3), req.signal);
        continue;
      }
      if (res.status >= 500) {
        attempt++;
        const msg = `server error (HTTP ${res.status}) on ${req.method} ${req.path}: ${this.describe(body, text)}`;
        if (attempt >= this.retry.maxAttempts) throw this.fail('server', msg, res.status);
        this.opts.onRetry?.(redact(msg, this.opts.secrets));
        await sleep(backoffDelay(attempt - 1, this.retry.baseDelayMs, this.retry.maxDelayMs), req.signal);
        continue;
      }
      if (res.status >= 400) {
        const detail = this.describe(body, text);
        const kind = looksLikeModeration(detail) ? 'moderation' : 'rejected';
        const auth = res.status === 401 || res.status === 403 ? ' (check the API key)' : '';
        throw this.fail(kind, `HTTP ${res.status} on ${req.method} ${req.path}${auth}: ${detail}`, res.status);
      }
      if (!parsed) {
        const msg = `malformed JSON from ${req.method} ${req.path}: ${text.slice(0, 80)}`;
        attempt++;
        if (req.idempotent === false || attempt >= this.retry.maxAttempts) throw this.fail('bad_response', msg, res.status);
        this.opts.onRetry?.(redact(msg, this.opts.secrets));
        await sleep(backoffDelay(attempt - 1, this.retry.baseDelayMs, this.retry.maxDelayMs), req.signal);
        continue;
      }
      return body as T;
    }
  }
}

function defaultMessage(body: object): string | undefined {
  const b = body as Record<string, unknown>;
  for (const k of ['detail', 'message', 'error', 'failure', 'msg']) {
    const v = b[k];
    if (typeof v === 'string' && v) return v;
    if (v && typeof v === 'object') return JSON.stringify(v);
  }
  return undefined;
}

export function joinUrl(base: string, p: string): string {
  return `${base.replace(/\/+$/, '')}/${p.replace(/^\/+/, '')}`;
}

/**
 * Streams a URL to a file with retries on 5xx / network errors. The whole download is bounded by
 * `timeoutMs` (a stalled or very slow server fails instead of hanging).
 */
export async function downloadFile(
  provider: ProviderId,
  url: string,
  file: string,
  opts: { signal?: AbortSignal; timeoutMs?: number; retry?: Partial<RetryPolicy>; secrets?: readonly (string | undefined)[] } = {},
): Promise<number> {
  const retry = { ...DEFAULT_RETRY, ...opts.retry };
  const secrets = opts.secrets ?? [];
  const where = safeUrl(url);
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? 300_000);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    try {
      const res = await fetch(url, { signal });
      if (res.status === 429 || res.status >= 500) throw new RetryableStatus(res.status);
      if (!res.ok || !res.body) throw new ProviderError(provider, 'failed', `cannot download the clip from ${where}: HTTP ${res.status}`, res.status);
      let bytes = 0;
      const counter = new TransformCounter((n) => (bytes += n));
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), counter, createWriteStream(file), { signal });
      return bytes;
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (err instanceof ProviderError) throw err;
      const timedOut = timeout.aborted;
      const reason = timedOut
        ? `download from ${where} timed out after ${Math.round((opts.timeoutMs ?? 300_000) / 1000)} s`
        : err instanceof RetryableStatus
          ? `download from ${where} failed: HTTP ${err.status}`
          : `download from ${where} failed: ${(err as Error).message}`;
      if (attempt >= retry.maxAttempts) throw new ProviderError(provider, timedOut ? 'timeout' : 'network', redact(reason, secrets));
      await sleep(backoffDelay(attempt - 1, retry.baseDelayMs, retry.maxDelayMs), opts.signal);
    }
  }
}

class RetryableStatus extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

class TransformCounter extends Transform {
  constructor(private readonly onBytes: (n: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.onBytes(chunk.length);
    cb(null, chunk);
  }
}

/** A URL without its query string (presigned URLs carry signatures there). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
