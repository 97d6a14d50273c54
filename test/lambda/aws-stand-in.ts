/**
 * A loopback server on 127.0.0.1 speaking the AWS wire protocols @remotion/lambda uses, so the
 * real client runs unmodified in tests (pointed here with AWS_ENDPOINT_URL_LAMBDA, _STS and
 * _CLOUDWATCH_LOGS):
 *   - Lambda Invoke (POST /2015-03-31/functions/{name}/invocations) standing in for the Remotion
 *     function: `start` records the payload and answers a render id, `status` answers the next
 *     scripted getRenderProgress step, `info` answers the Remotion version;
 *   - the Lambda control plane deployFunction calls (ListFunctions, CreateFunction, GetFunction,
 *     TagResource, PutFunctionEventInvokeConfig, PutRuntimeManagementConfig);
 *   - STS GetCallerIdentity and CloudWatch Logs CreateLogGroup / PutRetentionPolicy.
 * A finished render puts an output object into the S3-compatible server (s3rver), as the real
 * function does, so outputs can be downloaded: the `done` step's bytes, else a small real MP4
 * (H.264 + AAC: a 1 s tone at -20 dBFS over a still, made with Remotion's ffmpeg). It is
 * not the composition: a test that checks what the output holds gives the bytes of a real render.
 */
import { promises as fs } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { VERSION } from 'remotion/version';
import { runFf } from '../../src/media/ffmpeg';
import { sendJson, startServer, type MockServer, type Recorded } from '../providers/helpers';

/** One answer to a getRenderProgress call. */
export type ProgressStep =
  | { kind: 'progress'; progress: number; framesRendered: number; lambdasInvoked?: number; cost?: number }
  | { kind: 'throttle' }
  | { kind: 'server-error' }
  | { kind: 'chunk-error'; chunk: number; message: string; progress: number }
  | { kind: 'fatal'; message: string; cost: number }
  | { kind: 'done'; cost: number; bytes?: Buffer };

/** How a `start` call for a composition is answered before it succeeds. */
export type StartBehaviour = 'ok' | 'throttle-once' | 'function-error' | 'not-found';

export interface StartRecord {
  functionName: string;
  payload: Record<string, unknown>;
  /** The input props as the function would read them (inline payload, or from the bucket). */
  inputProps: Record<string, unknown>;
  renderId: string;
}

export interface FunctionRecord {
  FunctionName: string;
  FunctionArn: string;
  MemorySize: number;
  Timeout: number;
  EphemeralStorage: { Size: number };
  Runtime: string;
  Architectures: string[];
  Role: string;
  Layers: string[];
}

export interface AwsStandIn {
  endpoint: string;
  requests: Recorded[];
  starts: StartRecord[];
  /** Status calls answered per render id (including throttled ones). */
  statusCalls: Map<string, number>;
  functions: Map<string, FunctionRecord>;
  /** Scripted progress per composition id (Landscape, Portrait, Square). */
  scripts: Record<string, ProgressStep[]>;
  startBehaviour: Record<string, StartBehaviour>;
  close(): Promise<void>;
}

const ACCOUNT = '123456789012';

let placeholder: Promise<Buffer> | null = null;

/** The default output: a real MP4 (so what is done to outputs after download can run), made once. */
function placeholderVideo(): Promise<Buffer> {
  placeholder ??= (async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-lambda-output-'));
    try {
      const still = path.join(dir, 'still.png');
      await sharp({ create: { width: 64, height: 36, channels: 3, background: { r: 40, g: 90, b: 160 } } }).png().toFile(still);
      const out = path.join(dir, 'out.mp4');
      const r = await runFf('ffmpeg', [
        '-hide_banner', '-loglevel', 'error', '-loop', '1', '-framerate', '30', '-i', still,
        '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1', '-t', '1',
        '-af', 'volume=0.8', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', '-shortest', '-y', out,
      ]);
      if (r.code !== 0) throw new Error(`stand-in output video: ffmpeg exit ${r.code}: ${r.stderr}`);
      return await fs.readFile(out);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  })();
  return placeholder;
}

function progressBody(renderId: string, bucket: string, over: Partial<Record<string, unknown>>): Record<string, unknown> {
  return {
    type: 'success',
    chunks: 0,
    done: false,
    encodingStatus: null,
    costs: { accruedSoFar: 0, displayCost: '$0.000', currency: 'USD', disclaimer: 'Estimated cost for function invocations only.' },
    renderId,
    renderMetadata: null,
    bucket,
    outputFile: null,
    outKey: null,
    outBucket: null,
    timeToFinish: null,
    errors: [],
    fatalErrorEncountered: false,
    currentTime: Date.now(),
    renderSize: 0,
    lambdasInvoked: 0,
    cleanup: null,
    timeToFinishChunks: null,
    timeToRenderFrames: null,
    timeToEncode: null,
    overallProgress: 0,
    retriesInfo: [],
    mostExpensiveFrameRanges: null,
    framesRendered: 0,
    outputSizeInBytes: null,
    estimatedBillingDurationInMilliseconds: null,
    combinedFrames: 0,
    timeToCombine: null,
    timeoutTimestamp: Date.now() + 240_000,
    functionLaunched: Date.now(),
    serveUrlOpened: null,
    compositionValidated: null,
    artifacts: [],
    ...over,
  };
}

