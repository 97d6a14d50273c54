/**
 * Luma Dream Machine (default provider), model ray-2.
 * POST /generations/video (Luma's OpenAPI spec and SDKs since May 2025; lumaai-python
 * resources/generations/video.py) -> 201 {id, state}; a server that answers 404 there gets the
 * older POST /generations (lumaai-node < 1.x), and keeps getting it. GET /generations/{id} ->
 * {state: queued|dreaming|completed|failed, failure_reason, assets.video}; DELETE /generations/{id}
 * on cancel. Images must be URLs (keyframes.frame0 = {type: 'image', url}). Errors: {detail}.
 * Limits: 10 concurrent generations, 20 creates/min (-> creates spaced 3 s apart).
 */
import { BaseProvider, cancelSignal, type ProviderOptions, type ResolvedRequest } from './base';
import { ProviderError, looksLikeModeration } from './errors';
import type { TaskSpec, TaskState } from './task-runner';

interface LumaGeneration {
  id?: string;
  state?: string;
  failure_reason?: string | null;
  assets?: { video?: string | null } | null;
}

const LUMA_CREATE_PATH = '/generations/video';
const LUMA_LEGACY_CREATE_PATH = '/generations';

export class LumaProvider extends BaseProvider {
  private readonly apiKey: string | undefined;
  /** Set once the server answered 404 on the current create path: later creates go to the old one directly. */
  private createPath = LUMA_CREATE_PATH;

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

  protected spec(req: ResolvedRequest, image: string, onRetry?: (message: string) => void): TaskSpec {
    const http = this.http({ onRetry, headers: () => ({ Authorization: `Bearer ${this.apiKey}` }) });
    const resolution = this.opts.resolution ?? '720p';
    return {
      provider: 'luma',
      secrets: this.secrets(),
      create: async (signal) => {
        const body = {
          model: req.model,
          prompt: req.prompt,
          keyframes: { frame0: { type: 'image', url: image } },
          aspect_ratio: req.aspect,
          loop: false,
          duration: `${req.durationSec}s`,
          resolution,
        };
        const post = (path: string) => http.json<LumaGeneration>({ method: 'POST', path, signal, idempotent: false, finishInFlight: true, body });
        let g: LumaGeneration;
        try {
          g = await post(this.createPath);
        } catch (err) {
          // A 404 means no such route (nothing was created): an older server; use its path from now on.
          if (!(err instanceof ProviderError && err.status === 404 && this.createPath === LUMA_CREATE_PATH)) throw err;
          this.createPath = LUMA_LEGACY_CREATE_PATH;
          g = await post(this.createPath);
        }
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
