/**
 * Runway, model gen4_turbo, API version 2024-11-06 (runwayml/sdk-node, docs.dev.runwayml.com).
 * POST /v1/image_to_video {model, promptImage, promptText (<= 1000 UTF-16 units), ratio, duration,
 * seed} -> {id}; GET /v1/tasks/{id} -> {status: PENDING|THROTTLED|RUNNING|SUCCEEDED|FAILED|CANCELLED,
 * progress, failure, failureCode, output: [url]}; DELETE /v1/tasks/{id} cancels. Poll no faster
 * than every 5 s. gen4_turbo makes any whole duration from 2 to 10 s (billed per second).
 * A 429 on create is the daily generation quota (usage tiers): final until the 24 h window moves;
 * over the concurrency limit tasks wait as THROTTLED instead. 400s carry {error, issues: [{path, message}]}.
 * promptImage: an HTTPS URL or a data URI under 5 MB (constraints.ts).
 */
import { BaseProvider, cancelSignal, type ProviderOptions, type ResolvedRequest } from './base';
import { ProviderError, looksLikeModeration } from './errors';
import { errorDetail } from './http';
import type { TaskSpec, TaskState } from './task-runner';
import type { AspectRatio } from './types';

const RUNWAY_API_VERSION = '2024-11-06';

const RATIOS: Record<AspectRatio, string> = { '16:9': '1280:720', '9:16': '720:1280', '1:1': '960:960' };

interface RunwayTask {
  id?: string;
  status?: string;
  progress?: number;
  failure?: string;
  failureCode?: string;
  output?: string[];
}

export class RunwayProvider extends BaseProvider {
  private readonly apiKey: string | undefined;

  constructor(opts: ProviderOptions = {}) {
    super(
      {
        id: 'runway',
        label: 'Runway',
        baseUrl: 'https://api.dev.runwayml.com',
        baseUrlEnv: 'RUNWAY_BASE_URL',
        defaultModel: 'gen4_turbo',
        // Tasks over the account's concurrency wait as THROTTLED; 2 keeps low tiers from queueing.
        maxConcurrency: 2,
        poll: { initialMs: 5000, maxMs: 15_000, factor: 1.5 },
        supportsSeed: true,
        durations: { default: [5, 10], gen4_turbo: [2, 3, 4, 5, 6, 7, 8, 9, 10] },
      },
      opts,
    );
    this.apiKey = opts.apiKey ?? this.env.RUNWAYML_API_SECRET;
  }

  protected secrets() {
    return [this.apiKey];
  }

  protected checkKeys(): void {
    if (!this.apiKey) throw new ProviderError('runway', 'config', 'no RUNWAYML_API_SECRET');
  }

  protected spec(req: ResolvedRequest, image: string, onRetry?: (message: string) => void): TaskSpec {
    const http = this.http({
      onRetry,
      headers: () => ({ Authorization: `Bearer ${this.apiKey}`, 'X-Runway-Version': RUNWAY_API_VERSION }),
      // Runway queues work over the concurrency limit (THROTTLED); a 429 on create is the daily quota.
      finalError: (status, body, r) =>
        status === 429 && r.method === 'POST' ? `daily generation quota reached (${errorDetail(body) ?? 'Too Many Requests'}); try again when the 24-hour window allows` : undefined,
    });
    return {
      provider: 'runway',
      secrets: this.secrets(),
      create: async (signal) => {
        const t = await http.json<RunwayTask>({
          method: 'POST',
          path: '/v1/image_to_video',
          signal,
          idempotent: false,
          finishInFlight: true,
          body: {
            model: req.model,
            promptImage: image,
            promptText: req.prompt,
            ratio: RATIOS[req.aspect],
            duration: req.durationSec,
            ...(req.seed !== undefined ? { seed: req.seed >>> 0 } : {}),
          },
        });
        if (!t || typeof t.id !== 'string') throw new ProviderError('runway', 'bad_response', 'create answer has no task id');
        return t.id;
      },
      poll: async (id, signal): Promise<TaskState> => {
        const t = await http.json<RunwayTask>({ method: 'GET', path: `/v1/tasks/${encodeURIComponent(id)}`, signal });
        switch (t?.status) {
          case 'SUCCEEDED': {
            const url = t.output?.[0];
            if (!url) throw new ProviderError('runway', 'bad_response', `task ${id} succeeded without output`);
            return { state: 'succeeded', label: t.status, videoUrl: url };
          }
          case 'FAILED':
          case 'CANCELLED': {
            const reason = [t.failure, t.failureCode && `(${t.failureCode})`].filter(Boolean).join(' ') || t.status.toLowerCase();
            const moderation = (t.failureCode ?? '').startsWith('SAFETY') || looksLikeModeration(t.failure);
            return { state: 'failed', label: t.status, reason: `task ${t.status.toLowerCase()}: ${reason}`, moderation };
          }
          case 'PENDING':
          case 'THROTTLED':
            return { state: 'pending', label: t.status };
          case 'RUNNING':
            return { state: 'running', label: t.status, progress: typeof t.progress === 'number' ? t.progress : undefined };
          default:
            throw new ProviderError('runway', 'bad_response', `unexpected task status ${JSON.stringify(t?.status)}`);
        }
      },
      cancel: async (id) => {
        await http.json({ method: 'DELETE', path: `/v1/tasks/${encodeURIComponent(id)}`, signal: cancelSignal() });
      },
    };
  }
}
