/**
 * A loopback Runway API written from Runway's documentation, not from the client:
 * - runwayml/sdk-node src/resources/image-to-video.ts (ImageToVideoCreateParams: model, promptImage
 *   "A HTTPS URL or data URI", promptText "up to 1000 characters (measured in UTF-16 code units)",
 *   ratio, duration, seed) and src/resources/tasks.ts (status PENDING|THROTTLED|RUNNING|SUCCEEDED|
 *   FAILED|CANCELLED, output[]);
 * - docs.dev.runwayml.com/assets/inputs (URLs must be HTTPS and name a domain, not an IP; data URI
 *   "must be under 5MB (1024 x 1024 x 5 bytes)" with a content type; image/jpeg, image/png, image/webp);
 * - docs.dev.runwayml.com/usage/tiers ("If you exceed [the maximum daily generations], you'll receive a
 *   429 Too Many Requests response to the task creation request");
 * - gen4_turbo durations: any whole number of seconds from 2 to 10 (Runway API changelog, Oct 2025);
 * - the 400 error body as Runway's validator sends it: {error: "Validation of body failed", issues:
 *   [{code, message, path}], docUrl} (zod issues).
 * It refuses what those documents say the API refuses, with that error shape.
 */
import type http from 'node:http';
import { sendJson, type Recorded } from '../helpers';
import { decodeImage, parseDataUri } from './common';

const RATIOS = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'];
const TYPES = ['jpeg', 'jpg', 'png', 'webp'];
const DATA_URI_LIMIT = 1024 * 1024 * 5;

export interface RunwayApiOptions {
  key: string;
  /** Base URL of this server (for the output URL). */
  base: () => string;
  /** Creates allowed before the daily quota answers 429 (default unlimited). */
  dailyLimit?: number;
  /** Polls before a task succeeds (default 1). */
  pollsToFinish?: number;
}

interface Issue {
  code: string;
  message: string;
  path: (string | number)[];
}

export function runwayApi(o: RunwayApiOptions) {
  const state = { creates: 0, accepted: [] as Record<string, unknown>[], polls: new Map<string, number>() };
  const handler = async (r: Recorded, res: http.ServerResponse): Promise<void> => {
    if (r.headers.authorization !== `Bearer ${o.key}`) return sendJson(res, 401, { error: 'Unauthorized' });
    if (r.headers['x-runway-version'] !== '2024-11-06') return sendJson(res, 400, { error: 'Invalid or missing X-Runway-Version header' });
    if (r.method === 'POST' && r.path === '/v1/image_to_video') {
      const issues = await validate(r.json);
      if (issues.length) return sendJson(res, 400, { error: 'Validation of body failed', issues, docUrl: 'https://docs.dev.runwayml.com/api' });
      if (o.dailyLimit !== undefined && state.creates >= o.dailyLimit)
        return sendJson(res, 429, { error: 'You have exceeded the maximum number of daily generations for your tier.' });
      const id = `task-${++state.creates}`;
      state.accepted.push(r.json as Record<string, unknown>);
      return sendJson(res, 200, { id });
    }
    const m = /^\/v1\/tasks\/([\w-]+)$/.exec(r.path);
    if (m && r.method === 'GET') {
      const n = (state.polls.get(m[1]!) ?? 0) + 1;
      state.polls.set(m[1]!, n);
      if (n < (o.pollsToFinish ?? 1)) return sendJson(res, 200, { id: m[1], status: 'RUNNING', progress: 0.5 });
      return sendJson(res, 200, { id: m[1], status: 'SUCCEEDED', output: [`${o.base()}/out/${m[1]}.mp4`] });
    }
    if (m && r.method === 'DELETE') {
      res.writeHead(204);
      return void res.end();
    }
    return sendJson(res, 404, { error: 'Not found' });
  };
  return { handler, state };
}

async function validate(body: unknown): Promise<Issue[]> {
  const issues: Issue[] = [];
  const b = (body ?? {}) as Record<string, unknown>;
  const model = b.model;
  if (!['gen4_turbo', 'gen3a_turbo'].includes(model as string)) issues.push({ code: 'invalid_value', message: "Invalid option: expected one of 'gen4_turbo'|'gen3a_turbo'", path: ['model'] });
  if (typeof b.promptText === 'string') {
    if (b.promptText.length === 0) issues.push({ code: 'too_small', message: 'String must contain at least 1 character(s)', path: ['promptText'] });
    if (b.promptText.length > 1000) issues.push({ code: 'too_big', message: 'String must contain at most 1000 character(s)', path: ['promptText'] });
  } else if (b.promptText !== undefined) issues.push({ code: 'invalid_type', message: 'Expected string', path: ['promptText'] });
  if (!RATIOS.includes(b.ratio as string)) issues.push({ code: 'invalid_value', message: `Invalid option: expected one of ${RATIOS.map((x) => `'${x}'`).join('|')}`, path: ['ratio'] });
  const d = b.duration;
  if (d !== undefined) {
    const ok = model === 'gen4_turbo' ? Number.isInteger(d) && (d as number) >= 2 && (d as number) <= 10 : d === 5 || d === 10;
    if (!ok) issues.push({ code: 'invalid_value', message: model === 'gen4_turbo' ? 'Duration must be an integer from 2 to 10' : 'Duration must be 5 or 10', path: ['duration'] });
  }
  if (b.seed !== undefined && !(Number.isInteger(b.seed) && (b.seed as number) >= 0 && (b.seed as number) <= 4294967295))
    issues.push({ code: 'invalid_type', message: 'Seed must be an integer from 0 to 4294967295', path: ['seed'] });
  const img = b.promptImage;
  if (typeof img !== 'string') issues.push({ code: 'invalid_type', message: 'Expected string', path: ['promptImage'] });
  else if (img.startsWith('data:')) {
    const uri = parseDataUri(img);
    if (!uri) issues.push({ code: 'custom', message: 'Data URI must be base64 encoded with an image content type', path: ['promptImage'] });
    else if (img.length >= DATA_URI_LIMIT) issues.push({ code: 'too_big', message: 'Data URI must be under 5MB', path: ['promptImage'] });
    else if (!TYPES.includes(uri.type)) issues.push({ code: 'custom', message: `Unsupported content type image/${uri.type}`, path: ['promptImage'] });
    else {
      const decoded = await decodeImage(uri.b64);
      if (!decoded || !TYPES.includes(decoded.format)) issues.push({ code: 'custom', message: 'Asset could not be decoded as a supported image', path: ['promptImage'] });
    }
  } else {
    let u: URL | null = null;
    try {
      u = new URL(img);
    } catch {
      u = null;
    }
    if (!u || u.protocol !== 'https:') issues.push({ code: 'custom', message: 'URL must be HTTPS', path: ['promptImage'] });
    else if (/^[\d.]+$/.test(u.hostname) || u.hostname.includes(':')) issues.push({ code: 'custom', message: 'URL must reference a domain name, not an IP address', path: ['promptImage'] });
  }
  return issues;
}
