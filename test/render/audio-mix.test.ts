/**
 * The soundtrack as heard in the rendered file: music faded in, ducked about 12 dB while narration
 * plays, looped to the video's length, and narration placed at its section.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYSIS_SAMPLE_RATE as RATE, decodeAudio } from '../../src/audio/decode-audio';
import { loadPlanFile } from '../../src/plan/load-plan';
import { RenderSession } from '../../src/render/render-session';
import { tempDir, writePlan, writeSolidImage, writeWav } from '../helpers/fixtures';

let session: RenderSession;
let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  session = await RenderSession.open();
});
afterAll(async () => {
  await session?.close();
});

async function decodedAudio(file: string): Promise<Float32Array> {
  const { samples, sampleRate } = await decodeAudio(file);
  expect(sampleRate).toBe(RATE);
  return samples;
}

function rmsDb(samples: Float32Array, from: number, to: number, rate = RATE): number {
  let sum = 0;
  const a = Math.round(from * rate);
  const b = Math.round(to * rate);
  for (let i = a; i < b; i++) sum += samples[i]! * samples[i]!;
  return 10 * Math.log10(sum / (b - a) + 1e-12);
}

describe('audio mix', () => {
  it('fades the music in, ducks it under narration, loops it, and places narration at its section', async () => {
    await writeSolidImage(path.join(dir, 'a.png'), 160, 90, [90, 90, 90]);
    // A 1.5 s music loop, silent "narration" (so only the ducked music is heard under it), and a loud narration.
    await writeWav(path.join(dir, 'music.wav'), 1.5, { freq: 220, amplitude: 0.25 });
    await writeWav(path.join(dir, 'quiet.wav'), 1.0, { amplitude: 0 });
    await writeWav(path.join(dir, 'loud.wav'), 1.0, { freq: 880, amplitude: 0.5 });
    const planFile = await writePlan(dir, {
      title: 'mix',
      defaults: { transition: { type: 'cut' } },
      music: { file: 'music.wav', volume: 1, fadeIn: 0.5, fadeOut: 0.5, ducking: { db: -12, attack: 0.1, release: 0.1 } },
      sections: [
        { id: 'a', image: 'a.png', duration: 2 },
        { id: 'b', image: 'a.png', duration: 2, narration: 'quiet.wav' },
        { id: 'c', image: 'a.png', duration: 2, narration: 'loud.wav' },
      ],
    });
    const loaded = await loadPlanFile(planFile);
    const prepared = await session.prepare(loaded, '1:1', 0.1);
    const out = path.join(dir, 'mix.mp4');
    await session.renderVideo(prepared, { outputLocation: out, scale: 0.1, overwrite: true, x264Preset: 'ultrafast' });
    const pcm = await decodedAudio(out);
    expect(pcm.length / RATE).toBeGreaterThan(5.9);

    const fadeStart = rmsDb(pcm, 0.0, 0.15);
    const full = rmsDb(pcm, 1.0, 1.8); // inside the second loop of the 1.5 s file
    const ducked = rmsDb(pcm, 2.2, 2.9); // quiet narration plays (from 2.0 s, no padding for fixed durations)
    const after = rmsDb(pcm, 3.3, 3.9); // narration over, music back (the loop continues)
    expect(full - fadeStart).toBeGreaterThan(10);
    expect(full - ducked).toBeGreaterThan(10);
    expect(full - ducked).toBeLessThan(14);
    expect(Math.abs(full - after)).toBeLessThan(1.5);
    // The loud narration dominates its section.
    expect(rmsDb(pcm, 4.2, 4.8) - full).toBeGreaterThan(3);
    // And the video ends with the fade-out.
    expect(full - rmsDb(pcm, 5.9, 5.98)).toBeGreaterThan(10);
  });
});
