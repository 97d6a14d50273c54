/**
 * collectClips: everything tier 3 needs, in one call. For each request: cache lookup (by image bytes,
 * prompt, seed, tier, provider, model, duration, aspect), spend planning against the budget and the
 * keys present, generation with a per-provider concurrency limit, caching, the ledger, and a
 * fallback (tier 2 or 1) with a reason whenever a clip is not to be had.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CACHE_DIR, openClipCache, type ClipCache } from '../cache/clip-cache';
import { clipCacheKey } from '../cache/clip-key';
import { Ledger, DEFAULT_LEDGER } from '../cost/ledger';
import { planClipSpend, type PlanDecision, type SpendPlan } from '../cost/planner';
import { formatUsd, type PriceTable } from '../cost/prices';
import { StillmotionError } from '../errors';
import { fetchToCache } from '../media/fetch-remote';
import type { ProviderOptions } from './base';
import { ProviderError } from './errors';
import { isHttpUrl } from './image-source';
import { createProvider, missingKeyReason } from './index';
import { Semaphore } from './limiter';
import { modelKey, resolveModelMode } from './model-mode';
import { DEFAULT_PROVIDER, type ClipProvider, type ClipRequest, type ProgressEvent, type ProviderId } from './types';

export interface ClipJob extends ClipRequest {
  /** Caller's label (e.g. "sections[3]"), echoed in results. */
  id?: string;
  provider?: ProviderId;
  /** Tier the clip is for (part of the cache key), default 3. */
  tier?: number;
  /** Tier used when no clip is generated, default 2. */
  fallbackTier?: 1 | 2;
}

export interface ClipResult {
  index: number;
  id?: string;
  status: 'hit' | 'generated' | 'fallback';
  /** The local MP4 (hit / generated). */
  file?: string;
  reason?: string;
  fallbackTier?: 1 | 2;
  secondsWaited: number;
  /** Actual spend for this request (0 for hits and fallbacks that cost nothing). */
  costUsd: number;
  /** Estimated cost when planned (0 for hits). */
  estimateUsd: number;
  provider: ProviderId;
  model: string;
  mode?: string;
  durationSec: number;
  key?: string;
}

export interface ClipEvent extends Partial<Omit<ProgressEvent, 'phase'>> {
  index: number;
  id?: string;
  phase: ProgressEvent['phase'] | 'planned' | 'hit' | 'generated' | 'fallback';
}

export interface CollectOptions {
  /** Cache backend (default: openClipCache with cacheDir / env). */
  cache?: ClipCache;
  cacheDir?: string;
  /** Spending cap for this run in USD (default none). */
  budgetUsd?: number;
  /** Spend already counted against the cap. */
  spentUsd?: number;
  /** Ledger instance or file (default .stillmotion/ledger.json); null for none. */
  ledger?: Ledger | string | null;
  env?: NodeJS.ProcessEnv;
  /** Per-provider settings (keys, base URLs, poll intervals, timeouts, concurrency). */
  providerOptions?: Partial<Record<ProviderId, ProviderOptions>>;
  /** Ready-made providers (tests, custom ones); otherwise created from providerOptions. */
  providers?: Partial<Record<ProviderId, ClipProvider>>;
  prices?: PriceTable;
  /** Only plan: no generation (the estimate shown before generating). */
  dryRun?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: ClipEvent) => void;
}

/** Thrown after Ctrl-C once every in-flight task was cancelled and the cache / ledger are consistent. */
export class ClipsCancelledError extends StillmotionError {
  constructor(readonly results: ClipResult[]) {
    super(`clip generation cancelled (${results.filter((r) => r.status !== 'fallback').length} of ${results.length} clips ready)`);
    this.name = 'ClipsCancelledError';
  }
}

interface Prepared {
  job: ClipJob;
  provider: ProviderId;
  model: string;
  mode?: string;
  /** The model as the cache key and ledger record it (mode included when not the default). */
  modelKey: string;
  durationSec: number;
  /** The image as a local file (a URL image fetched into the cache). */
  localImage?: string;
  key?: string;
  cachedFile?: string | null;
  problem?: string;
}

export async function collectClips(requests: ClipJob[], opts: CollectOptions = {}): Promise<ClipResult[]> {
  return (await runClips(requests, opts)).results;
}

/** Plans only: what would be hit, generated (with estimates) or fall back, without generating. */
export async function estimateClips(requests: ClipJob[], opts: CollectOptions = {}): Promise<{ results: ClipResult[]; plan: SpendPlan }> {
  return runClips(requests, { ...opts, dryRun: true });
}

