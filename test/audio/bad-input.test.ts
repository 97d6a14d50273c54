import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { analyzeAudioFile } from '../../src/audio/analyze-audio-file';
import { StillmotionError } from '../../src/errors';
import { encodeWav16 } from '../../src/audio/wav-codec';
import { writeWav } from './synth';
import { allFinite, tempDir } from './helpers';

let dir = '';
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function expectUserError(file: string, pattern: RegExp): Promise<void> {
  const err = await analyzeAudioFile(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StillmotionError);
  expect((err as Error).message).toContain(file);
  expect((err as Error).message).toMatch(pattern);
}

describe('bad input', () => {
  it('names a missing file', async () => {
    await expectUserError(path.join(dir, 'nope.wav'), /no such file/);
  });

  it('names an empty (0-byte) file', async () => {
    const f = path.join(dir, 'empty.wav');
    await fs.writeFile(f, '');
    await expectUserError(f, /empty/);
  });

  it('names a directory', async () => {
    await expectUserError(dir, /not a file/);
  });

  it('names corrupt audio: random bytes, and a WAV cut off inside its header', async () => {
    const junk = path.join(dir, 'junk.wav');
    await fs.writeFile(junk, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)));
    await expectUserError(junk, /not a readable audio file|corrupt|cannot be decoded/);
    const cut = path.join(dir, 'cut.wav');
    await fs.writeFile(cut, encodeWav16(new Float32Array(22050), 22050).subarray(0, 30));
    await expectUserError(cut, /not a readable audio file|corrupt|cannot be decoded/);
  });

  it('names unsupported input: a text file and an image with no audio stream', async () => {
    const txt = path.join(dir, 'notes.mp3');
    await fs.writeFile(txt, 'this is not audio at all\n'.repeat(50));
    await expectUserError(txt, /not a readable audio file|no audio stream|corrupt/);
    const png = path.join(dir, 'picture.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } }).png().toFile(png);
    await expectUserError(png, /no audio stream/);
  });

  it('returns a correct empty result for a WAV with zero samples', async () => {
    const f = await writeWav(dir, 'zero.wav', new Float32Array(0), 44100);
    const a = await analyzeAudioFile(f);
    expect(a).toMatchObject({ duration: 0, sampleRate: 44100, tempo: null, beats: [], downbeats: null, onsets: [], silences: [] });
    expect(a.loudness.db).toEqual([]);
  });

  it('handles pure digital silence: one silence spanning the file, nothing else, no NaN', async () => {
    const f = await writeWav(dir, 'silence.wav', new Float32Array(44100 * 3), 44100);
    const a = await analyzeAudioFile(f);
    expect(a.tempo).toBeNull();
    expect(a.beats).toEqual([]);
    expect(a.onsets).toEqual([]);
    expect(a.speechPauses).toEqual([]);
    expect(a.crescendos).toEqual([]);
    expect(a.silences).toHaveLength(1);
    expect(a.silences[0]!.start).toBe(0);
    expect(a.silences[0]!.end).toBeCloseTo(3, 1);
    expect(a.loudness.db.every((v) => v === -100)).toBe(true);
    expect(allFinite(a)).toBe(true);
  });

  it('handles hard-clipped audio and a very short (20 ms) file without NaN', async () => {
    const clipped = new Float32Array(22050 * 4).map((_, i) => Math.max(-1, Math.min(1, 5 * Math.sin(i * 0.07))));
    const a = await analyzeAudioFile(await writeWav(dir, 'clipped.wav', clipped, 22050));
    expect(allFinite(a)).toBe(true);
    expect(a.loudness.db.every((v) => v <= 0.1)).toBe(true);
    const tiny = await analyzeAudioFile(await writeWav(dir, 'tiny.wav', new Float32Array(441).map((_, i) => Math.sin(i)), 22050));
    expect(tiny.duration).toBeCloseTo(0.02, 3);
    expect(tiny.beats).toEqual([]);
    expect(allFinite(tiny)).toBe(true);
  });
});
