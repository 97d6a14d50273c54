/**
 * A loopback Haiper API written from Haiper's last public documentation and its own client, not from
 * Stillmotion's: HaiperAI/ComfyUI-HaiperAI-API py/haiper_api_node.py (get_video_by_i2v_pipeline):
 * POST /v1/jobs/gen2/image2video {prompt, config: {source_image}, settings: {duration, seed,
 * resolution}, is_public, is_enable_prompt_enhancer} -> {status, value: {generation_id}};
 * source_image is a URL or `data:image/png;base64,...` (the client's image2base64);
 * GET /v1/jobs/{id}/status -> {value: {status: pending|processing|post_processing|succeed|failed}};
 * GET /v1/creation/{id} -> {value: {video_url}}. Haiper's API defaulted is_public to true and the
 * prompt enhancer to on: this server records what each create asked for, applying those defaults.
 */
import type http from 'node:http';
import { sendJson, type Recorded } from '../helpers';
import { decodeImage, isHttpUrl, parseDataUri } from './common';

export interface HaiperApiOptions {
  key: string;
  base: () => string;
}

export interface HaiperCreate {
  body: Record<string, unknown>;
  /** After Haiper's defaults: would the generation be published / the prompt rewritten? */
  published: boolean;
  promptEnhanced: boolean;
}

export function haiperApi(o: HaiperApiOptions) {
  const state = { creates: [] as HaiperCreate[] };
  const handler = async (r: Recorded, res: http.ServerResponse): Promise<void> => {
    if (r.headers.authorization !== `Bearer ${o.key}`) return sendJson(res, 401, { status: 'error', message: 'Unauthorized' });
    if (r.method === 'POST' && r.path === '/v1/jobs/gen2/image2video') {
      const b = (r.json ?? {}) as Record<string, unknown>;
      const src = (b.config as { source_image?: unknown } | undefined)?.source_image;
      if (typeof src !== 'string') return sendJson(res, 400, { status: 'error', message: 'config.source_image is required' });
      if (!isHttpUrl(src)) {
        const uri = parseDataUri(src);
        const img = uri ? await decodeImage(uri.b64) : null;
        if (!img) return sendJson(res, 400, { status: 'error', message: 'config.source_image is neither a URL nor a base64 image data URI' });
      }
      state.creates.push({ body: b, published: b.is_public !== false, promptEnhanced: b.is_enable_prompt_enhancer !== false });
      return sendJson(res, 200, { status: 'success', value: { generation_id: `h-${state.creates.length}` } });
    }
    let m = /^\/v1\/jobs\/([\w-]+)\/status$/.exec(r.path);
    if (m) return sendJson(res, 200, { status: 'success', value: { status: 'succeed', progress: 1 } });
    m = /^\/v1\/creation\/([\w-]+)$/.exec(r.path);
    if (m) return sendJson(res, 200, { status: 'success', value: { video_url: `${o.base()}/out/${m[1]}.mp4` } });
    return sendJson(res, 404, { status: 'error', message: 'Not found' });
  };
  return { handler, state };
}
