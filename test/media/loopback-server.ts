/**
 * A real HTTP server on 127.0.0.1 for the URL-download tests: it counts TCP connections (so a test
 * can prove a refused URL never connected) and records every request's path and headers.
 * The handler is swapped per test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface LoopbackServer {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  connections: number;
  requests: { path: string; headers: http.IncomingHttpHeaders }[];
  handle(h: Handler): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startLoopbackServer(): Promise<LoopbackServer> {
  let handler: Handler = (_req, res) => res.writeHead(404).end();
  const server = http.createServer((req, res) => {
    state.requests.push({ path: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const state: LoopbackServer = {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: 0,
    requests: [],
    handle: (h) => void (handler = h),
    reset: () => {
      state.connections = 0;
      state.requests = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}

/** Writes `total` bytes of `chunk` repeated, chunked (no Content-Length), honouring backpressure; stops when the client goes. */
export function streamBytes(res: http.ServerResponse, total: number, chunk: Buffer): void {
  let sent = 0;
  let gone = false;
  res.on('close', () => (gone = true));
  const pump = (): void => {
    while (!gone && sent < total) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!gone) res.end();
  };
  pump();
}