function errorInfo(message: string, chunk: number | null, isFatal: boolean, attempt: number, willRetry: boolean): Record<string, unknown> {
  return { type: 'renderer', message, name: 'Error', stack: `Error: ${message}`, frame: null, chunk, isFatal, attempt, willRetry, totalAttempts: 2, tmpDir: null, s3Location: '', explanation: null };
}

export async function startAwsStandIn(s3Endpoint: string): Promise<AwsStandIn> {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: s3Endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const starts: StartRecord[] = [];
  const statusCalls = new Map<string, number>();
  const functions = new Map<string, FunctionRecord>();
  const renders = new Map<string, { composition: string; bucket: string; outName: string; step: number }>();
  const throttledStarts = new Set<string>();
  let nextId = 1;

  const state: Omit<AwsStandIn, 'endpoint' | 'requests' | 'close'> = { starts, statusCalls, functions, scripts: {}, startBehaviour: {} };

  const invoke = async (fnName: string, payload: Record<string, unknown>, res: http.ServerResponse): Promise<void> => {
    if (payload.type === 'info') return sendJson(res, 200, { type: 'success', version: VERSION });
    if (payload.type === 'start') {
      const composition = String(payload.composition);
      const behaviour = state.startBehaviour[composition] ?? 'ok';
      if (behaviour === 'not-found') {
        return sendJson(res, 404, { Type: 'User', message: `Function not found: arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fnName}` }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
      }
      if (behaviour === 'throttle-once' && !throttledStarts.has(composition)) {
        throttledStarts.add(composition);
        return sendJson(res, 429, { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.' }, { 'x-amzn-errortype': 'TooManyRequestsException' });
      }
      if (behaviour === 'function-error') {
        return sendJson(res, 200, { type: 'error', message: `Composition "${composition}" could not be opened: out of memory`, stack: 'Error: out of memory' });
      }
      const ip = payload.inputProps as { type: string; payload?: string; hash?: string; bucketName?: string };
      let text: string;
      if (ip.type === 'payload') text = ip.payload!;
      else {
        const obj = await s3.send(new GetObjectCommand({ Bucket: ip.bucketName!, Key: `input-props/${ip.hash}.json` }));
        text = await obj.Body!.transformToString();
      }
      const renderId = `render${String(nextId++).padStart(4, '0')}`;
      const bucket = String(payload.bucketName);
      // As the real function does: the render's progress file, which cancelRenderOnLambda reads.
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `renders/${renderId}/progress.json`,
          Body: JSON.stringify({ cancellationEnabled: payload.enableCancellation === true, chunks: [], framesRendered: 0, errors: [], timeoutTimestamp: Date.now() + 240_000 }),
        }),
      );
      starts.push({ functionName: fnName, payload, inputProps: JSON.parse(text) as Record<string, unknown>, renderId });
      renders.set(renderId, { composition, bucket, outName: String(payload.outName), step: 0 });
      return sendJson(res, 200, { type: 'success', renderId, bucketName: bucket });
    }
    if (payload.type === 'status') {
      const renderId = String(payload.renderId);
      const r = renders.get(renderId);
      statusCalls.set(renderId, (statusCalls.get(renderId) ?? 0) + 1);
      if (!r) return sendJson(res, 200, { type: 'error', message: `no render ${renderId}`, stack: '' });
      const script = state.scripts[r.composition] ?? [{ kind: 'done', cost: 0.001 }];
      const step = script[Math.min(r.step, script.length - 1)]!;
      r.step++;
      switch (step.kind) {
        case 'throttle':
          return sendJson(res, 429, { Type: 'User', message: 'Rate Exceeded.' }, { 'x-amzn-errortype': 'TooManyRequestsException' });
        case 'server-error':
          return sendJson(res, 500, { message: 'Service error' }, { 'x-amzn-errortype': 'ServiceException' });
        case 'progress':
          return sendJson(res, 200, progressBody(renderId, r.bucket, { overallProgress: step.progress, framesRendered: step.framesRendered, lambdasInvoked: step.lambdasInvoked ?? 3, costs: { accruedSoFar: step.cost ?? 0, displayCost: `$${(step.cost ?? 0).toFixed(3)}`, currency: 'USD', disclaimer: '' } }));
        case 'chunk-error':
          return sendJson(res, 200, progressBody(renderId, r.bucket, { overallProgress: step.progress, lambdasInvoked: 3, errors: [errorInfo(step.message, step.chunk, false, 1, true)] }));
        case 'fatal':
          return sendJson(
            res,
            200,
            progressBody(renderId, r.bucket, {
              fatalErrorEncountered: true,
              overallProgress: 0.2,
              lambdasInvoked: 3,
              errors: [errorInfo(step.message, 2, true, 2, false)],
              costs: { accruedSoFar: step.cost, displayCost: `$${step.cost.toFixed(3)}`, currency: 'USD', disclaimer: '' },
            }),
          );
        case 'done': {
          const key = `renders/${renderId}/${r.outName}`;
          const bytes = step.bytes ?? (await placeholderVideo());
          await s3.send(new PutObjectCommand({ Bucket: r.bucket, Key: key, Body: bytes }));
          return sendJson(
            res,
            200,
            progressBody(renderId, r.bucket, {
              done: true,
              overallProgress: 1,
              framesRendered: 99999,
              lambdasInvoked: 4,
              outputFile: `https://s3.us-east-1.amazonaws.com/${r.bucket}/${key}`,
              outKey: key,
              outBucket: r.bucket,
              outputSizeInBytes: bytes.length,
              costs: { accruedSoFar: step.cost, displayCost: `$${step.cost.toFixed(3)}`, currency: 'USD', disclaimer: '' },
            }),
          );
        }
      }
    }
    return sendJson(res, 400, { Type: 'User', message: `unknown routine ${String(payload.type)}` }, { 'x-amzn-errortype': 'InvalidRequestContentException' });
  };

  const server: MockServer = await startServer(async (req, res) => {
    const url = new URL(req.path, 'http://x');
    const p = decodeURIComponent(url.pathname);
    const target = String(req.headers['x-amz-target'] ?? '');
    // STS (query protocol).
    if (req.method === 'POST' && p === '/' && /Action=GetCallerIdentity/.test(req.body)) {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/remotion</Arn><UserId>AIDTEST</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
      return;
    }
    // STS (JSON protocol, newer SDKs).
    if (target.endsWith('.GetCallerIdentity')) {
      return sendJson(res, 200, { Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/remotion`, UserId: 'AIDTEST' }, { 'Content-Type': 'application/x-amz-json-1.0' });
    }
    // CloudWatch Logs (JSON 1.1).
    if (target.startsWith('Logs_20140328.')) return sendJson(res, 200, {}, { 'Content-Type': 'application/x-amz-json-1.1' });

    let m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(p);
    if (m && req.method === 'POST') return invoke(m[1]!, JSON.parse(req.body || '{}') as Record<string, unknown>, res);
    if (req.method === 'GET' && /^\/2015-03-31\/functions\/?$/.test(p)) return sendJson(res, 200, { Functions: [...functions.values()] });
    if (req.method === 'POST' && /^\/2015-03-31\/functions\/?$/.test(p)) {
      const body = req.json as Record<string, unknown>;
      const name = String(body.FunctionName);
      const fn: FunctionRecord = {
        FunctionName: name,
        FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`,
        MemorySize: Number(body.MemorySize),
        Timeout: Number(body.Timeout),
        EphemeralStorage: { Size: Number((body.EphemeralStorage as { Size: number }).Size) },
        Runtime: String(body.Runtime),
        Architectures: body.Architectures as string[],
        Role: String(body.Role),
        Layers: (body.Layers as string[]) ?? [],
      };
      functions.set(name, fn);
      return sendJson(res, 201, { ...fn, Layers: fn.Layers.map((Arn) => ({ Arn })), State: 'Pending' });
    }
    m = /^\/2015-03-31\/functions\/([^/]+)$/.exec(p);
    if (m && req.method === 'GET') {
      const fn = functions.get(m[1]!);
      if (!fn) return sendJson(res, 404, { Type: 'User', message: 'Function not found' }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
      return sendJson(res, 200, { Configuration: { ...fn, Layers: fn.Layers.map((Arn) => ({ Arn })), State: 'Active' } });
    }
    if (/^\/2017-03-31\/tags\//.test(p)) {
      res.writeHead(204);
      res.end();
      return;
    }
    if (/^\/2019-09-25\/functions\/[^/]+\/event-invoke-config$/.test(p)) return sendJson(res, 200, { MaximumRetryAttempts: 0 });
    if (/^\/2021-07-20\/functions\/[^/]+\/runtime-management-config$/.test(p)) return sendJson(res, 200, { UpdateRuntimeOn: 'Manual' });
    return sendJson(res, 404, { Type: 'User', message: `stand-in does not know ${req.method} ${p}` }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
  });

  return Object.assign(state, {
    endpoint: server.url,
    requests: server.requests,
    close: async () => {
      s3.destroy();
      await server.close();
    },
  }) as AwsStandIn;
}
