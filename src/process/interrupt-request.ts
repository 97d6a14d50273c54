/**
 * One HTTP request sent when a signal stops the process: cancelling a paid remote job (a Replicate
 * prediction) that would otherwise run on, and be billed, after Ctrl-C.
 *
 * The CLI's interrupt handlers (./interrupt.ts) exit synchronously, so nothing asynchronous started
 * from a signal ever reaches the network. This listener is put in front of them (prependListener)
 * and sends the request synchronously, from a short-lived Node child bounded by `timeoutMs`; then the
 * usual handlers run and exit. The token travels in the child's environment, never its arguments.
 * Where no other listener handles the signal (a library caller), the signal is raised again after
 * the request, so the process still ends the way it would have.
 */
import { spawnSync } from 'node:child_process';
import { INTERRUPT_EXIT_CODES, type InterruptSignal } from './interrupt';

const SIGNALS = Object.keys(INTERRUPT_EXIT_CODES) as InterruptSignal[];

const CHILD = `
const headers = JSON.parse(process.env.STILLMOTION_INTERRUPT_HEADERS || '{}');
fetch(process.env.STILLMOTION_INTERRUPT_URL, { method: 'POST', headers, signal: AbortSignal.timeout(Number(process.env.STILLMOTION_INTERRUPT_TIMEOUT_MS)) })
  .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(2));
`;

/** Sends the POST now, synchronously; true when the server answered 2xx within timeoutMs. */
function postSync(url: string, headers: Record<string, string>, timeoutMs = 5000): boolean {
  const r = spawnSync(process.execPath, ['-e', CHILD], {
    env: { ...process.env, STILLMOTION_INTERRUPT_URL: url, STILLMOTION_INTERRUPT_HEADERS: JSON.stringify(headers), STILLMOTION_INTERRUPT_TIMEOUT_MS: String(timeoutMs) },
    stdio: 'ignore',
    timeout: timeoutMs + 2000,
  });
  return r.status === 0;
}

/** Until the returned function is called, SIGINT / SIGTERM / SIGHUP first POST to `url`. */
export function postOnInterrupt(url: string, headers: Record<string, string>, timeoutMs = 5000): () => void {
  const listeners = SIGNALS.map((signal) => {
    const listener = (): void => {
      release();
      postSync(url, headers, timeoutMs);
      // Nobody else handles this signal: end the process as the signal would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.prependListener(signal, listener);
    return [signal, listener] as const;
  });
  const release = (): void => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
  return release;
}
