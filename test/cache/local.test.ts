import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalClipCache, pruneCache } from '../../src/cache/clip-cache';
import { clipCacheKey } from '../../src/cache/clip-key';
import { register } from '../../src/cli/commands/cache';
import { tempDir } from '../helpers/fixtures';
import { makeMp4 } from '../providers/helpers';

const meta = { provider: 'runway', model: 'gen4_turbo', durationSec: 5, aspect: '16:9', costUsd: 0.25 };
const key = (n: number) => n.toString(16).padStart(64, '0');

let dir: string;
let clip: { file: string; bytes: Buffer };

beforeAll(async () => {
  dir = await tempDir('sm-localcache-');
  clip = await makeMp4(dir);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('clip cache key', () => {
  const base = { imageBytes: new Uint8Array([1, 2, 3]), prompt: 'p', seed: 1, tier: 3, provider: 'luma', model: 'ray-2', durationSec: 5, aspect: '16:9' };
  it('changes with every part and is stable otherwise', () => {
    const k = clipCacheKey(base);
    expect(clipCacheKey({ ...base })).toBe(k);
    const variants = [
      { imageBytes: new Uint8Array([1, 2, 4]) },
      { prompt: 'q' },
      { seed: 2 },
      { seed: undefined },
      { tier: 2 },
      { provider: 'runway' },
      { model: 'ray-flash-2' },
      { durationSec: 9 },
      { aspect: '9:16' },
    ];
    const keys = new Set(variants.map((v) => clipCacheKey({ ...base, ...v })));
    expect(keys.size).toBe(variants.length);
    expect(keys.has(k)).toBe(false);
  });
});

describe('local clip cache', () => {
  it('misses, stores, hits', async () => {
    const cache = new LocalClipCache(path.join(dir, 'c1'));
    expect(await cache.get(key(1))).toBeNull();
    const stored = await cache.put(key(1), clip.file, meta);
    expect(stored).toBe(path.join(dir, 'c1', 'clips', `${key(1)}.mp4`));
    expect(await cache.get(key(1))).toBe(stored);
    expect(await fs.readFile(stored)).toEqual(clip.bytes);
    expect((await cache.list()).map((e) => e.key)).toEqual([key(1)]);
    // No temp files left behind.
    expect((await fs.readdir(path.join(dir, 'c1', 'clips'))).sort()).toEqual([`${key(1)}.json`, `${key(1)}.mp4`, `${key(1)}.mp4.sha256`]);
    // The hash beside the clip is in `sha256sum -c` format.
    expect(await fs.readFile(`${stored}.sha256`, 'utf8')).toMatch(new RegExp(`^[0-9a-f]{64}  ${key(1)}\\.mp4\\n$`));
  });

  it('discards a corrupt clip and a truncated clip, saying so', async () => {
    const warnings: string[] = [];
    const cache = new LocalClipCache(path.join(dir, 'c2'), { onWarning: (m) => warnings.push(m) });
    for (const n of [2, 3]) await cache.put(key(n), clip.file, meta);
    const f = (n: number) => path.join(dir, 'c2', 'clips', `${key(n)}`);
    const flipped = Buffer.from(clip.bytes);
    const at = flipped.length - 10;
    flipped[at] = flipped[at]! ^ 0xff;
    await fs.writeFile(`${f(2)}.mp4`, flipped);
    await fs.truncate(`${f(3)}.mp4`, 100);
    for (const n of [2, 3]) expect(await cache.get(key(n))).toBeNull();
    expect(await fs.readdir(path.join(dir, 'c2', 'clips'))).toEqual([]);
    expect(warnings).toHaveLength(2);
    for (const w of warnings) expect(w).toMatch(/clip cache: entry [0-9a-f]{12}…: the clip no longer matches its sha256; removed \(it will be generated again\)/);
  });

  it('keeps a paid-for clip whose metadata is damaged when the clip still matches its sha256, and rebuilds the metadata', async () => {
    const warnings: string[] = [];
    const cache = new LocalClipCache(path.join(dir, 'c5'), { onWarning: (m) => warnings.push(m) });
    const paid = { ...meta, provider: 'luma', model: 'ray-2', costUsd: 0.71, taskId: 'task-1' };
    for (const n of [30, 31, 32, 33]) await cache.put(key(n), clip.file, paid);
    const f = (n: number) => path.join(cache.clipsDir, `${key(n)}`);
    const full = await fs.readFile(`${f(30)}.json`, 'utf8');

    // 30: truncated mid-file (what a full disk or a killed writer leaves).
    await fs.writeFile(`${f(30)}.json`, full.slice(0, Math.floor(full.length * 0.6)));
    expect(await cache.get(key(30))).toBe(`${f(30)}.mp4`);
    expect(await fs.readFile(`${f(30)}.mp4`)).toEqual(clip.bytes);
    const rebuilt = JSON.parse(await fs.readFile(`${f(30)}.json`, 'utf8')) as Record<string, unknown>;
    expect(rebuilt).toMatchObject({ key: key(30), bytes: clip.bytes.length });
    expect(rebuilt.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(warnings.at(-1)).toMatch(/clip cache: entry [0-9a-f]{12}… had damaged metadata; the clip still matches its sha256, so it was kept and its metadata rebuilt/);
    // The next read is a plain hit, with no warning.
    const before = warnings.length;
    expect(await cache.get(key(30))).toBe(`${f(30)}.mp4`);
    expect(warnings).toHaveLength(before);

    // 31: metadata emptied; what is legible elsewhere is lost, the clip is not.
    await fs.writeFile(`${f(31)}.json`, '');
    expect(await cache.get(key(31))).toBe(`${f(31)}.mp4`);
    expect(JSON.parse(await fs.readFile(`${f(31)}.json`, 'utf8'))).toMatchObject({ key: key(31), provider: '?', model: '?' });

    // 32: an entry written before the hash file existed: the sha256 legible in the damaged metadata is used.
    await fs.rm(`${f(32)}.mp4.sha256`);
    await fs.writeFile(`${f(32)}.json`, full.replace(key(30), key(32)).slice(0, full.indexOf('"bytes"')));
    expect(await cache.get(key(32))).toBe(`${f(32)}.mp4`);

    // 33: damaged metadata and a clip that no longer matches: removed, and said so.
    await fs.writeFile(`${f(33)}.json`, '{"key": "trunc');
    await fs.appendFile(`${f(33)}.mp4`, 'x');
    expect(await cache.get(key(33))).toBeNull();
    expect(warnings.at(-1)).toMatch(/entry [0-9a-f]{12}… has damaged metadata and its clip no longer matches its sha256; removed/);
    await expect(fs.stat(`${f(33)}.mp4`)).rejects.toThrow();

    // `cache ls` sees the rebuilt entries (a damaged one found by listing is recovered the same way).
    await fs.writeFile(`${f(31)}.json`, '{');
    expect((await cache.list()).map((e) => e.key).sort()).toEqual([key(30), key(31), key(32)]);
  });

  it('treats a clip without metadata (interrupted write) as absent', async () => {
    const cache = new LocalClipCache(path.join(dir, 'c3'));
    await fs.mkdir(cache.clipsDir, { recursive: true });
    await fs.copyFile(clip.file, cache.fileFor(key(5)));
    expect(await cache.get(key(5))).toBeNull();
    expect(await cache.list()).toEqual([]);
  });

  it('prunes by age and by size, oldest first', async () => {
    const cache = new LocalClipCache(path.join(dir, 'c4'));
    for (const n of [10, 11, 12]) await cache.put(key(n), clip.file, meta);
    // Age the first two entries.
    for (const [n, days] of [[10, 30], [11, 10]] as const) {
      const mf = path.join(cache.clipsDir, `${key(n)}.json`);
      const e = JSON.parse(await fs.readFile(mf, 'utf8')) as { createdAt: string };
      e.createdAt = new Date(Date.now() - days * 86_400_000).toISOString();
      await fs.writeFile(mf, JSON.stringify(e));
    }
    expect((await pruneCache(cache, { olderThanDays: 20, dryRun: true })).map((e) => e.key)).toEqual([key(10)]);
    expect(await cache.list()).toHaveLength(3);
    expect((await pruneCache(cache, { olderThanDays: 20 })).map((e) => e.key)).toEqual([key(10)]);
    expect((await pruneCache(cache, { maxBytes: clip.bytes.length })).map((e) => e.key)).toEqual([key(11)]);
    expect((await cache.list()).map((e) => e.key)).toEqual([key(12)]);
  });
});

describe('stillmotion cache ls|stats|prune', () => {
  async function run(args: string[]): Promise<string> {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    try {
      const program = new Command().exitOverride();
      register(program);
      await program.parseAsync(args, { from: 'user' });
    } finally {
      spy.mockRestore();
    }
    return out.join('');
  }

  it('lists, summarises and prunes', async () => {
    const d = path.join(dir, 'cli');
    const cache = new LocalClipCache(d);
    await cache.put(key(20), clip.file, meta);
    await cache.put(key(21), clip.file, { ...meta, provider: 'luma', model: 'ray-2', costUsd: 0.71 });
    const ls = JSON.parse(await run(['cache', 'ls', '--dir', d, '--json', '--backend', 'local'])) as { key: string }[];
    expect(ls.map((e) => e.key).sort()).toEqual([key(20), key(21)]);
    expect(await run(['cache', 'ls', '--dir', d, '--backend', 'local'])).toContain('runway/gen4_turbo');
    const stats = JSON.parse(await run(['cache', 'stats', '--dir', d, '--json', '--backend', 'local'])) as { entries: number; costUsd: number; byProvider: Record<string, unknown> };
    expect(stats).toMatchObject({ entries: 2, costUsd: 0.96 });
    expect(Object.keys(stats.byProvider).sort()).toEqual(['luma', 'runway']);
    expect(await run(['cache', 'stats', '--dir', d, '--backend', 'local'])).toMatch(/2 clips, .* \$0\.96/);
    expect(await run(['cache', 'prune', '--all', '--dry-run', '--dir', d, '--backend', 'local'])).toMatch(/Would remove 2 clips/);
    expect(await cache.list()).toHaveLength(2);
    expect(await run(['cache', 'prune', '--max-size', '1KB', '--dir', d, '--backend', 'local'])).toMatch(/Removed 2 clips/);
    expect(await cache.list()).toHaveLength(0);
    await expect(run(['cache', 'prune', '--dir', d, '--backend', 'local'])).rejects.toThrow(/--older-than/);
  });
});
