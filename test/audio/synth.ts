/**
 * Generated test signals with exact ground truth (shared by the tests and bench/audio.ts):
 * click tracks, drum loops (straight, swung, jittered), tone bursts and speech-like bursts.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { encodeWav16 } from '../../src/audio/wav-codec';
import { mulberry32 } from '../../src/random/mulberry32';

/** Deterministic PRNG (mulberry32). */
export const rng = mulberry32;

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(1e-12, r()))) * Math.cos(2 * Math.PI * r());
}

/** Adds `sound` at `t` seconds, scaled by `gain`. */
export function addAt(buf: Float32Array, sr: number, t: number, sound: Float32Array, gain = 1): void {
  const o = Math.round(t * sr);
  for (let i = 0; i < sound.length && o + i < buf.length; i++) if (o + i >= 0) buf[o + i] = buf[o + i]! + gain * sound[i]!;
}

export function kick(sr: number): Float32Array {
  const n = Math.round(0.3 * sr);
  const out = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    const f = 50 + 110 * Math.exp(-t / 0.03);
    phase += (2 * Math.PI * f) / sr;
    out[i] = Math.sin(phase) * Math.exp(-t / 0.09);
  }
  return out;
}

export function snare(sr: number, r: () => number): Float32Array {
  const n = Math.round(0.2 * sr);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    out[i] = (0.6 * (r() * 2 - 1) * Math.exp(-t / 0.05) + 0.5 * Math.sin(2 * Math.PI * 190 * t) * Math.exp(-t / 0.04));
  }
  return out;
}

export function hat(sr: number, r: () => number, decay = 0.03): Float32Array {
  const n = Math.round(0.12 * sr);
  const out = new Float32Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const w = r() * 2 - 1;
    out[i] = (w - prev) * 0.5 * Math.exp(-(i / sr) / decay); // first difference: high-passed noise
    prev = w;
  }
  return out;
}

export function click(sr: number): Float32Array {
  const n = Math.round(0.02 * sr);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin((2 * Math.PI * 1000 * i) / sr) * Math.exp(-i / sr / 0.004);
  return out;
}

export interface Track {
  samples: Float32Array;
  sampleRate: number;
  beats: number[];
}

/** Clicks on every beat from `start` to `end` seconds. */
export function clickTrack(bpm: number, duration: number, sr = 22050, start = 0.5, end = duration): Track {
  const samples = new Float32Array(Math.round(duration * sr));
  const beats: number[] = [];
  const c = click(sr);
  for (let t = start; t < end - 1e-9; t += 60 / bpm) {
    addAt(samples, sr, t, c, 0.8);
    beats.push(t);
  }
  return { samples, sampleRate: sr, beats };
}

export interface DrumLoopOptions {
  bpm: number;
  duration: number;
  sampleRate?: number;
  /** Hi-hats per beat: 2 (eighths) or 4 (sixteenths). */
  hatsPerBeat?: 2 | 4;
  /** Swing ratio for the off-beat eighth (0.5 straight, 0.66 triplet swing). */
  swing?: number;
  /** Standard deviation of each hit's timing error, in seconds. */
  jitter?: number;
  /** First beat time. */
  start?: number;
  /** A sustained pad chord under the drums (and alone in the intro and outro when set). */
  pad?: boolean;
  /** Pad-only (no drums) between these times. */
  breakdown?: [number, number];
  seed?: number;
}

/** Rock/pop loop: kick on 1 and 3 (plus the "and" of 3), snare on 2 and 4, hats on eighths or sixteenths. */
export function drumLoop(o: DrumLoopOptions): Track {
  const sr = o.sampleRate ?? 22050;
  const r = rng(o.seed ?? 1);
  const samples = new Float32Array(Math.round(o.duration * sr));
  const k = kick(sr);
  const s = snare(sr, r);
  const hats = [hat(sr, r), hat(sr, r), hat(sr, r)];
  const period = 60 / o.bpm;
  const start = o.start ?? 0.5;
  const swing = o.swing ?? 0.5;
  const hpb = o.hatsPerBeat ?? 2;
  const jit = () => (o.jitter ? gauss(r) * o.jitter : 0);
  const beats: number[] = [];
  const inBreak = (t: number) => !!o.breakdown && t >= o.breakdown[0] && t < o.breakdown[1];
  for (let i = 0; ; i++) {
    const t = start + i * period;
    if (t > o.duration - 0.3) break;
    if (inBreak(t)) continue;
    beats.push(t);
    const pos = i % 4;
    if (pos === 0 || pos === 2) addAt(samples, sr, t + jit(), k, 0.9);
    if (pos === 2) addAt(samples, sr, t + swing * period + jit(), k, 0.6);
    if (pos === 1 || pos === 3) addAt(samples, sr, t + jit(), s, 0.7);
    for (let h = 0; h < hpb; h++) {
      const frac = hpb === 2 ? (h === 0 ? 0 : swing) : h === 0 ? 0 : h === 2 ? swing : (h === 1 ? swing / 2 : (1 + swing) / 2);
      addAt(samples, sr, t + frac * period + jit(), hats[(i + h) % 3]!, h === 0 ? 0.3 : 0.2);
    }
  }
  if (o.pad) addPad(samples, sr, 0.05);
  return { samples, sampleRate: sr, beats };
}

