/** Fixtures for the Story Director tests: small generated images, story files, stories loaded with their media. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { loadStory, type Story } from '../../src/story/load-story';
import { probeStoryMedia, type StoryMedia } from '../../src/story/story-media';

/** A 320x200 image: a dark background with a bright disc at (cx, cy). */
export async function writeSceneImage(file: string, seed: number, cx = 0.5, cy = 0.5): Promise<string> {
  const w = 320;
  const h = 200;
  const bg = `rgb(${(40 + seed * 37) % 120},${(60 + seed * 53) % 140},${(90 + seed * 29) % 160})`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="${bg}"/><circle cx="${cx * w}" cy="${cy * h}" r="${0.18 * h}" fill="rgb(240,200,40)"/></svg>`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  await sharp(Buffer.from(svg)).png().toFile(file);
  return file;
}

export async function writeStoryFile(dir: string, name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

export async function loadWithMedia(file: string): Promise<{ story: Story; media: StoryMedia }> {
  const story = await loadStory(file);
  return { story, media: await probeStoryMedia(story) };
}

/** An 8-section story with two peaks (a reveal, then the climax), sections of 6.5-8 s. */
export const HARBOUR_TEXTS = [
  'The harbour town wakes slowly. Fishermen drink their coffee in the quiet morning light.',
  'Out on the water, the boats race to the fishing grounds before the tide turns.',
  'But beyond the reef, the sonar shows a huge shape rising from the deep!',
  'The crews stop their engines and wait in silence, watching the still water.',
  'Then the sea starts to shake. The boats rock harder and the crews shout warnings.',
  'A whale bursts from the waves! Spray explodes into the air and the boats roar away!',
  'Slowly the water settles, and the whale glides back into the dark blue.',
  'Back in the harbour, the coffee is warm again. Tomorrow, they will look for it once more.',
];
export const HARBOUR_SECONDS = [7, 6.5, 7.5, 8, 7, 6.5, 7, 8];

export async function writeHarbourStory(dir: string, extra: Record<string, unknown> = {}): Promise<string> {
  for (let i = 0; i < HARBOUR_TEXTS.length; i++) await writeSceneImage(path.join(dir, 'img', `${i + 1}.png`), i, 0.3 + 0.05 * i, 0.4);
  return writeStoryFile(dir, 'harbour.json', {
    title: 'The Whale',
    ...extra,
    sections: HARBOUR_TEXTS.map((text, i) => ({ id: `s${i + 1}`, text, image: `img/${i + 1}.png`, duration: HARBOUR_SECONDS[i] })),
  });
}

/** Runs registered CLI commands in-process; returns what they printed and the error they threw, if any. */
export async function runCommand(registers: ((p: import('commander').Command) => void)[], args: string[]): Promise<{ stdout: string; stderr: string; error: Error | null }> {
  const { Command } = await import('commander');
  const program = new Command();
  program.exitOverride();
  for (const r of registers) r(program);
  let stdout = '';
  let stderr = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  let error: Error | null = null;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    error = err as Error;
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  return { stdout, stderr, error };
}
