/**
 * Haiper (LEGACY: Haiper closed its own API platform in 2025; this speaks its last documented API
 * for self-hosted or resold endpoints that still use it; point HAIPER_BASE_URL at one).
 * POST /v1/jobs/gen2/image2video {prompt, config: {source_image}, settings: {duration, seed, resolution},
 * is_public, is_enable_prompt_enhancer} -> {status, value: {generation_id}}; GET /v1/jobs/{id}/status
 * -> value.status pending|processing|post_processing|succeed|failed; GET /v1/creation/{id} ->
 * value.video_url. Haiper's own ComfyUI client (py/haiper_api_node.py) sends source_image as a
 * `data:image/png;base64,` URI, so no bucket is needed. `is_public` defaults to true on Haiper (every
 * generation published) and the prompt enhancer rewrites prompts: Stillmotion sends
 * is_public: false and the enhancer off unless asked (option promptEnhancer / HAIPER_PROMPT_ENHANCER=1).
 */
import { BaseProvider, type ProviderOptions, type ResolvedRequest } from './base';
import { ProviderError, looksLikeModeration } from './errors';
import type { TaskSpec, TaskState } from './task-runner';

interface HaiperAnswer {
  status?: string;
  message?: string;
  value?: { generation_id?: string; status?: string; video_url?: string; failed_reason?: string; message?: string } | null;
}

export class HaiperProvider extends BaseProvider {
  private readonly apiKey: string | undefined;

  constructor(opts: ProviderOptions = {}) {
    super(
      {
        id: 'haiper',
        label: 'Haiper (legacy)',
        baseUrl: 'https://api.haiper.ai',
        baseUrlEnv: 'HAIPER_BASE_URL',
        defaultModel: 'gen2',
        maxConcurrency: 2,
        poll: { initialMs: 5000, maxMs: 15_000, factor: 1.5 },
        supportsSeed: true,
        legacy: true,
        durations: { default: [4, 6] },
      },
      opts,
    );
    this.apiKey = opts.apiKey ?? this.env.HAIPER_API_KEY;
    this.promptEnhancer = opts.promptEnhancer ?? /^(1|true|yes|on)$/i.test(this.env.HAIPER_PROMPT_ENHANCER ?? '');
  }

  private readonly promptEnhancer: boolean;

  protected secrets() {
    return [this.apiKey];
  }

  protected checkKeys(): void {
    if (!this.apiKey) throw new ProviderError('haiper', 'config', 'no HAIPER_API_KEY');
  }

  protected spec(req: ResolvedRequest, image: string, onRetry?: (message: string) => void): TaskSpec {
    const http = this.http({ onRetry, headers: () => ({ Authorization: `Bearer ${this.apiKey}` }) });
    return {
      provider: 'haiper',
      secrets: this.secrets(),
      create: async (signal) => {
        const a = await http.json<HaiperAnswer>({
          method: 'POST',
          path: `/v1/jobs/${encodeURIComponent(req.model)}/image2video`,
          signal,
          idempotent: false,
          finishInFlight: true,
          body: {
            prompt: req.prompt,
            config: { source_image: image },
            settings: { duration: req.durationSec, resolution: 720, ...(req.seed !== undefined ? { seed: req.seed } : {}) },
            is_public: false,
            is_enable_prompt_enhancer: this.promptEnhancer,
          },
        });
        const id = a?.value?.generation_id;
        if (typeof id !== 'string') throw new ProviderError('haiper', 'bad_response', `create answer has no generation_id${a?.message ? `: ${a.message}` : ''}`);
        return id;
      },
      poll: async (id, signal): Promise<TaskState> => {
        const a = await http.json<HaiperAnswer>({ method: 'GET', path: `/v1/jobs/${encodeURIComponent(id)}/status`, signal });
        const st = a?.value?.status;
        switch (st) {
          case 'succeed': {
            const c = await http.json<HaiperAnswer>({ method: 'GET', path: `/v1/creation/${encodeURIComponent(id)}`, signal });
            const url = c?.value?.video_url;
            if (!url) throw new ProviderError('haiper', 'bad_response', `generation ${id} has no video_url`);
            return { state: 'succeeded', label: st, videoUrl: url };
          }
          case 'failed': {
            const msg = a?.value?.failed_reason || a?.value?.message || a?.message || 'generation failed';
            return { state: 'failed', label: st, reason: `generation failed: ${msg}`, moderation: looksLikeModeration(msg) };
          }
          case 'pending':
            return { state: 'pending', label: st };
          case 'processing':
          case 'post_processing':
            return { state: 'running', label: st };
          default:
            throw new ProviderError('haiper', 'bad_response', `unexpected job status ${JSON.stringify(st)}`);
        }
      },
    };
  }
}
