/**
 * Hosted depth estimator: a depth model on Replicate, through Replicate's HTTP API
 * (https://replicate.com/docs/reference/http, and replicate-javascript's lib/predictions.js):
 *   POST {base}/v1/predictions {version, input}           community models (need a version id)
 *   POST {base}/v1/models/{owner}/{name}/predictions       official models (no version)
 *     (optionally with `Prefer: wait=N`: the answer holds up to N s; off by default, see DEFAULT_PREFER_WAIT_S)
 *   GET  {base}/v1/predictions/{id} until succeeded | failed | canceled
 *   POST {base}/v1/predictions/{id}/cancel                  on Ctrl-C / abort / our own timeout
 *   then the output image is downloaded (a URL, a list, or an object such as {grey_depth, color_depth}).
 *
 * Default model: chenxwh/depth-anything-v2 (Depth Anything V2 as a Cog model; output {grey_depth,
 * color_depth}, grey = 8-bit min-max-normalised disparity, bright = near), pinned to a version, with
 * `model_size: "Small"`: the Small weights are Apache-2.0, Base/Large are CC-BY-NC-4.0 (the model's own
 * default is Large). Override with `model` / STILLMOTION_DEPTH_HOSTED_MODEL ("owner/name" or
 * "owner/name:version"), `version` / STILLMOTION_DEPTH_VERSION, and extra inputs with `input` /
 * STILLMOTION_DEPTH_HOSTED_INPUT (JSON).
 *
 * Requests go through the clip providers' HttpClient: 429 waits for Retry-After (or the "resets in ~Ns"
 * Replicate writes in the body; accounts without a payment method get 6 requests a minute), 5xx and
 * network errors back off and retry. Uploads are JPEG data URIs kept under the 1 MB Replicate
 * recommends for data URIs (depth is estimated at a working size far below that anyway).
 * Base URL: STILLMOTION_DEPTH_URL (default https://api.replicate.com); token: REPLICATE_API_TOKEN.
 * Each successful prediction is reported through onCost(usd, label).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { HashPart } from '../cache/content-hash';
import { PRICE_TABLE } from '../cost/prices';
import { StillmotionError } from '../errors';
import { dataUriPrefix, inlineLength } from '../providers/constraints';
import { ProviderError } from '../providers/errors';
import { HttpClient, downloadFile, sleep } from '../providers/http';
import type { RetryPolicy } from '../providers/types';
import { postOnInterrupt } from '../process/interrupt-request';
import type { RgbImage } from './image-io';
import { normalizeRobust } from './ops';

const DEFAULT_HOSTED_URL = 'https://api.replicate.com';
export const DEFAULT_HOSTED_MODEL = 'chenxwh/depth-anything-v2';
/** The version of DEFAULT_HOSTED_MODEL this client was written against (its inputs: image, model_size). */
export const DEFAULT_HOSTED_VERSION = 'b239ea33cff32bb7abb5db39ffe9a09c14cbc2894331d1ef66fe096eed88ebd4';
/** Inputs sent to the default model: the Apache-2.0 weights, not the model's non-commercial default. */
const DEFAULT_HOSTED_INPUT: Readonly<Record<string, unknown>> = { model_size: 'Small' };
export const DEFAULT_HOSTED_COST_USD = PRICE_TABLE.depth.hosted!.perImageUsd;
/** Replicate recommends data URIs only for files under 1 MB; the whole `data:` string stays below this. */
export const MAX_DATA_URI_BYTES = 1_000_000;
/** Longest side sent by default: Depth Anything V2 works at 518 px, so more detail buys nothing. */
const DEFAULT_UPLOAD_SIDE = 1024;
/** Depth needs shapes and shading, not fine texture: a mid quality keeps typical uploads near 200 KB. */
const UPLOAD_JPEG_QUALITY = 85;
/**
 * `Prefer: wait=N` on create (0: none). Off by default: while a create is held open the prediction id
 * is unknown, so Ctrl-C (which ends the CLI at once) could not cancel it. Polling costs a few more
 * requests, which the 429 handling absorbs on rate-limited accounts.
 */
