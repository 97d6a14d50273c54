/**
 * Kling, model kling-v2-1, modes std (default) and pro. Auth: HS256 JWT from access + secret key,
 * sent as Bearer. Kling API reference, image2video:
 * POST /v1/videos/image2video {model_name, image, prompt, mode: std|pro, duration: "5"|"10",
 * cfg_scale (kling-v1* only: "not supported for V2.x")} -> {code: 0, data: {task_id}};
 * GET /v1/videos/image2video/{id} -> data.task_status submitted|processing|succeed|failed,
 * task_status_msg, task_result.videos[0].url.
 * Errors {code, message}: 1100-1102 account / arrears / resource pack (final, not retried),
 * 1302/1303 rate / parallel-task limit (retried), 1301 content policy.
 * Image (constraints.ts): JPG/PNG, URL or raw base64 (no data: prefix). No cancel endpoint. Output
 * follows the image's aspect ratio (no aspect parameter).
 */
import { BaseProvider, type ProviderOptions, type ResolvedRequest } from './base';
import { ProviderError, looksLikeModeration } from './errors';
import { klingToken } from './jwt';
import type { TaskSpec, TaskState } from './task-runner';

interface KlingAnswer {
  code?: number;
  message?: string;
  data?: {
    task_id?: string;
    task_status?: string;
    task_status_msg?: string;
    task_result?: { videos?: { url?: string }[] };
  };
}

const RATE_CODES = new Set([1302, 1303]);
/** Account exception, account in arrears, resource pack depleted or expired: no retry helps. */
const QUOTA_CODES: Record<number, string> = { 1100: 'account problem', 1101: 'account in arrears', 1102: 'resource pack used up or expired' };

/** Only the v1 models take cfg_scale; the reference says v2.x do not support it. */
function klingTakesCfgScale(model: string): boolean {
  return /^kling-v1(-|$)/.test(model);
}

export class KlingProvider extends BaseProvider {
  private readonly accessKey: string | undefined;
  private readonly secretKey: string | undefined;
  private token: { value: string; until: number } | undefined;

  constructor(opts: ProviderOptions = {}) {
    super(
      {
        id: 'kling',
        label: 'Kling',
        baseUrl: 'https://api-singapore.klingai.com',
        baseUrlEnv: 'KLING_BASE_URL',
        defaultModel: 'kling-v2-1',
        modes: ['std', 'pro'],
        // Trial resource packs allow 5 parallel tasks.
        maxConcurrency: 5,
        poll: { initialMs: 10_000, maxMs: 20_000, factor: 1.5 },
        supportsSeed: false,
        durations: { default: [5, 10] },
      },
      opts,
    );
    this.accessKey = opts.accessKey ?? this.env.KLING_ACCESS_KEY;
    this.secretKey = opts.secretKey ?? this.env.KLING_SECRET_KEY;
  }

  protected secrets() {
    return [this.accessKey, this.secretKey];
  }

  protected checkKeys(): void {
    const missing = [!this.accessKey && 'KLING_ACCESS_KEY', !this.secretKey && 'KLING_SECRET_KEY'].filter(Boolean);
    if (missing.length) throw new ProviderError('kling', 'config', `no ${missing.join(' / ')}`);
  }

  private bearer(): string {
    const now = Math.floor(Date.now() / 1000);
    if (!this.token || now > this.token.until) this.token = { value: klingToken(this.accessKey!, this.secretKey!, now), until: now + 1500 };
    return this.token.value;
  }

  protected spec(req: ResolvedRequest, image: string, onRetry?: (message: string) => void): TaskSpec {
    const http = this.http({
      onRetry,
      headers: () => ({ Authorization: `Bearer ${this.bearer()}` }),
      errorMessage: (b) => {
        const a = b as KlingAnswer | undefined;
        return a && typeof a === 'object' && (a.code !== undefined || a.message) ? `code ${a.code}: ${a.message ?? ''}${a.code === 1301 ? ' (content policy)' : ''}` : undefined;
      },
      isRateLimited: (_status, b) => RATE_CODES.has((b as KlingAnswer | undefined)?.code ?? -1),
      finalError: (_status, b) => {
        const a = b as KlingAnswer | undefined;
        const what = QUOTA_CODES[a?.code ?? -1];
        return what ? `code ${a!.code} (${what}): ${a!.message ?? ''}`.trim() : undefined;
      },
    });
    const check = (a: KlingAnswer | undefined, what: string): NonNullable<KlingAnswer['data']> => {
      if (!a || typeof a !== 'object') throw new ProviderError('kling', 'bad_response', `${what}: empty answer`);
      if (a.code !== 0) {
        const msg = `${what}: code ${a.code}: ${a.message ?? ''}`;
        if (QUOTA_CODES[a.code ?? -1]) throw new ProviderError('kling', 'quota', msg);
        throw new ProviderError('kling', a.code === 1301 || looksLikeModeration(a.message) ? 'moderation' : 'rejected', msg);
      }
      if (!a.data) throw new ProviderError('kling', 'bad_response', `${what}: answer has no data`);
      return a.data;
    };
    return {
      provider: 'kling',
      secrets: this.secrets(),
      create: async (signal) => {
        const a = await http.json<KlingAnswer>({
          method: 'POST',
          path: '/v1/videos/image2video',
          signal,
          idempotent: false,
          finishInFlight: true,
          body: {
            model_name: req.model,
            image,
            prompt: req.prompt,
            mode: req.mode,
            duration: String(req.durationSec),
            ...(klingTakesCfgScale(req.model) ? { cfg_scale: 0.5 } : {}),
          },
        });
        const d = check(a, 'create');
        if (typeof d.task_id !== 'string') throw new ProviderError('kling', 'bad_response', 'create answer has no task_id');
        return d.task_id;
      },
      poll: async (id, signal): Promise<TaskState> => {
        const d = check(await http.json<KlingAnswer>({ method: 'GET', path: `/v1/videos/image2video/${encodeURIComponent(id)}`, signal }), 'query');
        switch (d.task_status) {
          case 'succeed': {
            const url = d.task_result?.videos?.[0]?.url;
            if (!url) throw new ProviderError('kling', 'bad_response', `task ${id} succeeded without a video URL`);
            return { state: 'succeeded', label: 'succeed', videoUrl: url };
          }
          case 'failed': {
            const msg = d.task_status_msg || 'generation failed';
            return { state: 'failed', label: 'failed', reason: `generation failed: ${msg}`, moderation: looksLikeModeration(msg) };
          }
          case 'submitted':
            return { state: 'pending', label: 'submitted' };
          case 'processing':
            return { state: 'running', label: 'processing' };
          default:
            throw new ProviderError('kling', 'bad_response', `unexpected task_status ${JSON.stringify(d.task_status)}`);
        }
      },
    };
  }
}
