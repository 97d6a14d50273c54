/**
 * Luma Dream Machine (default provider), model ray-2.
 * POST /generations -> {id, state}; GET /generations/{id} -> {state: queued|dreaming|completed|failed,
 * failure_reason, assets.video}; DELETE /generations/{id} on cancel. Images must be URLs.
 * Limits: 10 concurrent generations, 20 creates/min (-> creates spaced 3 s apart).
 */
import { BaseProvider, cancelSignal, type ProviderOptions } from './base';
import { ProviderError, looksLikeModeration } from './errors';
import type { TaskSpec, TaskState } from './task-runner';
import type { ClipRequest } from './types';

interface LumaGeneration {
  id?: string;
  state?: string;
  failure_reason?: string | null;
  assets?: { video?: string | null } | null;
}

export class LumaProvider extends BaseProvider {
  private readonly apiKey: string | undefined;

  constructor(opts: ProviderOptions = {}) {
    super(
      {
        id: 'luma',
        label: 'Luma Dream Machine',
        baseUrl: 'https://api.lumalabs.ai/dream-machine/v1',
        baseUrlEnv: 'LUMA_BASE_URL',
        defaultModel: 'ray-2',
        maxConcurrency: 10,
        poll: { initialMs: 5000, maxMs: 15_000, factor: 1.5 },
        supportsSeed: false,
        durations: { default: [5, 9] },
        image: { inline: 'url-only', maxInlineBytes: 0 },
      },
      { minCreateIntervalMs: 3000, ...opts },
    );
    this.apiKey = opts.apiKey ?? this.env.LUMA_API_KEY;
  }

  protected secrets() {
    return [this.apiKey];
  }

  protected checkKeys(): void {
    if (!this.apiKey) throw new ProviderError('luma', 'config', 'no LUMA_API_KEY');
  }

  protected spec(req: ClipRequest & { model: string; durationSec: number }, image: string, onRetry?: (message: string) => void): TaskSpec {
    const http = this.http({ onRetry, headers: () => ({ Authorization: `Bearer ${this.apiKey}` }) });
    const resolution = this.opts.resolution ?? '720p';
    return {
      provider: 'luma',
      secrets: this.secrets(),
      create: async (signal) => {
        const g = await http.json<LumaGeneration>({
          method: 'POST',
          path: '/generations',
          signal,
          idempotent: false,
          finishInFlight: true,
          body: {
            model: req.model,
            prompt: req.prompt,
            keyframes: { frame0: { type: 'image', url: image } },
            aspect_ratio: req.aspect,
            loop: false,
            duration: `${req.durationSec}s`,
            resolution,
          },
        });
        if (!g || typeof g.id !== 'string') throw new ProviderError('luma', 'bad_response', 'create answer has no generation id');
        return g.id;
      },
      poll: async (id, signal): Promise<TaskState> => {
        const g = await http.json<LumaGeneration>({ method: 'GET', path: `/generations/${encodeURIComponent(id)}`, signal });
        const state = g?.state;
        if (state === 'completed') {
          const url = g.assets?.video;
          if (!url) throw new ProviderError('luma', 'bad_response', `generation ${id} completed without a video URL`);
          return { state: 'succeeded', label: state, videoUrl: url };
        }
        if (state === 'failed') {
          const reason = g.failure_reason || 'generation failed';
          return { state: 'failed', label: state, reason: `generation failed: ${reason}`, moderation: looksLikeModeration(reason) };
        }
        if (state === 'queued' || state === 'dreaming') return { state: state === 'queued' ? 'pending' : 'running', label: state };
        throw new ProviderError('luma', 'bad_response', `unexpected generation state ${JSON.stringify(state)}`);
      },
      cancel: async (id) => {
        await http.json({ method: 'DELETE', path: `/generations/${encodeURIComponent(id)}`, signal: cancelSignal() });
      },
    };
  }
}
