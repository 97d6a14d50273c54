/**
 * JSON over HTTP for provider APIs: bounded retries (429 -> back off, honouring Retry-After;
 * 5xx / network -> exponential backoff with full jitter), final answers that no retry can fix
 * (quota, billing: `finalError`), abort support, secret redaction, and the provider's own
 * field-level error detail in every message (errorDetail).
 *
 * Reusable outside the clip providers (hosted depth, Lambda): `sleep`, `errorDetail`, `downloadFile`
 * and `HttpClient` keep their signatures.
 */
import { createWriteStream } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ProviderError, looksLikeModeration, redact } from './errors';
import type { ApiId, RetryPolicy } from './types';

const DEFAULT_RETRY: RetryPolicy = {
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

function backoffDelay(attempt: number, base: number, max: number, jitter = true): number {
  const exp = Math.min(max, base * 2 ** attempt);
  return jitter ? exp / 2 + Math.random() * (exp / 2) : exp;
}

/** A Retry-After header (seconds or an HTTP date) in ms, or null when absent / unreadable. */
function retryAfterMs(h: string | null): number | null {
  if (!h) return null;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const d = Date.parse(h);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : null;
}

export interface HttpClientOptions {
  provider: ApiId;
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
  /** The wait a rate-limit body asks for when there is no Retry-After header (Replicate: "resets in ~30s"). */
  rateLimitWaitMs?: (body: unknown) => number | undefined;
  /**
   * Recognises an answer no retry can fix (quota, billing, account): returns what to report, and the
   * call fails at once with kind 'quota'. Checked before the rate-limit retry.
   */
  finalError?: (status: number, body: unknown, req: JsonRequest) => string | undefined;
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
    const m = this.opts.errorMessage?.(body) ?? errorDetail(body);
    return (m ?? text).slice(0, 600).trim();
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
      const final = res.status >= 400 ? this.opts.finalError?.(res.status, body, req) : undefined;
      if (final) throw this.fail('quota', `HTTP ${res.status} on ${req.method} ${req.path}: ${final}`, res.status);
      const rateLimited = res.status === 429 || (this.opts.isRateLimited?.(res.status, body) ?? false);
      if (rateLimited) {
        rateAttempt++;
        const msg = `rate limited (HTTP ${res.status}): ${this.describe(body, text)}`;
        if (rateAttempt >= this.retry.rateLimitAttempts) throw this.fail('rate_limited', msg, res.status);
        this.opts.onRetry?.(redact(msg, this.opts.secrets));
        const wait = retryAfterMs(res.headers.get('retry-after')) ?? this.opts.rateLimitWaitMs?.(body) ?? backoffDelay(rateAttempt - 1, this.retry.rateLimitBaseDelayMs, this.retry.maxDelayMs * 3);
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

/**
 * The provider's own words for an error body, field-level detail included:
 * Runway `{error, issues: [{path, message}]}` (zod issues), FastAPI-style `{detail: [{loc, msg}]}`
 * (Luma), OpenAI-style `{error: {message, param}}`, and plain `{detail|message|error|failure|msg}`.
 */
export function errorDetail(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const issues = Array.isArray(b.issues) ? b.issues : Array.isArray(b.detail) ? b.detail : Array.isArray(b.errors) ? b.errors : undefined;
  const head = typeof b.error === 'string' ? b.error : typeof b.message === 'string' ? b.message : typeof b.detail === 'string' ? b.detail : undefined;
  if (issues?.length) {
    const parts = issues.map((i) => {
      if (!i || typeof i !== 'object') return String(i);
      const o = i as Record<string, unknown>;
      const where = Array.isArray(o.path) ? o.path.join('.') : Array.isArray(o.loc) ? o.loc.join('.') : typeof o.field === 'string' ? o.field : '';
      const what = typeof o.message === 'string' ? o.message : typeof o.msg === 'string' ? o.msg : JSON.stringify(o);
      return where ? `${where}: ${what}` : what;
    });
    return `${head ? `${head}: ` : ''}${parts.join('; ')}`;
  }
  if (b.error && typeof b.error === 'object') {
    const e = b.error as Record<string, unknown>;
    if (typeof e.message === 'string') return `${e.message}${typeof e.param === 'string' && e.param ? ` (${e.param})` : ''}`;
  }
  if (head) return head;
  for (const k of ['failure', 'msg', 'error', 'detail', 'message']) {
    const v = b[k];
    if (v && typeof v === 'object') return JSON.stringify(v);
  }
  return undefined;
}

function joinUrl(base: string, p: string): string {
  return `${base.replace(/\/+$/, '')}/${p.replace(/^\/+/, '')}`;
}

/**
 * Streams a URL to a file with retries on 5xx / network errors. The whole download is bounded by
 * `timeoutMs` (a stalled or very slow server fails instead of hanging).
 */
export async function downloadFile(
  provider: ApiId,
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
      if (!res.ok || !res.body) throw new ProviderError(provider, 'failed', `cannot download ${where}: HTTP ${res.status}`, res.status);
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
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
