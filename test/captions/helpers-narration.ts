/**
 * Narration with exactly known word onsets: every word spoken on its own by espeak-ng (`-w`), its
 * silent lead-in and tail cut at -45 dBFS, then joined with known gaps. The onsets are where each
 * word's samples were put, independent of the aligner under test.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeWav16, parseWav } from '../../src/audio/wav-codec';

export interface SynthNarration {
  file: string;
  words: string[];
  /** Seconds from the start of the file where each word's sound starts and ends. */
  onsets: number[];
  ends: number[];
  duration: number;
}

function trimmed(samples: Float32Array): Float32Array {
  const thr = 10 ** (-45 / 20);
  let a = 0;
  while (a < samples.length && Math.abs(samples[a]!) < thr) a++;
  let b = samples.length;
  while (b > a && Math.abs(samples[b - 1]!) < thr) b--;
  return samples.subarray(a, b);
}

/** Speaks `words` one by one (espeak-ng voice and words a minute) and joins them with `gapsMs[i % gapsMs.length]` of silence, after `leadMs` of silence. */
export async function synthNarration(dir: string, name: string, words: string[], gapsMs: number[], opts: { leadMs?: number; tailMs?: number; noiseDb?: number; voice?: string; wpm?: number } = {}): Promise<SynthNarration> {
  const { leadMs = 400, tailMs = 500, voice = 'en-us', wpm = 190 } = opts;
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-espeak-'));
  const parts: Float32Array[] = [];
  let rate = 22050;
  for (const [i, w] of words.entries()) {
    const f = path.join(tmp, `${i}.wav`);
    execFileSync('espeak-ng', ['-v', voice, '-s', String(wpm), '-w', f, w.replace(/[^\p{L}\p{N}' -]/gu, '')]);
    const pcm = parseWav(await fs.readFile(f));
    rate = pcm.sampleRate;
    parts.push(trimmed(pcm.samples));
  }
  await fs.rm(tmp, { recursive: true, force: true });
  const onsets: number[] = [];
  const ends: number[] = [];
  const chunks: Float32Array[] = [new Float32Array(Math.round((leadMs / 1000) * rate))];
  let at = chunks[0]!.length;
  parts.forEach((p, i) => {
    if (i > 0) {
      const gap = new Float32Array(Math.round((gapsMs[(i - 1) % gapsMs.length]! / 1000) * rate));
      chunks.push(gap);
      at += gap.length;
    }
    onsets.push(at / rate);
    chunks.push(p);
    at += p.length;
    ends.push(at / rate);
  });
  chunks.push(new Float32Array(Math.round((tailMs / 1000) * rate)));
  const all = new Float32Array(chunks.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  // A room's noise floor under everything (no digital silence between words), when asked for.
  if (opts.noiseDb !== undefined) addNoise(all, opts.noiseDb);
  const file = path.join(dir, `${name}.wav`);
  await fs.writeFile(file, encodeWav16(all, rate));
  return { file, words, onsets, ends, duration: all.length / rate };
}

/** Adds white noise of RMS `noiseDb` dBFS (a fixed seed: the same every run). */
function addNoise(s: Float32Array, noiseDb: number): void {
  let x = 12345;
  const amp = 10 ** (noiseDb / 20) * Math.sqrt(3);
  for (let i = 0; i < s.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    s[i]! += (x / 0x7fffffff - 0.5) * 2 * amp;
  }
}

/** Writes `seconds` of digital silence (or quiet noise at `noiseDb`). */
export async function silentWav(file: string, seconds: number, noiseDb?: number): Promise<string> {
  const s = new Float32Array(Math.round(seconds * 22050));
  if (noiseDb !== undefined) addNoise(s, noiseDb);
  await fs.writeFile(file, encodeWav16(s, 22050));
  return file;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
