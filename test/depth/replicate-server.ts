/**
 * A loopback Replicate API for the hosted depth tests, written from Replicate's documentation, not
 * from the client:
 *   - HTTP API reference, https://replicate.com/docs/reference/http: predictions.create
 *     (POST /v1/predictions, body {version, input}, 201 + the prediction), models.predictions.create
 *     (POST /v1/models/{owner}/{name}/predictions, official models only, no version),
 *     predictions.get (GET /v1/predictions/{id}), predictions.cancel (POST /v1/predictions/{id}/cancel,
 *     answers the prediction); a prediction is {id, model, version, input, logs, output, error, status,
 *     created_at, started_at, completed_at, urls: {get, cancel, web}} with status starting ->
 *     processing -> succeeded | failed | canceled. Auth: `Authorization: Bearer <token>`.
 *   - https://replicate.com/docs/topics/predictions/create-a-prediction: `Prefer: wait` (or wait=n,
 *     1..60 s) holds the create open until the prediction finishes or n s pass, then answers it as it is.
 *   - https://replicate.com/docs/topics/predictions/rate-limits: accounts without a payment method get
 *     1 request/s, 6/minute; a throttled request gets 429 {"detail":"Request was throttled. Your rate
 *     limit resets in ~30s."} (scripted here with `fail`; replicate-javascript 1.4.0 lib/util.js also
 *     reads a Retry-After header).
 *   - https://replicate.com/docs/topics/predictions/input-files: a data URI "is only recommended if the
 *     file is less than 1MB". This server REFUSES larger data URIs (422): stricter than the live API on
 *     purpose, so a client that sends more fails its tests.
 *   - Error bodies as the live API writes them (quoted in public bug reports): 401 {"title":
 *     "Unauthenticated","detail":"You did not pass a valid authentication token","status":401}; an
 *     unknown version 422 {"title":"Invalid version or not permitted","detail":"The specified version
 *     does not exist (or perhaps you don't have permission to use it?)","status":422}; bad input 422
 *     {"title":"Input validation failed","detail":"- input: prompt is required\n","status":422,
 *     "invalid_fields":[{"type":"required","field":"input","description":"prompt is required"}]}. A
 *     create without a version gets that validation shape for the field "version" ("version is
 *     required", the refusal issue 13 reports).
 *   - The model: chenxwh/depth-anything-v2 at version b239ea33...ebd4 (the id public code runs it by),
 *     whose Cog predictor (github.com/chenxwh/Depth-Anything-V2, predict.py) takes `image` (a file) and
 *     `model_size` (choices Small / Base / Large, default Large) and returns {color_depth, grey_depth}:
 *     grey is the depth of the input, min-max normalised to 8 bits, bright = near, at the input's size.
 *     This server cannot run the network: its grey_depth is a vertical ramp (bottom = near) at the size
 *     of the image it was sent, which the tests can recognise.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

export const DEPTH_ANYTHING_V2 = 'chenxwh/depth-anything-v2';
export const DEPTH_ANYTHING_V2_VERSION = 'b239ea33cff32bb7abb5db39ffe9a09c14cbc2894331d1ef66fe096eed88ebd4';
/** An official model (runnable without a version) for the models endpoint. */
export const OFFICIAL_DEPTH_MODEL = 'acme/official-depth';
export const DATA_URI_LIMIT = 1_000_000;

type Route = 'create' | 'get' | 'cancel' | 'file';

export interface Fault {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body?: Record<string, unknown>;
  bytes: number;
  at: number;
}

interface Prediction {
  id: string;
  model: string;
  version: string | null;
  input: Record<string, unknown>;
  logs: string;
  output: unknown;
  error: string | null;
  status: 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  urls: { get: string; cancel: string; web: string };
  /** Server side only. */
  sent: { width: number; height: number };
}

export interface ReplicateServer {
  url: string;
  token: string;
  requests: RecordedRequest[];
  predictions: Map<string, Prediction>;
  /** How long a prediction runs before it succeeds (ms; Infinity: until cancelled). */
  runMs: number;
  /** Make the next prediction fail with this error instead of succeeding. */
  failNextPrediction?: string;
  /** Answer the next `times` requests on a route with this fault. */
  fail(route: Route, fault: Fault, times?: number): void;
  close(): Promise<void>;
}

const UNAUTHENTICATED = { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 };
const INVALID_VERSION = {
  title: 'Invalid version or not permitted',
  detail: "The specified version does not exist (or perhaps you don't have permission to use it?)",
  status: 422,
};

