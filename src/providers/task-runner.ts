/**
 * The create -> poll -> download -> verify cycle shared by every provider, with a total timeout,
 * cancellation of the remote task on abort/timeout (where the API allows), and progress events.
 */
import { promises as fs } from 'node:fs';
import { ffprobe } from '../media/ffprobe';
import { ProviderError, redact } from './errors';
import { downloadFile, sleep } from './http';
import type { GenerateContext, PollSchedule, ProviderId, RetryPolicy } from './types';

export type TaskState =
  | { state: 'pending' | 'running'; label: string; progress?: number }
  | { state: 'succeeded'; label: string; videoUrl: string }
  | { state: 'failed'; label: string; reason: string; moderation: boolean };

export interface TaskSpec {
  provider: ProviderId;
  secrets: readonly (string | undefined)[];
  create(signal: AbortSignal): Promise<string>;
  poll(taskId: string, signal: AbortSignal): Promise<TaskState>;
  /** Optional: resolves the video URL once the task succeeded (Haiper needs a second call). */
  cancel?(taskId: string): Promise<void>;
}

export interface RunnerOptions {
  poll: PollSchedule;
  totalTimeoutMs: number;
  downloadTimeoutMs: number;
  retry?: Partial<RetryPolicy>;
}

/** Checks with ffprobe that a file holds a decodable video stream; returns its duration. */
async function verifyPlayable(provider: ProviderId, file: string, signal?: AbortSignal): Promise<number> {
  const probe = await ffprobe(file, { signal });
  if (!probe.ok) throw new ProviderError(provider, 'not_playable', `the downloaded clip is not a playable video (${probe.reason})`);
  const info = probe.info;
  if (!info.streams?.some((s) => s.codec_type === 'video')) throw new ProviderError(provider, 'not_playable', 'the downloaded clip has no video stream');
  return Number(info.format?.duration ?? 0);
}

export async function runTask(spec: TaskSpec, ctx: GenerateContext, opts: RunnerOptions): Promise<{ taskId: string; secondsWaited: number }> {
  const started = Date.now();
  const total = AbortSignal.timeout(opts.totalTimeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, total]) : total;
  const emit = ctx.onProgress ?? (() => {});
  let taskId: string | undefined;
  let finished = false;

  const translate = (err: unknown): unknown => {
    if (err instanceof ProviderError) return err;
    if (total.aborted && !ctx.signal?.aborted)
      return new ProviderError(spec.provider, 'timeout', `timed out after ${Math.round(opts.totalTimeoutMs / 1000)} s${taskId ? ` (task ${taskId})` : ''}`);
    if (ctx.signal?.aborted) return new ProviderError(spec.provider, 'aborted', `cancelled${taskId ? ` (task ${taskId})` : ''}`);
    return new ProviderError(spec.provider, 'failed', redact((err as Error)?.message ?? String(err), spec.secrets));
  };

  try {
    emit({ provider: spec.provider, phase: 'create' });
    taskId = await spec.create(signal);
    emit({ provider: spec.provider, phase: 'create', taskId });
    if (signal.aborted) throw signal.reason; // aborted while the create was on the wire: cancel it below
    let wait = opts.poll.initialMs;
    let videoUrl: string;
    for (;;) {
      await sleep(wait, signal);
      wait = Math.min(opts.poll.maxMs, wait * opts.poll.factor);
      const s = await spec.poll(taskId, signal);
      emit({ provider: spec.provider, phase: 'poll', taskId, state: s.label, progress: s.state === 'running' ? s.progress : undefined });
      if (s.state === 'succeeded') {
        videoUrl = s.videoUrl;
        break;
      }
      if (s.state === 'failed') {
        finished = true;
        const e = new ProviderError(spec.provider, s.moderation ? 'moderation' : 'failed', redact(s.reason, spec.secrets));
        e.billed = false;
        throw e;
      }
    }
    finished = true; // the remote task is done: nothing left to cancel
    emit({ provider: spec.provider, phase: 'download', taskId });
    await downloadFile(spec.provider, videoUrl, ctx.outFile, { signal, timeoutMs: opts.downloadTimeoutMs, retry: opts.retry, secrets: spec.secrets });
    emit({ provider: spec.provider, phase: 'verify', taskId });
    await verifyPlayable(spec.provider, ctx.outFile, signal);
    return { taskId, secondsWaited: (Date.now() - started) / 1000 };
  } catch (err) {
    const e = translate(err);
    // Any task we stop following (abort, timeout, unreadable answers) is cancelled where the API allows.
    if (taskId && !finished && spec.cancel) {
      emit({ provider: spec.provider, phase: 'cancel', taskId });
      await spec.cancel(taskId).catch(() => {});
    }
    await fs.rm(ctx.outFile, { force: true }).catch(() => {});
    throw e;
  }
}
