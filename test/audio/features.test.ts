import { describe, expect, it } from 'vitest';
import Meyda from 'meyda';
import { frameRms, melFilterBank, RMS_FRAME } from '../../src/audio/frame-features';
import { decimateByTwo } from '../../src/audio/decimate';
import { encodeWav16, parseWav } from '../../src/audio/wav-codec';
import { fMeasure } from '../../src/audio/beat-scoring';

describe('meyda workarounds', () => {
  it('frameRms equals meyda rms with a rectangular window (meyda windows time-domain features by default)', () => {
    const frame = new Float32Array(RMS_FRAME).map((_, i) => Math.sin((2 * Math.PI * 440 * i) / 22050));
    const signal = new Float32Array(RMS_FRAME * 3);
    signal.set(frame, RMS_FRAME);
    Meyda.bufferSize = RMS_FRAME;
    Meyda.sampleRate = 11025;
    (Meyda as unknown as { windowingFunction: string }).windowingFunction = 'rect';
    const meydaRms = Meyda.extract('rms', frame) as unknown as number;
    const ours = frameRms(signal, 22050, RMS_FRAME, RMS_FRAME / 2).rms[3]!; // frame 3 is centred on sample 768
    expect(ours).toBeCloseTo(meydaRms, 5);
    expect(ours).toBeCloseTo(Math.SQRT1_2, 2);
    // The pitfall itself: with the default Hann window meyda reports ~0.43 for a full-scale sine.
    (Meyda as unknown as { windowingFunction: string }).windowingFunction = 'hanning';
    expect(Meyda.extract('rms', frame) as unknown as number).toBeLessThan(0.5);
  });

  it('mel filter bank covers every band with non-negative weights', () => {
    const bank = melFilterBank(40, 512, 11025);
    expect(bank.rows).toHaveLength(40);
    for (const r of bank.rows) {
      expect(r.weights.some((w) => w > 0)).toBe(true);
      expect(r.weights.every((w) => w >= 0)).toBe(true);
    }
    expect(bank.centres.every((c, i) => i === 0 || c > bank.centres[i - 1]!)).toBe(true);
  });

  it('decimation keeps low frequencies and removes what would alias', () => {
    const sr = 22050;
    const level = (f: number) => {
      const y = decimateByTwo(new Float32Array(sr).map((_, i) => Math.sin((2 * Math.PI * f * i) / sr)));
      let e = 0;
      for (let i = 100; i < y.length - 100; i++) e += y[i]! ** 2;
      return 10 * Math.log10(e / (y.length - 200) / 0.5);
    };
    expect(Math.abs(level(1000))).toBeLessThan(0.1);
    expect(level(9000)).toBeLessThan(-60);
  });
});

describe('WAV codec', () => {
  it('round-trips 16-bit PCM and reads a streamed header with an unknown data size', () => {
    const x = new Float32Array(1000).map((_, i) => Math.sin(i / 10) * 0.9);
    const buf = encodeWav16(x, 16000);
    const back = parseWav(buf);
    expect(back.sampleRate).toBe(16000);
    expect(back.channels).toBe(1);
    expect(back.samples.length).toBe(1000);
    for (let i = 0; i < 1000; i++) expect(Math.abs(back.samples[i]! - x[i]!)).toBeLessThan(1e-4);
    const streamed = Buffer.from(buf);
    streamed.writeUInt32LE(0xffffffff, 40);
    expect(parseWav(streamed).samples.length).toBe(1000);
    expect(() => parseWav(Buffer.from('RIFF....WAVEjunk'))).toThrow(/no data chunk/);
  });
});

describe('beat F-measure (mir_eval rules)', () => {
  it('ignores beats before 5 s, matches one-to-one within 70 ms', () => {
    const ref = [4, 5.5, 6, 6.5, 7];
    expect(fMeasure(ref, [1, 5.55, 6.06, 6.58, 7]).f).toBeCloseTo((2 * 0.75 * 0.75) / 1.5, 9);
    expect(fMeasure(ref, [5.5, 5.51, 6, 6.5, 7]).precision).toBeCloseTo(0.8, 9);
    expect(fMeasure([], []).f).toBe(1);
    expect(fMeasure(ref, []).f).toBe(0);
  });
});
