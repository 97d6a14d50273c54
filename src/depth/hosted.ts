/**
 * Hosted depth estimator: a depth model behind Replicate's prediction protocol.
 *   POST {base}/v1/predictions {version?, input: {image: dataURI}}  -> {id, status, urls: {get}}
 *   GET  {base}/v1/predictions/{id} until status is succeeded | failed | canceled
 *   download the output image (a URL string, a list, or an object such as {grey_depth, color_depth}).
 * Base URL: STILLMOTION_DEPTH_URL (default https://api.replicate.com); token: REPLICATE_API_TOKEN.
 * Each successful prediction is reported through onCost(usd, label) (about $0.02 an image).
 */
import sharp from 'sharp';
import { StillmotionError } from '../errors';
import type { RgbImage } from './image-io';
import { normalizeRobust } from './ops';

export const DEFAULT_HOSTED_URL = 'https://api.replicate.com';
export const DEFAULT_HOSTED_COST_USD = 0.02;

export interface HostedDepthOptions {
  baseUrl?: string;
  token?: string;
  /** Model version id (sent as `version`); or set `model` ("owner/name") to use the model's predictions endpoint. */
  version?: string;
  model?: string;
  /** Name of the image field in `input` (default "image"). */
  inputField?: string;
  /** Extra model inputs. */
  input?: Record<string, unknown>;
  /** Spend callback: called once per successful prediction. */
  onCost?: (usd: number, label: string) => void;
  costPerImage?: number;
  pollIntervalMs?: number;
  timeoutMs?: number;
  /** Longest side of the image sent (default 1024). */
  uploadSide?: number;
  /** Set when the model returns distance (bright = far) rather than Depth Anything's bright = near. */
  invert?: boolean;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

interface Prediction {
  id?: string;
  status?: string;
  output?: unknown;
  error?: unknown;
  urls?: { get?: string };
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new StillmotionError('hosted depth: cancelled'));
    });
  });

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

export async function hostedDepth(
  img: RgbImage,
  label: string,
  opts: HostedDepthOptions = {},
): Promise<{ data: Float32Array; width: number; height: number; flat: boolean; notes: string[] }> {
  const base = (opts.baseUrl ?? process.env.STILLMOTION_DEPTH_URL ?? DEFAULT_HOSTED_URL).replace(/\/+$/, '');
  const token = opts.token ?? process.env.REPLICATE_API_TOKEN;
  if (!token) throw new StillmotionError('hosted depth estimator needs an API token: set REPLICATE_API_TOKEN');
  const version = opts.version ?? process.env.STILLMOTION_DEPTH_VERSION;
  const model = opts.model ?? process.env.STILLMOTION_DEPTH_HOSTED_MODEL;
  const doFetch = opts.fetch ?? fetch;
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

  // Upload as a PNG data URI (at most uploadSide px).
  const side = opts.uploadSide ?? 1024;
  const s = Math.min(1, side / Math.max(img.width, img.height));
  const png = await sharp(img.rgb, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(Math.max(1, Math.round(img.width * s)), Math.max(1, Math.round(img.height * s)))
    .png()
    .toBuffer();
  const dataUri = `data:image/png;base64,${png.toString('base64')}`;
  const body: Record<string, unknown> = { input: { ...(opts.input ?? {}), [opts.inputField ?? 'image']: dataUri } };
  if (version) body.version = version;
  const createUrl = model && !version ? `${base}/v1/models/${model}/predictions` : `${base}/v1/predictions`;

  const call = async (url: string, init: RequestInit): Promise<Prediction> => {
    let res: Response;
    try {
      res = await doFetch(url, { ...init, signal: opts.signal });
    } catch (err) {
      throw new StillmotionError(`${label}: hosted depth: cannot reach ${url}: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let detail = text.slice(0, 300);
      try {
        const j = JSON.parse(text) as { detail?: string; error?: string };
        detail = j.detail ?? j.error ?? detail;
      } catch {
        /* keep text */
      }
      throw new StillmotionError(`${label}: hosted depth: HTTP ${res.status} from ${url}: ${detail}`);
    }
    try {
      return JSON.parse(text) as Prediction;
    } catch {
      throw new StillmotionError(`${label}: hosted depth: ${url} did not answer JSON`);
    }
  };

  let p = await call(createUrl, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!p.id) throw new StillmotionError(`${label}: hosted depth: prediction has no id`);
  const getUrl = p.urls?.get ?? `${base}/v1/predictions/${p.id}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  const interval = opts.pollIntervalMs ?? 1000;
  while (p.status !== 'succeeded') {
    if (p.status === 'failed' || p.status === 'canceled' || p.status === 'aborted') {
      throw new StillmotionError(`${label}: hosted depth prediction ${p.id} ${p.status}: ${String(p.error ?? 'no reason given')}`);
    }
    if (Date.now() > deadline) throw new StillmotionError(`${label}: hosted depth prediction ${p.id} timed out (status ${p.status})`);
    await sleep(interval, opts.signal);
    p = await call(getUrl, { method: 'GET', headers: { Authorization: headers.Authorization } });
  }
  // Billed once it succeeded, whether or not the download works.
  opts.onCost?.(opts.costPerImage ?? DEFAULT_HOSTED_COST_USD, `depth (hosted) ${label}`);
  const url = pickOutputUrl(p.output);
  if (!url) throw new StillmotionError(`${label}: hosted depth prediction ${p.id} succeeded without an output image`);
  let bytes: Buffer;
  if (url.startsWith('data:')) bytes = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  else {
    let res: Response;
    try {
      res = await doFetch(url, { signal: opts.signal });
    } catch (err) {
      throw new StillmotionError(`${label}: hosted depth: cannot download ${url}: ${(err as Error).message}`);
    }
    if (!res.ok) throw new StillmotionError(`${label}: hosted depth: HTTP ${res.status} downloading ${url}`);
    bytes = Buffer.from(await res.arrayBuffer());
  }
  let dec: { data: Buffer; info: sharp.OutputInfo };
  try {
    dec = await sharp(bytes).toColourspace('b-w').extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new StillmotionError(`${label}: hosted depth output is not an image (${(err as Error).message})`);
  }
  const out = new Float32Array(dec.info.width * dec.info.height);
  for (let i = 0; i < out.length; i++) out[i] = (opts.invert ? 255 - dec.data[i]! : dec.data[i]!) / 255;
  const ok = normalizeRobust(out, 0.005, 0.995);
  return { data: out, width: dec.info.width, height: dec.info.height, flat: !ok, notes: [`hosted prediction ${p.id}`] };
}
