import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalClipCache } from '../../src/cache/clip-cache';
import { Ledger } from '../../src/cost/ledger';
import { ClipsCancelledError, collectClips, estimateClips, type ClipJob, type CollectOptions } from '../../src/providers/collect-clips';
import { tempDir } from '../helpers/fixtures';
import { FAST, makeMp4, makePng, sendJson, startServer, type MockServer } from '../providers/helpers';

let dir: string;
let mp4: Buffer;
let imgA: string;
let imgB: string;
let server: MockServer | undefined;

beforeAll(async () => {
  dir = await tempDir('sm-collect-');
  mp4 = (await makeMp4(dir)).bytes;
  imgA = await makePng(path.join(dir, 'a.png'), [255, 0, 0]);
  imgB = await makePng(path.join(dir, 'b.png'), [0, 255, 0]);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A Runway-speaking server: tasks finish after two polls; prompts with "forbidden" fail; "forever" never ends. */
async function runwayServer() {
  const state = { creates: 0, active: 0, maxActive: 0, polls: new Map<string, number>() };
  const prompts = new Map<string, string>();
  server = await startServer((r, res) => {
    if (r.method === 'POST' && r.path === '/v1/image_to_video') {
      const id = `t${++state.creates}`;
      prompts.set(id, (r.json as { promptText: string }).promptText);
      state.active++;
      state.maxActive = Math.max(state.maxActive, state.active);
      return sendJson(res, 200, { id });
    }
    const m = /^\/v1\/tasks\/(t\d+)$/.exec(r.path);
    if (m && r.method === 'DELETE') {
      state.active--;
      res.writeHead(204);
      return res.end();
    }
    if (m) {
      const id = m[1]!;
      const n = (state.polls.get(id) ?? 0) + 1;
      state.polls.set(id, n);
      const prompt = prompts.get(id) ?? '';
      if (prompt.includes('forever') || n < 3) return sendJson(res, 200, { status: 'RUNNING' });
      state.active--;
      if (prompt.includes('forbidden')) return sendJson(res, 200, { status: 'FAILED', failure: 'Input rejected by content moderation', failureCode: 'SAFETY.INPUT.TEXT' });
      return sendJson(res, 200, { status: 'SUCCEEDED', output: [`${server!.url}/out/${id}.mp4`] });
    }
    res.writeHead(200);
    res.end(mp4);
  });
  return state;
}

function options(sub: string, extra: CollectOptions = {}): CollectOptions {
  return {
    cacheDir: path.join(dir, sub, 'cache'),
    ledger: path.join(dir, sub, 'ledger.json'),
    env: { RUNWAYML_API_SECRET: 'rw-secret-xyz' },
    providerOptions: { runway: { ...FAST, baseUrl: server!.url } },
    ...extra,
  };
}

const job = (image: string, prompt: string, over: Partial<ClipJob> = {}): ClipJob => ({ image, prompt, durationSec: 5, aspect: '16:9', provider: 'runway', ...over });

describe('collectClips', () => {
  it('generates within budget, dedupes, falls back with reasons, and never calls a provider twice for one clip', async () => {
    const state = await runwayServer();
    const reqs = [
      job(imgA, 'sea breeze', { id: 's1' }),
      job(imgA, 'sea breeze', { id: 's2' }),
      job(imgB, 'city lights', { id: 's3' }),
      job(imgB, 'city lights', { id: 's4', provider: 'luma' }),
    ];
    const opts = options('run1', { budgetUsd: 0.3 });

    const est = await estimateClips(reqs, opts);
    expect(est.plan.estimateUsd).toBe(0.25);
    expect(state.creates).toBe(0);

    const r1 = await collectClips(reqs, opts);
    expect(r1.map((r) => [r.id, r.status, r.reason ?? null, r.costUsd])).toEqual([
      ['s1', 'generated', null, 0.25],
      ['s2', 'hit', 'same clip as request 1', 0],
      ['s3', 'fallback', 'budget: $0.25 would exceed remaining $0.05', 0],
      ['s4', 'fallback', 'no LUMA_API_KEY', 0],
    ]);
    expect(r1[0]!.file).toBe(r1[1]!.file);
    expect(await fs.readFile(r1[0]!.file!)).toEqual(mp4);
    expect(r1[0]!.secondsWaited).toBeGreaterThan(0);
    expect(r1[2]!.fallbackTier).toBe(2);
    expect(state.creates).toBe(1);
    const ledger = new Ledger(path.join(dir, 'run1', 'ledger.json'));
    expect(await ledger.total()).toBe(0.25);

    // Second run, fresh budget: A is a cache hit (free), B now fits.
    const r2 = await collectClips(reqs, opts);
    expect(r2.map((r) => r.status)).toEqual(['hit', 'hit', 'generated', 'fallback']);
    expect(r2[0]!.costUsd).toBe(0);
    expect(state.creates).toBe(2);
    expect(await ledger.total()).toBe(0.5);

    // Third run: everything cached.
    const r3 = await collectClips(reqs.slice(0, 3), opts);
    expect(r3.map((r) => r.status)).toEqual(['hit', 'hit', 'hit']);
    expect(state.creates).toBe(2);

    // A corrupt cached clip is discarded and regenerated.
    const cache = new LocalClipCache(path.join(dir, 'run1', 'cache'));
    await fs.writeFile(r3[0]!.file!, 'corrupted');
    const r4 = await collectClips(reqs.slice(0, 1), opts);
    expect(r4[0]!.status).toBe('generated');
    expect(state.creates).toBe(3);
    expect(await cache.get(r4[0]!.key!)).toBe(r4[0]!.file);
  });

  it('the budget cap holds across runs when the ledger total is passed as spent', async () => {
    await runwayServer();
    const reqs = [1, 2, 3, 4, 5].map((i) => job(imgA, `prompt ${i}`));
    const opts = options('cap', { budgetUsd: 0.6 });
    const ledger = new Ledger(path.join(dir, 'cap', 'ledger.json'));
    await collectClips(reqs.slice(0, 2), { ...opts, spentUsd: await ledger.total() });
    const r = await collectClips(reqs, { ...opts, spentUsd: await ledger.total() });
    expect(r.map((x) => x.status)).toEqual(['hit', 'hit', 'fallback', 'fallback', 'fallback']);
    expect(r[2]!.reason).toBe('budget: $0.25 would exceed remaining $0.10');
    expect(await ledger.total()).toBeLessThanOrEqual(0.6);
  });

  it('falls back with the provider reason on failure, at no cost, and respects the concurrency limit', async () => {
    const state = await runwayServer();
    const reqs = [job(imgA, 'forbidden scene'), job(imgA, 'ok one'), job(imgB, 'ok two'), job(imgB, 'ok three')];
    const r = await collectClips(reqs, options('fail', { providerOptions: { runway: { ...FAST, baseUrl: server!.url, maxConcurrency: 2 } } }));
    expect(r[0]).toMatchObject({ status: 'fallback', costUsd: 0, fallbackTier: 2 });
    expect(r[0]!.reason).toMatch(/^provider failed: task failed: Input rejected by content moderation \(SAFETY\.INPUT\.TEXT\)/);
    expect(r.slice(1).map((x) => x.status)).toEqual(['generated', 'generated', 'generated']);
    expect(state.maxActive).toBe(2);
    const entries = await new Ledger(path.join(dir, 'fail', 'ledger.json')).read();
    expect(entries.find((e) => e.status === 'failed')?.costUsd).toBe(0);
  });

  it('Ctrl-C cancels remote tasks and leaves no half-written cache entry', async () => {
    const state = await runwayServer();
    const ac = new AbortController();
    const polled = new Set<number>();
    const opts = options('abort', {
      signal: ac.signal,
      onEvent: (e) => {
        if (e.phase === 'poll') polled.add(e.index);
        if (polled.size === 2) ac.abort();
      },
    });
    const err = await collectClips([job(imgA, 'forever 1'), job(imgB, 'forever 2')], opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClipsCancelledError);
    expect((err as ClipsCancelledError).results.map((r) => r.status)).toEqual(['fallback', 'fallback']);
    const deletes = server!.requests.filter((q) => q.method === 'DELETE').map((q) => q.path).sort();
    expect(deletes).toEqual(['/v1/tasks/t1', '/v1/tasks/t2']);
    expect(state.active).toBe(0);
    expect(await new LocalClipCache(path.join(dir, 'abort', 'cache')).list()).toEqual([]);
    expect(await fs.readdir(path.join(dir, 'abort', 'cache', 'tmp'))).toEqual([]);
    const entries = await new Ledger(path.join(dir, 'abort', 'ledger.json')).read();
    expect(entries.map((e) => e.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('never logs or returns the API key', async () => {
    server = await startServer((_r, res) => sendJson(res, 401, { error: 'bad key rw-secret-xyz' }));
    const events: string[] = [];
    const r = await collectClips([job(imgA, 'x')], options('secret', { onEvent: (e) => events.push(JSON.stringify(e)) }));
    expect(r[0]!.status).toBe('fallback');
    expect(r[0]!.reason).toMatch(/provider failed: HTTP 401/);
    expect(JSON.stringify(r) + events.join('')).not.toContain('rw-secret-xyz');
  });
});
