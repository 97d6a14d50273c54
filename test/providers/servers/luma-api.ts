/**
 * A loopback Luma Dream Machine API written from Luma's documentation, not from the client:
 * - lumaai-python (Stainless, from Luma's OpenAPI spec) resources/generations/video.py: create is
 *   POST /generations/video; lumaai-node < 1.x src/resources/generations/video.ts: POST /generations
 *   (a server with `legacyOnly` has only that one and answers 404 {detail: "Not Found"} on the new path);
 * - VideoCreateParams: model ray-1-6|ray-2|ray-flash-2, prompt, keyframes.frame0 {type: 'image', url}
 *   (a URL: this server fetches it, as Luma does, and refuses data URIs), aspect_ratio 1:1|16:9|9:16|
 *   4:3|3:4|21:9|9:21, loop, duration 5s|9s, resolution 540p|720p|1080p|4k;
 * - create answers 201 with the Generation {id, state: queued}; GET /generations/{id} -> {state,
 *   failure_reason, assets: {video}}; errors {detail}; prompt 1..5000 characters (AWS Bedrock, Luma Ray 2).
 */
import type http from 'node:http';
import { sendJson, type Recorded } from '../helpers';
import { decodeImage, isHttpUrl } from './common';

const ASPECTS = ['1:1', '16:9', '9:16', '4:3', '3:4', '21:9', '9:21'];

export interface LumaApiOptions {
  key: string;
  base: () => string;
  /** Only the older POST /generations exists (404 on /generations/video). */
  legacyOnly?: boolean;
  /** Path prefix the API lives under (default ''). */
  prefix?: string;
}

export function lumaApi(o: LumaApiOptions) {
  const pre = o.prefix ?? '';
  const state = { accepted: [] as { path: string; body: Record<string, unknown> }[], fetchedImages: [] as string[] };
  const handler = async (r: Recorded, res: http.ServerResponse): Promise<void> => {
    if (r.headers.authorization !== `Bearer ${o.key}`) return sendJson(res, 401, { detail: 'Invalid API key' });
    const create = r.method === 'POST' && (r.path === `${pre}/generations/video` || r.path === `${pre}/generations`);
    if (create && o.legacyOnly && r.path === `${pre}/generations/video`) return sendJson(res, 404, { detail: 'Not Found' });
    if (create) {
      const problem = await validate(r.json, state.fetchedImages);
      if (problem) return sendJson(res, 400, { detail: problem });
      state.accepted.push({ path: r.path, body: r.json as Record<string, unknown> });
      return sendJson(res, 201, { id: `g-${state.accepted.length}`, state: 'queued', failure_reason: null, assets: null });
    }
    const m = new RegExp(`^${pre}/generations/([\\w-]+)$`).exec(r.path);
    if (m && r.method === 'GET') return sendJson(res, 200, { id: m[1], state: 'completed', failure_reason: null, assets: { video: `${o.base()}/out/${m[1]}.mp4` } });
    if (m && r.method === 'DELETE') {
      res.writeHead(204);
      return void res.end();
    }
    return sendJson(res, 404, { detail: 'Not Found' });
  };
  return { handler, state };
}

async function validate(body: unknown, fetched: string[]): Promise<string | null> {
  const b = (body ?? {}) as Record<string, unknown>;
  if (!['ray-1-6', 'ray-2', 'ray-flash-2'].includes(b.model as string)) return `Invalid model: ${String(b.model)}`;
  if (typeof b.prompt === 'string' && b.prompt.length > 5000) return 'prompt must be at most 5000 characters';
  if (b.aspect_ratio !== undefined && !ASPECTS.includes(b.aspect_ratio as string)) return `Invalid aspect_ratio: ${String(b.aspect_ratio)}`;
  if (b.duration !== undefined && !['5s', '9s'].includes(b.duration as string)) return `Invalid duration: ${String(b.duration)}`;
  if (b.resolution !== undefined && !['540p', '720p', '1080p', '4k'].includes(b.resolution as string)) return `Invalid resolution: ${String(b.resolution)}`;
  const f0 = (b.keyframes as { frame0?: { type?: string; url?: string } } | undefined)?.frame0;
  if (!f0) return null;
  if (f0.type !== 'image' || typeof f0.url !== 'string') return 'keyframes.frame0 must be {type: "image", url}';
  if (!isHttpUrl(f0.url)) return 'keyframes.frame0.url must be a URL (data URIs are not supported)';
  // Luma fetches the image: an unreachable or undecodable one is refused.
  try {
    const res = await fetch(f0.url);
    const img = res.ok ? await decodeImage(Buffer.from(await res.arrayBuffer()).toString('base64')) : null;
    if (!img) return `Failed to fetch image from ${f0.url}`;
    fetched.push(f0.url);
  } catch {
    return `Failed to fetch image from ${f0.url}`;
  }
  return null;
}
