/** Image fixtures for the depth, layers and focus tests. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Command } from 'commander';

/** Grey, lightly textured background with a saturated disc at (cx, cy) (0..1), radius r (share of the height). */
export async function writeBlobImage(file: string, width: number, height: number, cx: number, cy: number, r = 0.12, rgb: [number, number, number] = [230, 30, 40]): Promise<string> {
  const data = new Uint8Array(width * height * 3);
  let s = 12345;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const dx = x - cx * width;
      const dy = y - cy * height;
      const inside = dx * dx + dy * dy <= (r * height) ** 2;
      const n = (rnd() - 0.5) * 24;
      for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, Math.round(inside ? rgb[c]! + n / 3 : 128 + n)));
    }
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(file);
  return file;
}

export async function readRaw(file: string): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Runs a registered CLI command in-process; returns what it printed. */
export async function runCli(register: (p: Command) => void, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const program = new Command();
  program.exitOverride();
  register(program);
  let stdout = '';
  let stderr = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  return { stdout, stderr };
}

/** Bad inputs: a text file, a truncated PNG and a truncated JPEG. */
export async function writeBadInputs(dir: string): Promise<{ text: string; truncPng: string; truncJpg: string }> {
  await fs.mkdir(dir, { recursive: true });
  const text = path.join(dir, 'notes.png');
  await fs.writeFile(text, 'this is not an image\n');
  const png = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#336699' } }).png().toBuffer();
  const truncPng = path.join(dir, 'trunc.png');
  await fs.writeFile(truncPng, png.subarray(0, Math.floor(png.length / 2)));
  const noise = Buffer.alloc(200 * 150 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
  const jpg = await sharp(noise, { raw: { width: 200, height: 150, channels: 3 } }).jpeg().toBuffer();
  const truncJpg = path.join(dir, 'trunc.jpg');
  await fs.writeFile(truncJpg, jpg.subarray(0, Math.floor(jpg.length / 2)));
  return { text, truncPng, truncJpg };
}
