/** Test fixtures made on the fly: temp dirs, WAV files, images, plan files. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

export async function tempDir(prefix = 'stillmotion-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A 16-bit PCM mono WAV: a tone of `seconds`, optionally silent. */
export async function writeWav(file: string, seconds: number, opts: { sampleRate?: number; freq?: number; amplitude?: number } = {}): Promise<string> {
  const rate = opts.sampleRate ?? 22050;
  const n = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write('WAVE', 8);
  buf.write('fmt ', 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(n * 2, 40);
  const amp = (opts.amplitude ?? 0.3) * 32767;
  const freq = opts.freq ?? 440;
  for (let i = 0; i < n; i++) buf.writeInt16LE(Math.round(amp * Math.sin((2 * Math.PI * freq * i) / rate)), 44 + i * 2);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, buf);
  return file;
}

/** A solid-colour image. */
export async function writeSolidImage(file: string, width: number, height: number, rgb: [number, number, number]): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(file);
  return file;
}

/** A dark image with a white disc at (cx, cy) (0..1) of radius r (share of the height). */
export async function writeDiscImage(file: string, width: number, height: number, cx = 0.5, cy = 0.5, r = 0.15): Promise<string> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="rgb(40,40,40)"/>
    <circle cx="${cx * width}" cy="${cy * height}" r="${r * height}" fill="white"/></svg>`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  await sharp(Buffer.from(svg)).png().toFile(file);
  return file;
}

export async function writePlan(dir: string, plan: unknown, name = 'plan.json'): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, JSON.stringify(plan, null, 2));
  return file;
}
