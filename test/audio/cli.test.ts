import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { register } from '../../src/cli/commands/analyze-audio';
import { fMeasure } from '../../src/audio/beat-scoring';
import { drumLoop, speechLike, writeWav } from './synth';
import { allFinite, tempDir, transcode } from './helpers';

let dir = '';
let drumsWav = '';
let drumsBeats: number[] = [];
beforeAll(async () => {
  dir = await tempDir();
  const tr = drumLoop({ bpm: 110, duration: 16, sampleRate: 44100, seed: 4 });
  drumsBeats = tr.beats;
  drumsWav = await writeWav(dir, 'drums.wav', tr.samples, 44100);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Runs the command as the main CLI will, capturing everything written to stdout. */
async function run(args: string[]): Promise<string> {
  const program = new Command();
  program.exitOverride();
  register(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write);
  try {
    await program.parseAsync(['analyze-audio', ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

const KEYS = ['beats', 'crescendos', 'downbeats', 'duration', 'loudness', 'onsets', 'sampleRate', 'silences', 'speechPauses', 'swells', 'tempo'];

describe('analyze-audio --json', () => {
  it('prints exactly one JSON object with the contract shape and no NaN', async () => {
    const out = await run([drumsWav, '--json']);
    expect(out.trim().split('\n')).toHaveLength(1);
    const a = JSON.parse(out);
    expect(Object.keys(a).sort()).toEqual(KEYS);
    expect(a.duration).toBeCloseTo(16, 2);
    expect(a.sampleRate).toBe(44100);
    expect(typeof a.tempo).toBe('number');
    expect(a.tempo).toBeGreaterThan(107);
    expect(a.tempo).toBeLessThan(113);
    expect(fMeasure(drumsBeats, a.beats).f).toBeGreaterThanOrEqual(0.9);
    for (const k of ['beats', 'onsets']) expect(a[k].every((t: number, i: number, xs: number[]) => t >= 0 && t <= a.duration && (i === 0 || t > xs[i - 1]!))).toBe(true);
    expect(a.downbeats === null || Array.isArray(a.downbeats)).toBe(true);
    for (const k of ['silences', 'speechPauses', 'crescendos', 'swells']) {
      for (const iv of a[k]) expect(iv.end).toBeGreaterThan(iv.start);
    }
    expect(a.loudness.hop).toBe(0.05);
    expect(a.loudness.db.length).toBe(Math.floor(16 / 0.05) + 1);
    expect(allFinite(a)).toBe(true);
    expect(out).not.toMatch(/NaN|Infinity/);
  });

  it('reads MP3, M4A (AAC) and OGG (Opus) made with the bundled ffmpeg, at 48 kHz stereo', async () => {
    const mp3 = await transcode(drumsWav, path.join(dir, 'drums.mp3'), ['-ac', '2', '-ar', '48000', '-c:a', 'libmp3lame', '-b:a', '128k']);
    const m4a = await transcode(drumsWav, path.join(dir, 'drums.m4a'), ['-ac', '2', '-ar', '48000', '-c:a', 'aac', '-b:a', '128k', '-f', 'mp4']);
    const ogg = await transcode(drumsWav, path.join(dir, 'drums.ogg'), ['-ac', '2', '-ar', '48000', '-c:a', 'libopus', '-b:a', '96k']);
    for (const file of [mp3, m4a, ogg]) {
      const a = JSON.parse(await run([file, '--json']));
      expect(a.sampleRate).toBe(48000);
      // Encoder delay/padding may add a few tens of ms.
      expect(Math.abs(a.duration - 16)).toBeLessThan(0.1);
      expect(fMeasure(drumsBeats, a.beats).f, file).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('prints a readable summary without --json, and writes a PNG plot with --plot', async () => {
    const s = speechLike([2, 2, 2], [0.5, 0.8]);
    const wav = await writeWav(dir, 'speech.wav', s.samples, s.sampleRate);
    const png = path.join(dir, 'plots', 'speech.png');
    const out = await run([wav, '--plot', png]);
    expect(out).toMatch(/speech\.wav: 7\.30 s, 22050 Hz/);
    expect(out).toMatch(/Tempo: +no steady beat/);
    expect(out).toMatch(/Pauses: +2\.\d\ds-2\.\d\ds/);
    expect(out).toContain(png);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(1600);
    // No temp file left beside the plot.
    expect(await fs.readdir(path.dirname(png))).toEqual(['speech.png']);
  });
});