async function runClips(requests: ClipJob[], opts: CollectOptions): Promise<{ results: ClipResult[]; plan: SpendPlan }> {
  const env = opts.env ?? process.env;
  const cacheDir = opts.cacheDir ?? env.STILLMOTION_CACHE_DIR ?? DEFAULT_CACHE_DIR;
  const cache = opts.cache ?? openClipCache({ dir: cacheDir, env });
  const ledger = opts.ledger === null ? null : opts.ledger instanceof Ledger ? opts.ledger : new Ledger(opts.ledger ?? DEFAULT_LEDGER);
  const emit = opts.onEvent ?? (() => {});
  const providers = new Map<ProviderId, ClipProvider>();
  const providerFor = (id: ProviderId): ClipProvider => {
    let p = providers.get(id) ?? opts.providers?.[id];
    if (!p) p = createProvider(id, { env, ...opts.providerOptions?.[id] });
    providers.set(id, p);
    return p;
  };

  // 1. Keys and cache lookups.
  const prepared: Prepared[] = [];
  for (const job of requests) {
    const provider = job.provider ?? DEFAULT_PROVIDER;
    const p = providerFor(provider);
    let resolved: { model: string; mode?: string };
    let problem: string | undefined;
    try {
      resolved = resolveModelMode(p, job.model, job.mode);
    } catch (err) {
      resolved = { model: job.model ?? p.defaultModel };
      problem = (err as Error).message;
    }
    const { model, mode } = resolved;
    const key = modelKey(p, model, mode);
    const durationSec = p.snapDuration(job.durationSec, model);
    const item: Prepared = { job, provider, model, mode, modelKey: key, durationSec, problem };
    try {
      const local = isHttpUrl(job.image) ? await fetchToCache(job.image, cacheDir, job.id ?? 'clip image') : job.image;
      item.localImage = local;
      const imageBytes = await fs.readFile(local);
      item.key = clipCacheKey({ imageBytes, prompt: job.prompt, seed: job.seed, tier: job.tier ?? 3, provider, model: key, durationSec, aspect: job.aspect });
      item.cachedFile = await cache.get(item.key, opts.signal).catch(() => null);
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      item.problem ??= `image unavailable: ${(err as Error).message}`;
    }
    prepared.push(item);
  }

  // 2. Spend plan.
  const plan = planClipSpend(
    prepared.map((p) => ({
      key: p.key ?? '',
      provider: p.provider,
      model: p.model,
      mode: p.mode,
      durationSec: p.durationSec,
      cached: !!p.cachedFile,
      fallbackTier: p.job.fallbackTier ?? 2,
      problem: p.problem,
    })),
    {
      budgetUsd: opts.budgetUsd,
      spentUsd: opts.spentUsd,
      prices: opts.prices,
      providerProblem: (id) => (opts.providers?.[id as ProviderId] ? null : missingKeyReason(id as ProviderId, env, opts.providerOptions?.[id as ProviderId])),
    },
  );

  const base = (i: number, d: PlanDecision) => {
    const p = prepared[i]!;
    return { index: i, id: p.job.id, provider: p.provider, model: p.model, ...(p.mode ? { mode: p.mode } : {}), durationSec: p.durationSec, key: p.key, estimateUsd: d.estimateUsd };
  };
  const planned = (i: number, d: PlanDecision): ClipResult => {
    const p = prepared[i]!;
    if (d.action === 'fallback') return { ...base(i, d), status: 'fallback', reason: d.reason, fallbackTier: d.fallbackTier, secondsWaited: 0, costUsd: 0 };
    if (d.action === 'hit' && p.cachedFile) return { ...base(i, d), status: 'hit', file: p.cachedFile, reason: d.reason, secondsWaited: 0, costUsd: 0 };
    // Dry run only: what would happen.
    return { ...base(i, d), status: d.action === 'hit' ? 'hit' : 'generated', reason: d.reason ?? `would generate (estimate ${formatUsd(d.estimateUsd)})`, secondsWaited: 0, costUsd: d.estimateUsd };
  };
  for (const d of plan.decisions) emit({ index: d.index, id: prepared[d.index]!.job.id, phase: 'planned', state: d.action, message: d.reason });
  if (opts.dryRun) return { results: plan.decisions.map((d) => planned(d.index, d)), plan };

  // 3. Generate.
  const limiters = new Map<ProviderId, Semaphore>();
  const limiterFor = (id: ProviderId) => {
    let s = limiters.get(id);
    if (!s) limiters.set(id, (s = new Semaphore(Math.max(1, providerFor(id).maxConcurrency))));
    return s;
  };
  const tmpDir = path.join(cacheDir, 'tmp');
  const tasks = new Map<number, Promise<ClipResult>>();
  // A quota / billing answer is final for the whole run: later requests to that provider fall back at once.
  const quotaReached = new Map<ProviderId, ProviderError>();

  const generateOne = async (i: number, d: PlanDecision): Promise<ClipResult> => {
    const p = prepared[i]!;
    const provider = providerFor(p.provider);
    const started = Date.now();
    const waited = () => (Date.now() - started) / 1000;
    let taskId: string | undefined;
    const outFile = path.join(tmpDir, `${p.key}.${process.pid}.${randomBytes(4).toString('hex')}.mp4`);
    try {
      await fs.mkdir(tmpDir, { recursive: true });
      const imageUrl = isHttpUrl(p.job.image) ? p.job.image : p.job.imageUrl;
      const r = await limiterFor(p.provider).run(
        () => {
          const stop = quotaReached.get(p.provider);
          if (stop) throw new ProviderError(p.provider, 'quota', stop.reason);
          return provider.generate(
            {
              image: p.localImage ?? p.job.image,
              ...(imageUrl ? { imageUrl } : {}),
              ...(p.job.focus ? { focus: p.job.focus } : {}),
              prompt: p.job.prompt,
              durationSec: p.durationSec,
              aspect: p.job.aspect,
              seed: p.job.seed,
              model: p.model,
              ...(p.mode ? { mode: p.mode } : {}),
            },
            {
              outFile,
              signal: opts.signal,
              onProgress: (e) => {
                if (e.taskId) taskId = e.taskId;
                emit({ ...e, index: i, id: p.job.id });
              },
            },
          ).catch((err: unknown) => {
            // Recorded before the limiter lets the next request of this provider start.
            if (err instanceof ProviderError && err.kind === 'quota' && !quotaReached.has(p.provider)) quotaReached.set(p.provider, err);
            throw err;
          });
        },
        opts.signal,
      );
      const file = await cache.put(p.key!, r.file, {
        provider: p.provider,
        model: p.modelKey,
        durationSec: p.durationSec,
        aspect: p.job.aspect,
        costUsd: d.estimateUsd,
        prompt: p.job.prompt,
        taskId: r.taskId,
      });
      await fs.rm(outFile, { force: true });
      await ledger?.append({ provider: p.provider, model: p.modelKey, key: p.key!, durationSec: p.durationSec, costUsd: d.estimateUsd, status: 'generated', taskId: r.taskId });
      emit({ index: i, id: p.job.id, phase: 'generated', provider: p.provider, taskId: r.taskId });
      return { ...base(i, d), status: 'generated', file, secondsWaited: waited(), costUsd: d.estimateUsd };
    } catch (err) {
      await fs.rm(outFile, { force: true }).catch(() => {});
      const pe = err instanceof ProviderError ? err : null;
      const kind = pe?.kind ?? (opts.signal?.aborted ? 'aborted' : 'failed');
      // A created task is counted unless the provider itself reported it failed (failed tasks are not
      // billed); an abandoned, timed-out or undownloadable one may be billed: never under-count.
      const charged = taskId && pe?.billed !== false ? d.estimateUsd : 0;
      if (taskId)
        await ledger?.append({
          provider: p.provider,
          model: p.modelKey,
          key: p.key!,
          durationSec: p.durationSec,
          costUsd: charged,
          status: kind === 'aborted' ? 'cancelled' : kind === 'timeout' ? 'timeout' : 'failed',
          taskId,
          note: pe?.reason ?? (err as Error).message,
        });
      const reason = kind === 'aborted' ? 'cancelled' : `provider failed: ${pe?.reason ?? (err as Error)?.message ?? String(err)}`;
      emit({ index: i, id: p.job.id, phase: 'fallback', provider: p.provider, message: reason });
      return { ...base(i, d), status: 'fallback', reason, fallbackTier: p.job.fallbackTier ?? 2, secondsWaited: waited(), costUsd: charged };
    }
  };

  for (const d of plan.decisions) if (d.action === 'generate') tasks.set(d.index, generateOne(d.index, d));
  const results = await Promise.all(
    plan.decisions.map(async (d): Promise<ClipResult> => {
      if (d.action === 'generate') return tasks.get(d.index)!;
      if (d.action === 'hit' && d.sameAs !== undefined) {
        const first = await tasks.get(d.sameAs)!;
        const r = planned(d.index, d);
        return first.status === 'generated'
          ? { ...r, status: 'hit', file: first.file, secondsWaited: first.secondsWaited, costUsd: 0 }
          : { ...r, status: 'fallback', reason: first.reason, fallbackTier: prepared[d.index]!.job.fallbackTier ?? 2, costUsd: 0 };
      }
      const r = planned(d.index, d);
      emit({ index: d.index, id: r.id, phase: r.status === 'hit' ? 'hit' : 'fallback', message: r.reason });
      return r;
    }),
  );
  if (opts.signal?.aborted) throw new ClipsCancelledError(results);
  return { results, plan };
}