const DEFAULT_PREFER_WAIT_S = 0;

export interface HostedDepthOptions {
  baseUrl?: string;
  token?: string;
  /** Model "owner/name" or "owner/name:version" (default: env STILLMOTION_DEPTH_HOSTED_MODEL, else the default model). */
  model?: string;
  /** Model version id (default: env STILLMOTION_DEPTH_VERSION; the default model's pinned version). */
  version?: string;
  /** Name of the image field in `input` (default "image"). */
  inputField?: string;
  /** Extra model inputs (default: env STILLMOTION_DEPTH_HOSTED_INPUT as a JSON object). */
  input?: Record<string, unknown>;
  /** Spend callback: called once per successful prediction. */
  onCost?: (usd: number, label: string) => void;
  costPerImage?: number;
  /** First wait between polls (grows x1.5 up to 8 s: polls count against the rate limit too). */
  pollIntervalMs?: number;
  /** `Prefer: wait=N` seconds on create: fewer requests, but Ctrl-C cannot cancel during the wait (default 0: none). */
  preferWaitS?: number;
  /** Longest the prediction may take before it is cancelled (default 300 s). */
  timeoutMs?: number;
  /** Longest side of the image sent (default 1024). */
  uploadSide?: number;
  /** Set when the model returns distance (bright = far) rather than Depth Anything's bright = near. */
  invert?: boolean;
  /** Retry policy overrides (tests shorten the waits). */
  retry?: Partial<RetryPolicy>;
  /** Told about every retry (rate limit, server error). */
  onRetry?: (message: string) => void;
  signal?: AbortSignal;
}

/** Which model a request runs and how it is addressed. */
export interface HostedModel {
  /** "owner/name", or null when only a version id was given. */
  model: string | null;
  version: string | null;
  /** Inputs sent besides the image. */
  input: Record<string, unknown>;
  /** For messages and notes: "owner/name:version" or what is known of it. */
  ref: string;
}

const MODEL_RE = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/i;
const VERSION_RE = /^[0-9a-f]{64}$/;

/** Resolves model, version and inputs from options, then env, then the default model. Throws on malformed values. */
export function resolveHostedModel(opts: HostedDepthOptions = {}): HostedModel {
  const modelSrc = opts.model !== undefined ? 'the hosted model option' : 'STILLMOTION_DEPTH_HOSTED_MODEL';
  const versionSrc = opts.version !== undefined ? 'the hosted version option' : 'STILLMOTION_DEPTH_VERSION';
  const rawModel = (opts.model ?? process.env.STILLMOTION_DEPTH_HOSTED_MODEL)?.trim() || undefined;
  let version = (opts.version ?? process.env.STILLMOTION_DEPTH_VERSION)?.trim() || undefined;
  let model: string | undefined;
  if (rawModel) {
    const [name, ver, ...rest] = rawModel.split(':');
    if (rest.length || !MODEL_RE.test(name!)) {
      throw new StillmotionError(`${modelSrc}: "${rawModel}" is not a Replicate model (write owner/name or owner/name:version)`);
    }
    model = name!;
    if (ver !== undefined) {
      if (version && version !== ver) throw new StillmotionError(`${modelSrc} names version ${ver} but ${versionSrc} says ${version}: set one`);
      version = ver;
    }
  }
  if (version && !VERSION_RE.test(version)) {
    throw new StillmotionError(`${rawModel?.includes(':') ? modelSrc : versionSrc}: "${version}" is not a Replicate version id (64 hex digits)`);
  }
  const isDefault = !model && !version ? true : model === DEFAULT_HOSTED_MODEL;
  if (!model && !version) model = DEFAULT_HOSTED_MODEL;
  // The default model is a community model: it can only be run by version.
  if (model === DEFAULT_HOSTED_MODEL && !version) version = DEFAULT_HOSTED_VERSION;
  const input = { ...(isDefault ? DEFAULT_HOSTED_INPUT : {}), ...(opts.input ?? envInput()) };
  const ref = model ? `${model}${version ? `:${version}` : ''}` : `version ${version}`;
  return { model: model ?? null, version: version ?? null, input, ref };
}

