/** Provider failures, classified so callers know whether a retry can help. Messages never hold secrets. */
import { StillmotionError } from '../errors';
import type { ApiId } from './types';

export type ProviderErrorKind =
  | 'rate_limited' // 429 / throttled, retries exhausted
  | 'quota' // account, billing or daily quota problem: final, not retried (Kling 1100-1102, Runway's daily 429)
  | 'server' // 5xx, retries exhausted
  | 'network' // connection failures, retries exhausted
  | 'bad_response' // malformed JSON / missing fields
  | 'rejected' // 4xx: bad request, auth
  | 'moderation' // content refused by the provider
  | 'failed' // generation failed remotely
  | 'not_playable' // downloaded file is not a video
  | 'timeout' // total timeout reached
  | 'aborted' // cancelled by the caller (Ctrl-C)
  | 'config'; // missing key, image cannot reach the provider

export class ProviderError extends StillmotionError {
  readonly provider: ApiId;
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  /** Short reason suitable for a fallback message. */
  readonly reason: string;
  /**
   * false when the provider itself reported the generation as failed / refused (not billed);
   * undefined otherwise (a created task that was abandoned may be billed).
   */
  billed?: false;

  constructor(provider: ApiId, kind: ProviderErrorKind, reason: string, status?: number) {
    super(`${provider}: ${reason}`);
    this.name = 'ProviderError';
    this.provider = provider;
    this.kind = kind;
    this.reason = reason;
    this.status = status;
  }
}

/** Replaces every secret (and its base64 forms) in a text with "***". */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of [s, Buffer.from(s).toString('base64'), encodeURIComponent(s)]) out = out.split(form).join('***');
  }
  // Bearer tokens and JWTs, whatever they are.
  out = out.replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/g, 'Bearer ***');
  out = out.replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, '***');
  return out;
}

const MODERATION_RE = /moderat|safety|content polic|nsfw|inappropriate|not allowed|prohibited|sensitive/i;

export function looksLikeModeration(text: string | undefined | null): boolean {
  return !!text && MODERATION_RE.test(text);
}