/** A slowly beating A-minor chord, always on. */
export function addPad(samples: Float32Array, sr: number, gain: number): void {
  const freqs = [220, 261.63, 329.63, 440.5];
  for (let i = 0; i < samples.length; i++) {
    const t = i / sr;
    let v = 0;
    for (const f of freqs) v += Math.sin(2 * Math.PI * f * t);
    samples[i] = samples[i]! + gain * 0.25 * v * (0.8 + 0.2 * Math.sin(2 * Math.PI * 0.2 * t));
  }
}

/**
 * Speech-like sound: voiced "syllables" (a 130 Hz buzz with formant-ish harmonics, 4-6 per
 * second, irregular lengths) in phrases separated by planted silent pauses.
 * Returns the samples and the planted pauses (exact edges).
 */
export function speechLike(phrases: number[], pauses: number[], sr = 22050, seed = 7): { samples: Float32Array; sampleRate: number; pauses: { start: number; end: number }[] } {
  const r = rng(seed);
  const chunks: Float32Array[] = [];
  const planted: { start: number; end: number }[] = [];
  let t = 0;
  phrases.forEach((len, p) => {
    const n = Math.round(len * sr);
    const x = new Float32Array(n);
    let pos = 0;
    while (pos < n) {
      const syl = Math.round((0.12 + 0.12 * r()) * sr);
      const gap = Math.round(0.02 * r() * sr);
      const f0 = 110 + 40 * r();
      for (let i = 0; i < syl && pos + i < n; i++) {
        const tt = i / sr;
        const env = Math.sin((Math.PI * i) / syl) ** 0.5;
        let v = 0;
        for (let h = 1; h <= 12; h++) v += Math.sin(2 * Math.PI * f0 * h * tt) / h;
        x[pos + i] = 0.3 * env * v;
      }
      pos += syl + gap;
    }
    chunks.push(x);
    t += len;
    const pause = pauses[p];
    if (pause !== undefined) {
      planted.push({ start: t, end: t + pause });
      chunks.push(new Float32Array(Math.round(pause * sr)));
      t += pause;
    }
  });
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const samples = new Float32Array(total);
  let o = 0;
  for (const c of chunks) {
    samples.set(c, o);
    o += c.length;
  }
  return { samples, sampleRate: sr, pauses: planted };
}

/** Sine tone bursts of `len` seconds starting at the given times (2 ms attack, 40 ms release). */
export function toneBursts(times: number[], len: number, duration: number, sr = 22050, freq = 440, gain = 0.5): Float32Array {
  const x = new Float32Array(Math.round(duration * sr));
  for (const t0 of times) {
    const a = Math.round(t0 * sr);
    const n = Math.round(len * sr);
    for (let i = 0; i < n && a + i < x.length; i++) {
      const ramp = Math.min(1, i / (0.002 * sr), ((n - i) / (0.04 * sr)) ** 2);
      x[a + i] = gain * ramp * Math.sin((2 * Math.PI * freq * i) / sr);
    }
  }
  return x;
}

export async function writeWav(dir: string, name: string, samples: Float32Array, sr: number, channels = 1): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, encodeWav16(samples, sr, channels));
  return file;
}

export interface BandOptions {
  bpm: number;
  duration: number;
  sampleRate?: number;
  /** Swing ratio of the off-beat eighths (0.5 straight). */
  swing?: number;
  /** Gain of each comping-chord note on the off-beats (0.22: louder than the drums). */
  comping?: number;
  /** Gain of a free melody over the band, notes at random times (~6 a second), off the grid. */
  lead?: number;
  /** Drums, bass and comping (default true); false leaves the free melody alone. */
  rhythmSection?: boolean;
  seed?: number;
}