function envInput(): Record<string, unknown> {
  const raw = process.env.STILLMOTION_DEPTH_HOSTED_INPUT?.trim();
  if (!raw) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new StillmotionError(`STILLMOTION_DEPTH_HOSTED_INPUT: not JSON (${(err as Error).message}); write an object such as {"model_size":"Large"}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new StillmotionError('STILLMOTION_DEPTH_HOSTED_INPUT: must be a JSON object such as {"model_size":"Large"}');
  return v as Record<string, unknown>;
}

/** What decides a hosted depth map besides the image: goes into the depth cache key. */
export function hostedTag(opts: HostedDepthOptions = {}): { [key: string]: HashPart } {
  const m = resolveHostedModel(opts);
  return {
    url: baseUrlOf(opts),
    model: m.model,
    version: m.version,
    // JSON values (options or STILLMOTION_DEPTH_HOSTED_INPUT), which the hash reads as they are.
    input: m.input as HashPart,
    inputField: opts.inputField ?? 'image',
    side: opts.uploadSide ?? DEFAULT_UPLOAD_SIDE,
    invert: Boolean(opts.invert),
  };
}

const baseUrlOf = (opts: HostedDepthOptions): string => (opts.baseUrl ?? process.env.STILLMOTION_DEPTH_URL ?? DEFAULT_HOSTED_URL).replace(/\/+$/, '');

interface Prediction {
  id?: string;
  status?: string;
  output?: unknown;
  error?: unknown;
  urls?: { get?: string; cancel?: string };
}

const TERMINAL = new Set(['succeeded', 'failed', 'canceled', 'aborted']);

/** Picks the depth image URL out of a prediction output. */
export function pickOutputUrl(output: unknown): string | undefined {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) {
    const strings = output.filter((o): o is string => typeof o === 'string');
    return strings.find((s) => /gr[ae]y/i.test(s)) ?? strings[0];
  }
  if (output && typeof output === 'object') {
    const o = output as Record<string, unknown>;
    const keys = Object.keys(o);
    const key = keys.find((k) => /gr[ae]y/i.test(k)) ?? keys.find((k) => /depth/i.test(k) && !/colou?r/i.test(k)) ?? keys.find((k) => typeof o[k] === 'string');
    const v = key ? o[key] : undefined;
    return typeof v === 'string' ? v : pickOutputUrl(v);
  }
  return undefined;
}

/** Replicate's throttle body: {"detail":"Request was throttled. Your rate limit resets in ~30s."} (or a `retry_after` in seconds). */
export function replicateThrottleWaitMs(body: unknown): number | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.retry_after === 'number' && Number.isFinite(b.retry_after)) return Math.max(0, b.retry_after * 1000);
  const m = typeof b.detail === 'string' ? /resets in ~?\s*(\d+(?:\.\d+)?)\s*s/i.exec(b.detail) : null;
  return m ? Number(m[1]) * 1000 : undefined;
}

/** Replicate's error bodies, {title, detail, status, invalid_fields?}, as "title: detail" (the detail lists bad fields). */
function replicateErrorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const title = typeof b.title === 'string' && b.title ? b.title : undefined;
  const detail = typeof b.detail === 'string' && b.detail ? b.detail.replace(/\s*\n\s*/g, ' ').trim() : undefined;
  if (title && detail) return title === detail ? title : `${title}: ${detail}`;
  return detail ?? title;
}

/**
 * The image as a JPEG data URI under MAX_DATA_URI_BYTES: at most `side` px on its long side, and
 * smaller again (by the measured overshoot) while the encoding is too large.
 */
export async function encodeUpload(img: RgbImage, side = DEFAULT_UPLOAD_SIDE): Promise<{ uri: string; width: number; height: number }> {
  const prefix = dataUriPrefix('jpeg');
  let s = Math.min(1, side / Math.max(img.width, img.height));
  for (;;) {
    const width = Math.max(1, Math.round(img.width * s));
    const height = Math.max(1, Math.round(img.height * s));
    const jpg = await sharp(img.rgb, { raw: { width: img.width, height: img.height, channels: 3 } }).resize(width, height).jpeg({ quality: UPLOAD_JPEG_QUALITY }).toBuffer();
    const size = inlineLength(jpg.length, prefix);
    if (size <= MAX_DATA_URI_BYTES) return { uri: `${prefix}${jpg.toString('base64')}`, width, height };
    if (width === 1 && height === 1) throw new StillmotionError('hosted depth: cannot fit the image under the upload limit');
    // Bytes grow with the pixel count: shrink both sides by the square root of the overshoot, and a margin.
    s *= Math.min(0.9, 0.95 * Math.sqrt(MAX_DATA_URI_BYTES / size));
  }
}

export async function hostedDepth(
  img: RgbImage,
  label: string,
  opts: HostedDepthOptions = {},
): Promise<{ data: Float32Array; width: number; height: number; flat: boolean; notes: string[] }> {
  const base = baseUrlOf(opts);
  const token = opts.token ?? process.env.REPLICATE_API_TOKEN;
  if (!token) throw new StillmotionError('hosted depth estimator needs an API token: set REPLICATE_API_TOKEN');
  const target = resolveHostedModel(opts);
  const signal = opts.signal;
  const auth = { Authorization: `Bearer ${token}` };
  const common = { provider: 'replicate' as const, baseUrl: base, secrets: [token], retry: opts.retry, onRetry: opts.onRetry, rateLimitWaitMs: replicateThrottleWaitMs, errorMessage: replicateErrorMessage };
  const preferWait = opts.preferWaitS ?? DEFAULT_PREFER_WAIT_S;
  const api = new HttpClient({ ...common, headers: () => auth });
  const creator = new HttpClient({
    ...common,
    headers: () => (preferWait > 0 ? { ...auth, Prefer: `wait=${preferWait}` } : auth),
    requestTimeoutMs: (preferWait + 60) * 1000,
  });
  const fail = (err: unknown): StillmotionError => {
    if (signal?.aborted && err === signal.reason) return new StillmotionError(`${label}: hosted depth cancelled`);
    const msg = err instanceof Error ? err.message : String(err);
    let hint = '';
    if (err instanceof ProviderError && (err.status === 401 || err.status === 403)) hint = ' (check REPLICATE_API_TOKEN)';
    else if (err instanceof ProviderError && (err.status === 404 || err.status === 422)) {
      hint = ` (model ${target.ref}; check STILLMOTION_DEPTH_HOSTED_MODEL, STILLMOTION_DEPTH_VERSION and STILLMOTION_DEPTH_HOSTED_INPUT)`;
    }
    return new StillmotionError(`${label}: hosted depth: ${msg}${hint}`);
  };

  const upload = await encodeUpload(img, opts.uploadSide);
  const input = { ...target.input, [opts.inputField ?? 'image']: upload.uri };
  // A community model runs by version id; an official model ("owner/name" alone) through its own endpoint.
  const create = target.version
    ? { path: '/v1/predictions', body: { version: target.version, input } }
    : { path: `/v1/models/${target.model}/predictions`, body: { input } };

  let p: Prediction;
  try {
    // finishInFlight: a create already sent completes (at most the Prefer wait), so an abort learns the
    // prediction id and cancels it instead of leaving it running (and billed) on Replicate.
    p = await creator.json<Prediction>({ method: 'POST', ...create, signal, idempotent: false, finishInFlight: true });
  } catch (err) {
    throw fail(err);
  }
  const id = p.id;
  if (!id) throw new StillmotionError(`${label}: hosted depth: Replicate answered the create without a prediction id`);

  const cancel = async (): Promise<string> => {
    try {
      await api.json({ method: 'POST', path: `/v1/predictions/${encodeURIComponent(id)}/cancel`, signal: AbortSignal.timeout(15_000) });
      return `prediction ${id} cancelled`;
    } catch (err) {
      return `prediction ${id} could not be cancelled and may still be billed: ${(err as Error).message}`;
    }
  };

  const timeoutMs = opts.timeoutMs ?? 300_000;
  const deadline = Date.now() + timeoutMs;
  let interval = opts.pollIntervalMs ?? 1000;
  const poll = async (): Promise<void> => {
    while (!TERMINAL.has(p.status ?? '')) {
      try {
        if (signal?.aborted) throw signal.reason;
        if (Date.now() > deadline) {
          throw new StillmotionError(`${label}: hosted depth prediction ${id} took longer than ${Math.round(timeoutMs / 1000)} s (status ${p.status}); ${await cancel()}`);
        }
        await sleep(Math.min(interval, Math.max(0, deadline - Date.now())), signal);
        interval = Math.min(8000, interval * 1.5);
        p = await api.json<Prediction>({ method: 'GET', path: `/v1/predictions/${encodeURIComponent(id)}`, signal });
      } catch (err) {
        if (signal?.aborted) throw new StillmotionError(`${label}: hosted depth interrupted: ${await cancel()}`);
        if (err instanceof StillmotionError && !(err instanceof ProviderError)) throw err;
        // Polling gave up (retries spent): do not leave the prediction running and billed.
        throw new StillmotionError(`${fail(err).message}; ${await cancel()}`);
      }
    }
  };
  // Ctrl-C ends the CLI synchronously: until the prediction is over, a signal first cancels it.
  const release = postOnInterrupt(`${base}/v1/predictions/${encodeURIComponent(id)}/cancel`, auth);
  try {
    await poll();
  } finally {
    release();
  }
  // Billed once it succeeded, whether or not the download works (or the caller still wants it).
  if (p.status === 'succeeded') opts.onCost?.(opts.costPerImage ?? DEFAULT_HOSTED_COST_USD, `depth (hosted) ${label}`);
  if (signal?.aborted) {
    // Finished before the abort was seen: nothing left to cancel, but the command still stops.
    throw new StillmotionError(`${label}: hosted depth interrupted${p.status === 'succeeded' ? ` (prediction ${id} had already finished)` : ''}`);
  }
  if (p.status !== 'succeeded') {
    throw new StillmotionError(`${label}: hosted depth prediction ${id} ${p.status}: ${String(p.error ?? 'no reason given')}`);
  }
  const url = pickOutputUrl(p.output);
  if (!url) throw new StillmotionError(`${label}: hosted depth prediction ${id} succeeded without an output image`);
  const bytes = await readOutput(url, label, token, signal);
  let dec: { data: Buffer; info: sharp.OutputInfo };
  try {
    dec = await sharp(bytes).toColourspace('b-w').extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new StillmotionError(`${label}: hosted depth output is not an image (${(err as Error).message})`);
  }
  const out = new Float32Array(dec.info.width * dec.info.height);
  for (let i = 0; i < out.length; i++) out[i] = (opts.invert ? 255 - dec.data[i]! : dec.data[i]!) / 255;
  const ok = normalizeRobust(out, 0.005, 0.995);
  return { data: out, width: dec.info.width, height: dec.info.height, flat: !ok, notes: [`hosted prediction ${id} (${target.ref}, sent ${upload.width}x${upload.height})`] };
}

/** The output image's bytes: a data URI, or a download (with the providers' retries) through a temp file. */
async function readOutput(url: string, label: string, token: string, signal?: AbortSignal): Promise<Buffer> {
  if (url.startsWith('data:')) return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  const tmp = path.join(os.tmpdir(), `stillmotion-depth-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await downloadFile('replicate', url, tmp, { signal, timeoutMs: 120_000, secrets: [token] });
    return await fs.readFile(tmp);
  } catch (err) {
    if (signal?.aborted && err === signal.reason) throw new StillmotionError(`${label}: hosted depth cancelled`);
    throw new StillmotionError(`${label}: hosted depth: ${(err as Error).message}`);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
