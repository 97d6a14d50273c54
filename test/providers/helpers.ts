/** Test helpers: a real HTTP server on 127.0.0.1 that scripts a provider's API, and tiny MP4 fixtures. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import sharp from 'sharp';
import { runFf } from '../../src/media/ffmpeg';

export interface Recorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export type Handler = (req: Recorded, res: http.ServerResponse) => unknown;

export interface MockServer {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<MockServer> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = undefined;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const r: Recorded = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, json };
      requests.push(r);
      Promise.resolve(handler(r, res)).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** A real 1 s, 64x64 H.264 MP4 (Remotion's ffmpeg has no lavfi sources: loop a PNG). */
export async function makeMp4(dir: string, name = 'clip.mp4', rgb: [number, number, number] = [200, 30, 30]): Promise<{ file: string; bytes: Buffer }> {
  await fs.mkdir(dir, { recursive: true });
  const png = path.join(dir, `${name}.png`);
  await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(png);
  const file = path.join(dir, name);
  const r = await runFf('ffmpeg', ['-y', '-v', 'error', '-framerate', '10', '-loop', '1', '-i', png, '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
  if (r.code !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  return { file, bytes: await fs.readFile(file) };
}

export async function makePng(file: string, rgb: [number, number, number] = [10, 120, 200]): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(file);
  return file;
}

/** Poll / retry settings that keep tests fast. */
export const FAST = {
  poll: { initialMs: 5, maxMs: 20, factor: 2 },
  retry: { baseDelayMs: 5, maxDelayMs: 20, rateLimitBaseDelayMs: 5 },
  uploader: null,
  minCreateIntervalMs: 0,
} as const;