function invalid(field: string, description: string, type = 'required'): unknown {
  return { title: 'Input validation failed', detail: `- ${field}: ${description}\n`, status: 422, invalid_fields: [{ type, field, description }] };
}

/** The models this server can run: their input schema, as their predictors declare it. */
const SCHEMAS: Record<string, { model: string; official: boolean; check: (input: Record<string, unknown>) => unknown | undefined }> = {
  [DEPTH_ANYTHING_V2_VERSION]: {
    model: DEPTH_ANYTHING_V2,
    official: false,
    check: (input) => {
      const size = input.model_size ?? 'Large';
      if (!['Small', 'Base', 'Large'].includes(String(size))) return invalid('input.model_size', 'model_size must be one of the following: "Small", "Base", "Large"', 'enum');
      return undefined;
    },
  },
  [OFFICIAL_DEPTH_MODEL]: { model: OFFICIAL_DEPTH_MODEL, official: true, check: () => undefined },
};

export async function startReplicateServer(opts: { token?: string; runMs?: number } = {}): Promise<ReplicateServer> {
  const faults = new Map<Route, Fault[]>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Map<string, Set<() => void>>();
  let seq = 0;

  const settle = (p: Prediction, status: Prediction['status'], patch: Partial<Prediction> = {}): void => {
    if (['succeeded', 'failed', 'canceled'].includes(p.status)) return;
    Object.assign(p, { status, completed_at: new Date().toISOString() }, patch);
    for (const w of waiters.get(p.id) ?? []) w();
    waiters.delete(p.id);
  };

  const server: ReplicateServer = {
    url: '',
    token: opts.token ?? 'r8_test_token',
    requests: [],
    predictions: new Map(),
    runMs: opts.runMs ?? 30,
    fail(route, fault, times = 1) {
      const q = faults.get(route) ?? [];
      for (let i = 0; i < times; i++) q.push(fault);
      faults.set(route, q);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const ws of waiters.values()) for (const w of ws) w();
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };

  const view = (p: Prediction): Omit<Prediction, 'sent'> => {
    const { sent: _sent, ...rest } = p;
    return rest;
  };

  const create = async (model: string, version: string | null, input: Record<string, unknown>, prefer: string | undefined): Promise<[number, unknown]> => {
    const image = input.image;
    if (typeof image !== 'string' || !image) return [422, invalid('input', 'image is required')];
    if (!/^(https?:|data:)/.test(image)) return [422, invalid('input.image', 'Does not match format \'uri\'', 'format')];
    let sent = { width: 0, height: 0 };
    if (image.startsWith('data:')) {
      if (image.length > DATA_URI_LIMIT) {
        return [422, invalid('input.image', `data URI of ${image.length} bytes is over the 1MB recommended for data URIs (upload the file instead)`, 'size')];
      }
      try {
        const meta = await sharp(Buffer.from(image.slice(image.indexOf(',') + 1), 'base64')).metadata();
        sent = { width: meta.width ?? 0, height: meta.height ?? 0 };
      } catch {
        return [422, invalid('input.image', 'cannot be read as an image', 'format')];
      }
    }
    const id = `p${++seq}${Math.random().toString(36).slice(2, 8)}`;
    const now = new Date().toISOString();
    const p: Prediction = {
      id,
      model,
      version,
      input: { ...input, image: `${image.slice(0, 40)}...` },
      logs: '',
      output: null,
      error: null,
      status: 'starting',
      created_at: now,
      started_at: null,
      completed_at: null,
      urls: { get: `${server.url}/v1/predictions/${id}`, cancel: `${server.url}/v1/predictions/${id}/cancel`, web: `https://replicate.com/p/${id}` },
      sent,
    };
    server.predictions.set(id, p);
    const failWith = server.failNextPrediction;
    server.failNextPrediction = undefined;
    const started = setTimeout(() => {
      if (p.status === 'starting') Object.assign(p, { status: 'processing', started_at: new Date().toISOString() });
    }, Math.min(10, server.runMs / 2));
    timers.add(started);
    if (Number.isFinite(server.runMs)) {
      const done = setTimeout(() => {
        if (failWith) settle(p, 'failed', { error: failWith });
        else settle(p, 'succeeded', { output: { color_depth: `${server.url}/files/${id}/color.png`, grey_depth: `${server.url}/files/${id}/grey.png` } });
      }, server.runMs);
      timers.add(done);
    }
    const wait = prefer ? /^wait(?:=(\d+))?$/.exec(prefer.trim()) : null;
    if (wait) {
      const seconds = Math.min(60, Math.max(1, Number(wait[1] ?? 60)));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, seconds * 1000);
        timers.add(t);
        const set = waiters.get(id) ?? new Set();
        set.add(() => {
          clearTimeout(t);
          resolve();
        });
        waiters.set(id, set);
      });
    }
    return [201, view(p)];
  };

  const handle = async (req: http.IncomingMessage, raw: Buffer): Promise<[number, unknown, Record<string, string>?] | Buffer> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const route: Route | undefined = url.pathname.startsWith('/files/')
      ? 'file'
      : method === 'GET' && /^\/v1\/predictions\/[^/]+$/.test(url.pathname)
        ? 'get'
        : method === 'POST' && /^\/v1\/predictions\/[^/]+\/cancel$/.test(url.pathname)
          ? 'cancel'
          : method === 'POST' && (url.pathname === '/v1/predictions' || /^\/v1\/models\/[^/]+\/[^/]+\/predictions$/.test(url.pathname))
            ? 'create'
            : undefined;
    const fault = route ? faults.get(route)?.shift() : undefined;
    if (fault) return [fault.status, fault.body ?? {}, fault.headers];

    if (route === 'file') {
      // Output files (replicate.delivery) need no token.
      const m = /^\/files\/([^/]+)\/(grey|color)\.png$/.exec(url.pathname);
      const p = m ? server.predictions.get(m[1]!) : undefined;
      if (!p || p.status !== 'succeeded') return [404, { detail: 'Not found.' }];
      const { width, height } = p.sent;
      const g = Buffer.alloc(width * height);
      for (let y = 0; y < height; y++) g.fill(Math.round((y / Math.max(1, height - 1)) * 255), y * width, (y + 1) * width);
      return sharp(g, { raw: { width, height, channels: 1 } }).png().toBuffer();
    }
    if (req.headers.authorization !== `Bearer ${server.token}`) return [401, UNAUTHENTICATED];

    if (route === 'create') {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        return [400, { title: 'Bad request', detail: 'request body is not JSON', status: 400 }];
      }
      const input = body.input;
      if (!input || typeof input !== 'object' || Array.isArray(input)) return [422, invalid('input', 'input is required')];
      const prefer = typeof req.headers.prefer === 'string' ? req.headers.prefer : undefined;
      const official = /^\/v1\/models\/([^/]+\/[^/]+)\/predictions$/.exec(url.pathname)?.[1];
      if (official) {
        const s = SCHEMAS[official];
        if (!s?.official) return [404, { title: 'Not found', detail: `Model ${official} is not an official model: run it by version`, status: 404 }];
        const bad = s.check(input as Record<string, unknown>);
        if (bad) return [422, bad];
        return create(official, null, input as Record<string, unknown>, prefer);
      }
      if (typeof body.version !== 'string' || !body.version) return [422, invalid('version', 'version is required')];
      const s = SCHEMAS[body.version];
      if (!s || s.official) return [422, INVALID_VERSION];
      const bad = s.check(input as Record<string, unknown>);
      if (bad) return [422, bad];
      return create(s.model, body.version, input as Record<string, unknown>, prefer);
    }
    const id = /^\/v1\/predictions\/([^/]+)/.exec(url.pathname)?.[1];
    const p = id ? server.predictions.get(id) : undefined;
    if (route === 'get' || route === 'cancel') {
      if (!p) return [404, { title: 'Not found', detail: 'Not found.', status: 404 }];
      if (route === 'cancel') settle(p, 'canceled');
      return [200, view(p)];
    }
    return [404, { title: 'Not found', detail: 'Not found.', status: 404 }];
  };

  const httpServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, bytes: raw.length, at: Date.now() };
      try {
        if (raw.length) rec.body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        /* recorded as bytes only */
      }
      server.requests.push(rec);
      handle(req, raw).then(
        (answer) => {
          if (res.destroyed) return;
          if (Buffer.isBuffer(answer)) {
            res.writeHead(200, { 'Content-Type': 'image/png' });
            res.end(answer);
            return;
          }
          const [status, body, headers] = answer;
          res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        },
        (err: unknown) => {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ detail: String(err) }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return server;
}
