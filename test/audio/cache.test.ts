import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { analyzeAudioFile } from '../../src/audio/analyze-audio-file';
import { speechLike, writeWav } from './synth';
import { tempDir } from './helpers';

let dir = '';
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('analysis cache', () => {
  it('stores one result per file content and reuses it', async () => {
    const s = speechLike([1.5, 1.5], [0.5]);
    const file = await writeWav(dir, 'a.wav', s.samples, s.sampleRate);
    const cacheDir = path.join(dir, 'cache');
    const first = await analyzeAudioFile(file, { cacheDir });
    const entries = await fs.readdir(path.join(cacheDir, 'audio'));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    // Prove the second call reads the cache: doctor the entry and see it come back.
    const entry = path.join(cacheDir, 'audio', entries[0]!);
    await fs.writeFile(entry, JSON.stringify({ ...first, duration: 123 }));
    expect((await analyzeAudioFile(file, { cacheDir })).duration).toBe(123);
    // Different bytes, different entry.
    await writeWav(dir, 'a.wav', s.samples.map((v) => v * 0.5), s.sampleRate);
    expect((await analyzeAudioFile(file, { cacheDir })).duration).toBeCloseTo(3.5, 2);
    expect(await fs.readdir(path.join(cacheDir, 'audio'))).toHaveLength(2);
  });
});
