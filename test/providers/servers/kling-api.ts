/**
 * A loopback Kling API written from Kling's API reference (klingai.com developer docs; mirrored in
 * inference-sh/grid api/klingai/docs/00-general.md and 04-video-image2video.md), not from the client:
 * - auth: HS256 JWT {iss: access key, exp, nbf} as a Bearer token; 401 code 1000-1004 otherwise;
 * - POST /v1/videos/image2video: model_name (kling-v1, kling-v1-5, kling-v1-6, kling-v2-master,
 *   kling-v2-1, kling-v2-1-master, kling-v2-5-turbo, kling-v2-6), image (URL or base64 "No data:
 *   prefix"; .jpg/.jpeg/.png, <= 10MB, >= 300px, aspect 1:2.5..2.5:1), prompt (max 2500 chars),
 *   mode std|pro, duration "5"|"10", cfg_scale ("not for V2.x": refused here for v2 models);
 * - errors {code, message, request_id}: 400 code 1201 invalid parameter value; 429 codes 1100 account
 *   exception, 1101 account in arrears, 1102 resource pack depleted; 429 1303 parallel-task limit;
 * - GET /v1/videos/image2video/{task_id} -> data.task_status submitted|processing|succeed|failed,
 *   data.task_result.videos[0].url.
 */
import type http from 'node:http';
import { verifyHs256 } from '../../../src/providers/jwt';
import { sendJson, type Recorded } from '../helpers';
import { decodeImage, isHttpUrl } from './common';

export const KLING_MODELS = ['kling-v1', 'kling-v1-5', 'kling-v1-6', 'kling-v2-master', 'kling-v2-1', 'kling-v2-1-master', 'kling-v2-5-turbo', 'kling-v2-6'];

export interface KlingApiOptions {
  access: string;
  secret: string;
  base: () => string;
  /** Answer every create with this account problem (1100 | 1101 | 1102). */
  accountCode?: 1100 | 1101 | 1102;
}

const ACCOUNT_MESSAGES = { 1100: 'Account exception', 1101: 'Account in arrears (postpaid scenario)', 1102: 'Resource pack depleted or expired' };

export function klingApi(o: KlingApiOptions) {
  const state = { accepted: [] as Record<string, unknown>[], creates: 0 };
  const refuse = (res: http.ServerResponse, status: number, code: number, message: string) => sendJson(res, status, { code, message, request_id: 'rq-test' });
  const handler = async (r: Recorded, res: http.ServerResponse): Promise<void> => {
    const auth = r.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) return refuse(res, 401, 1001, 'Authorization is empty');
    try {
      const { payload } = verifyHs256(auth.slice(7), o.secret);
      if (payload.iss !== o.access) return refuse(res, 401, 1002, 'Authorization is invalid');
    } catch {
      return refuse(res, 401, 1000, 'Authentication failed');
    }
    if (r.method === 'POST' && r.path === '/v1/videos/image2video') {
      state.creates++;
      if (o.accountCode) return refuse(res, 429, o.accountCode, ACCOUNT_MESSAGES[o.accountCode]);
      const problem = await validate(r.json);
      if (problem) return refuse(res, 400, 1201, problem);
      state.accepted.push(r.json as Record<string, unknown>);
      return sendJson(res, 200, { code: 0, message: 'SUCCEED', request_id: 'rq', data: { task_id: `k-${state.accepted.length}`, task_status: 'submitted' } });
    }
    const m = /^\/v1\/videos\/image2video\/([\w-]+)$/.exec(r.path);
    if (m) {
      return sendJson(res, 200, {
        code: 0,
        message: 'SUCCEED',
        data: { task_id: m[1], task_status: 'succeed', task_result: { videos: [{ id: 'v', url: `${o.base()}/out/${m[1]}.mp4`, duration: '5' }] } },
      });
    }
    return refuse(res, 404, 1202, 'Invalid request method');
  };
  return { handler, state };
}

async function validate(body: unknown): Promise<string | null> {
  const b = (body ?? {}) as Record<string, unknown>;
  const model = (b.model_name as string | undefined) ?? 'kling-v1';
  if (!KLING_MODELS.includes(model)) return `model_name value '${model}' is invalid`;
  if (b.mode !== undefined && b.mode !== 'std' && b.mode !== 'pro') return `mode value '${String(b.mode)}' is invalid`;
  if (b.duration !== undefined && b.duration !== '5' && b.duration !== '10') return `duration value '${String(b.duration)}' is invalid`;
  if (typeof b.prompt === 'string' && b.prompt.length > 2500) return 'prompt cannot exceed 2500 characters';
  if (b.cfg_scale !== undefined && !model.startsWith('kling-v1')) return `cfg_scale is not supported by ${model}`;
  const img = b.image;
  if (typeof img !== 'string' || !img) return 'image is required';
  if (img.startsWith('data:')) return 'image must be a URL or Base64 without the data: prefix';
  if (isHttpUrl(img)) return null;
  const d = await decodeImage(img);
  if (!d) return 'image could not be decoded';
  if (d.format !== 'jpeg' && d.format !== 'png') return `image format ${d.format} is not supported (.jpg / .jpeg / .png)`;
  if (d.bytes > 10 * 1024 * 1024) return 'image cannot exceed 10MB';
  if (Math.min(d.width, d.height) < 300) return `image dimensions ${d.width}x${d.height}: each side must be at least 300px`;
  const aspect = Math.max(d.width, d.height) / Math.min(d.width, d.height);
  if (aspect > 2.5) return `image aspect ratio ${aspect.toFixed(2)} must be between 1:2.5 and 2.5:1`;
  return null;
}
