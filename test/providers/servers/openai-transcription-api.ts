/**
 * A loopback OpenAI transcription API written from OpenAI's documentation, not from the client:
 * - API reference, Audio > Create transcription (platform.openai.com/docs/api-reference/audio/createTranscription):
 *   POST /v1/audio/transcriptions, multipart/form-data with `file` (flac, mp3, mp4, mpeg, mpga, m4a,
 *   ogg, wav or webm; uploads up to 25 MB) and `model` (whisper-1, gpt-4o-transcribe,
 *   gpt-4o-mini-transcribe) required; `response_format` json|text|srt|verbose_json|vtt (the gpt-4o
 *   models: json only); `timestamp_granularities[]` word and/or segment, which needs
 *   response_format verbose_json. The verbose_json answer is the TranscriptionVerbose object
 *   {task, language, duration, text, words: [{word, start, end}], segments?}.
 * - Error codes guide (platform.openai.com/docs/guides/error-codes): 401 for a missing or incorrect
 *   key, 400 for an invalid request, 500 "The server had an error while processing your request";
 *   every error is {error: {message, type, param, code}}.
 * The words it answers are what the test says the audio holds (`words`), but the upload is decoded
 * with a real decoder first, as the API does: a file that is not audio is refused.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeAudio } from '../../../src/audio/decode-audio';

const FORMATS = ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm'];
const MODELS = ['whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe'];

export interface TranscriptionApiOptions {
  key: string;
  /** What the audio says: words with their times in seconds. */
  words: { word: string; start: number; end: number }[];
  /** Answer this many requests with HTTP 500 first. */
  failures?: number;
}

export interface TranscriptionApi {
  url: string;
  /** Every request: its status, and the form fields it sent (file as its name and size). */
  requests: { status: number; fields: Record<string, string> }[];
  close(): Promise<void>;
}

function error(status: number, message: string, type: string, param: string | null = null, code: string | null = null) {
  return { status, body: { error: { message, type, param, code } } };
}

async function answer(o: TranscriptionApiOptions, state: { failed: number }, req: http.IncomingMessage, body: Buffer, fields: Record<string, string>) {
  const url = req.url ?? '/';
  if (req.method !== 'POST' || url !== '/v1/audio/transcriptions') return error(404, `Invalid URL (${req.method} ${url})`, 'invalid_request_error');
  const auth = req.headers.authorization;
  if (!auth) {
    return error(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.",
      'invalid_request_error',
    );
  }
  if (auth !== `Bearer ${o.key}`) {
    const given = auth.replace(/^Bearer\s+/, '');
    return error(401, `Incorrect API key provided: ${given.slice(0, 3)}***${given.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', null, 'invalid_api_key');
  }
  if (state.failed < (o.failures ?? 0)) {
    state.failed++;
    return error(500, 'The server had an error while processing your request. Sorry about that!', 'server_error');
  }
  if (!/^multipart\/form-data/.test(req.headers['content-type'] ?? '')) return error(400, 'Invalid Content-Type header: expected multipart/form-data', 'invalid_request_error');
  const form = await new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': req.headers['content-type']! }, body: new Uint8Array(body) }).formData();
  const file = form.get('file');
  const model = form.get('model');
  for (const [k, v] of form.entries()) fields[k] = typeof v === 'string' ? v : `${v.name} (${v.size} bytes)`;
  if (!(file instanceof File)) return error(400, "'file' is a required property", 'invalid_request_error', 'file');
  if (typeof model !== 'string' || !model) return error(400, "'model' is a required property", 'invalid_request_error', 'model');
  if (!MODELS.includes(model)) return error(400, `Invalid model: ${model}`, 'invalid_request_error', 'model', 'model_not_found');
  const format = String(form.get('response_format') ?? 'json');
  const granularities = [...form.getAll('timestamp_granularities[]'), ...form.getAll('timestamp_granularities')].map(String);
  if (model !== 'whisper-1' && format !== 'json') {
    return error(400, `response_format '${format}' is not compatible with model '${model}'. Use 'json' or 'text' instead.`, 'invalid_request_error', 'response_format', 'unsupported_value');
  }
  if (granularities.length && format !== 'verbose_json') {
    return error(400, "timestamp_granularities requires response_format 'verbose_json'", 'invalid_request_error', 'timestamp_granularities');
  }
  if (file.size > 25 * 1024 * 1024) return error(413, 'Maximum content size limit (26214400) exceeded', 'invalid_request_error');
  const ext = path.extname(file.name).slice(1).toLowerCase();
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'openai-upload-'));
  let duration: number;
  try {
    const f = path.join(tmp, `upload.${ext || 'bin'}`);
    await fs.writeFile(f, Buffer.from(await file.arrayBuffer()));
    if (!FORMATS.includes(ext)) throw new Error('extension');
    duration = (await decodeAudio(f)).source.duration;
  } catch {
    return error(400, `Invalid file format. Supported formats: ${JSON.stringify(FORMATS)}`, 'invalid_request_error');
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  const words = o.words.filter((w) => w.start < duration);
  const text = words.map((w) => w.word).join(' ');
  if (format === 'text') return { status: 200, body: text };
  if (format !== 'verbose_json') return { status: 200, body: { text } };
  return {
    status: 200,
    body: { task: 'transcribe', language: 'english', duration, text, ...(granularities.includes('word') ? { words } : {}), ...(granularities.includes('segment') || !granularities.length ? { segments: [] } : {}) },
  };
}

export async function startTranscriptionApi(o: TranscriptionApiOptions): Promise<TranscriptionApi> {
  const state = { failed: 0 };
  const requests: TranscriptionApi['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fields: Record<string, string> = {};
      answer(o, state, req, Buffer.concat(chunks), fields)
        .catch((err: unknown) => error(500, String(err), 'server_error'))
        .then(({ status, body }) => {
          requests.push({ status, fields });
          res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
          res.end(typeof body === 'string' ? body : JSON.stringify(body));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