/**
 * A small band rather than a click loop: a sampled-kit-like drum part (pitched kick with a beater
 * click, snare of band-limited noise plus body with ghost notes, hi-hats of random loudness),
 * human timing (8 ms), a bass, comping chords on the swung off-beats and optionally a free
 * melody off the grid. No hit is an identical copy of another.
 */
export function band(o: BandOptions): Track {
  const sr = o.sampleRate ?? 22050;
  const r = rng(o.seed ?? 1);
  const x = new Float32Array(Math.round(o.duration * sr));
  const period = 60 / o.bpm;
  const swing = o.swing ?? 0.5;
  const human = () => gauss(r) * 0.008;
  const kickHit = (gain: number) => {
    const n = Math.round(0.35 * sr);
    const out = new Float32Array(n);
    const f0 = 45 + 15 * r();
    let phase = 0;
    for (let i = 0; i < n; i++) {
      const t = i / sr;
      phase += (2 * Math.PI * (f0 + 90 * Math.exp(-t / 0.025))) / sr;
      out[i] = gain * (Math.sin(phase) * Math.exp(-t / 0.12) + 0.3 * (r() * 2 - 1) * Math.exp(-t / 0.004));
    }
    return out;
  };
  const snareHit = (gain: number) => {
    const n = Math.round(0.25 * sr);
    const out = new Float32Array(n);
    let lp = 0;
    const f = 170 + 40 * r();
    for (let i = 0; i < n; i++) {
      const t = i / sr;
      lp += 0.5 * ((r() * 2 - 1) - lp); // gently low-passed noise: snare wires, not white noise
      out[i] = gain * (0.7 * lp * Math.exp(-t / 0.09) + 0.4 * Math.sin(2 * Math.PI * f * t) * Math.exp(-t / 0.05));
    }
    return out;
  };
  const note = (freq: number, len: number, gain: number, harmonics: number) => {
    const n = Math.round(len * sr);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = i / sr;
      let v = 0;
      for (let h = 1; h <= harmonics; h++) v += Math.sin(2 * Math.PI * freq * h * t) / h;
      out[i] = gain * v * Math.min(1, t / 0.003) * Math.exp(-t / (len / 3));
    }
    return out;
  };
  const chords = [
    [220, 261.63, 329.63],
    [174.61, 220, 261.63],
    [196, 246.94, 293.66],
    [164.81, 207.65, 246.94],
  ];
  const bassRoots = [55, 43.65, 49, 41.2];
  const beats: number[] = [];
  for (let i = 0; ; i++) {
    const t = 0.5 + i * period;
    if (t > o.duration - 0.5) break;
    if (o.rhythmSection === false) continue;
    beats.push(t);
    const pos = i % 4;
    const bar = Math.floor(i / 4) % 4;
    if (pos === 0 || pos === 2) addAt(x, sr, t + human(), kickHit(0.55 + 0.1 * r()));
    if (pos === 1 || pos === 3) addAt(x, sr, t + human(), snareHit(0.45 + 0.1 * r()));
    // Ghost notes: quiet snare on a random sixteenth now and then.
    if (r() < 0.35) addAt(x, sr, t + (r() < 0.5 ? 0.25 : 0.75) * period + human(), snareHit(0.08 + 0.05 * r()));
    addAt(x, sr, t + human(), hat(sr, r, 0.02), 0.12 + 0.08 * r());
    addAt(x, sr, t + swing * period + human(), hat(sr, r, 0.02), 0.1 + 0.1 * r());
    const root = bassRoots[bar]! * (pos === 2 ? 1.5 : 1);
    addAt(x, sr, t + human(), note(root, period * 0.9, 0.25, 4));
    for (const f of chords[bar]!) addAt(x, sr, t + swing * period + human(), note(f, period * 0.45, o.comping ?? 0.22, 6));
  }
  if (o.lead) {
    for (let t = 0.3 + r() * 0.2; t < o.duration - 0.5; t += 0.04 + r() * 0.3) {
      addAt(x, sr, t, note(330 * 2 ** (Math.floor(r() * 24) / 12), 0.15 + 0.3 * r(), o.lead * (0.6 + 0.4 * r()), 5));
    }
  }
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]!));
  if (peak > 0.95) for (let i = 0; i < x.length; i++) x[i] = (x[i]! * 0.95) / peak;
  return { samples: x, sampleRate: sr, beats };
}
