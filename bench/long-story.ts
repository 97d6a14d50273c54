/**
 * Benchmark (not a test): a long story rendered with the CLI, as a user would, in three formats.
 *
 * Builds, in a temp dir, stories of 10 sections a minute (6 s each, crossfades of 0.5 s) with
 * 4000x3000 images made by resizing the real photos in ../shared/samples/images with sharp (each
 * photo in six variants: mirrored, flipped, cropped, so every section has its own image), every
 * third section parallax (orbit, dolly, pan, push in turn), the others Ken Burns, and the samples'
 * music under them. Each story is rendered cold (its own empty cache) with
 * `stillmotion render --draft --formats 16:9,9:16,1:1` and measured from outside:
 *   - wall time in all, and per format when its frames were all drawn and when its file appeared in
 *     the output folder (seconds from the start: formats overlap);
 *   - seconds of wall time per minute of video, for each story length (growth shows here);
 *   - peak memory: the most the CLI's process tree (Node, Chromium, ffmpeg) held at once, sampled
 *     every 250 ms from /proc, and the Node process's own peak (VmHWM).
 *
 * Writes bench-results/long-story.json. Run: npm run bench:long [-- --minutes 1,3]
 */
import { spawn } from 'node:child_process';
import { promises as fs, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const MINUTES = arg('minutes', '1,3').split(',').map(Number);
const FORMATS = ['16:9', '9:16', '1:1'] as const;
const SUFFIX: Record<(typeof FORMATS)[number], string> = { '16:9': '16x9', '9:16': '9x16', '1:1': '1x1' };
const SECTIONS_PER_MINUTE = 10;
const SECTION_SECONDS = 6;
const SAMPLES = path.resolve('../shared/samples');
const PHOTOS = ['rocket.jpg', 'coffee.png', 'hubble_deep_field.jpg', 'astronaut.png', 'chelsea.png'];
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-bench-long-'));
const load = (): string => `load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`;

/** 4000x3000 JPEG number `i`: photo i % 5 in variant floor(i / 5) (mirrored, flipped, cropped towards a corner). */
async function bigImage(i: number, file: string): Promise<void> {
  const photo = path.join(SAMPLES, 'images', PHOTOS[i % PHOTOS.length]!);
  const variant = Math.floor(i / PHOTOS.length);
  const positions = ['centre', 'north', 'south', 'east', 'west', 'northeast'] as const;
  let img = sharp(photo).flatten({ background: '#ffffff' });
  if (variant % 2) img = img.flop();
  if (variant % 3 === 2) img = img.flip();
  await img.resize(4000, 3000, { fit: 'cover', position: positions[variant % positions.length], kernel: 'lanczos3' }).jpeg({ quality: 90 }).toFile(file);
}

function story(minutes: number): object {
  const n = minutes * SECTIONS_PER_MINUTE;
  const motions = ['zoom-in', 'pan-right', 'zoom-out', 'pan-left', 'pan-up', 'pan-down'];
  const parallax = ['orbit', 'dolly', 'pan', 'push'];
  return {
    title: `long story ${minutes} min`,
    fps: 30,
    formats: [...FORMATS],
    defaults: { transition: { type: 'crossfade', duration: 0.5 } },
    music: { file: 'audio/music.wav', volume: 0.35 },
    sections: Array.from({ length: n }, (_, i) => {
      const base = { id: `s${i + 1}`, image: `images/img-${i}.jpg`, duration: SECTION_SECONDS };
      return i % 3 === 2
        ? { ...base, tier: 2, parallax: { preset: parallax[Math.floor(i / 3) % parallax.length] } }
        : { ...base, tier: 1, motion: { preset: motions[i % motions.length], amount: 0.15 } };
    }),
  };
}

/** RSS (kB) of a process and all its descendants, from /proc. */
function treeRssKb(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      rss.set(Number(d), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // The process ended while being read.
    }
  }
  let sum = 0;
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    sum += rss.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return sum;
}

function nodePeakKb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

interface StoryRun {
  minutes: number;
  sections: number;
  videoSeconds: number;
  wallSeconds: number;
  secondsPerVideoMinute: number;
  /**
   * Per format, seconds from the start until all its frames were drawn (the CLI's progress says
   * "encoding 100%") and until its file appeared. Formats overlap (the next is drawn while one
   * waits for its soundtrack and join), so these are points in time, not durations.
   */
  drawnAt: Record<string, number>;
  fileAt: Record<string, number>;
  /** The CLI's own "rendered in" per format (after preparation). */
  renderedIn: Record<string, number>;
  peakTreeRssMb: number;
  peakNodeRssMb: number;
  loadAverage: [number, number];
}

async function renderStory(minutes: number): Promise<StoryRun> {
  const dir = path.join(work, `story-${minutes}`);
  await fs.mkdir(path.join(dir, 'images'), { recursive: true });
  await fs.mkdir(path.join(dir, 'audio'), { recursive: true });
  const n = minutes * SECTIONS_PER_MINUTE;
  for (let i = 0; i < n; i++) {
    const shared = path.join(work, 'images', `img-${i}.jpg`);
    if (!(await fs.stat(shared).catch(() => null))) {
      await fs.mkdir(path.dirname(shared), { recursive: true });
      await bigImage(i, shared);
    }
    await fs.copyFile(shared, path.join(dir, 'images', `img-${i}.jpg`));
  }
  await fs.copyFile(path.join(SAMPLES, 'audio', 'music-96bpm.wav'), path.join(dir, 'audio', 'music.wav'));
  await fs.writeFile(path.join(dir, 'plan.json'), JSON.stringify(story(minutes), null, 2));
  const out = path.join(dir, 'out');
  const args = [path.resolve('bin/stillmotion.mjs'), 'render', path.join(dir, 'plan.json'), '--draft', '--formats', FORMATS.join(','), '--out', out, '--cache', path.join(dir, 'cache')];
  console.log(`  ${minutes} min: ${n} sections (${Math.floor(n / 3)} parallax), rendering: node ${args.map((a) => path.relative(process.cwd(), a) || a).join(' ')}`);
  const t0 = performance.now();
  const loads = [os.loadavg()[0]!];
  // BENCH_NODE_ARGS: extra Node flags for the CLI (e.g. --cpu-prof --cpu-prof-dir=prof to see where its time goes).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // BENCH_VERBOSE=1: the CLI's log lines, stamped with seconds since the start (where the time goes).
  const verbose = process.env.BENCH_VERBOSE === '1';
  const watch = (d: Buffer): void => {
    // Non-TTY progress lines: "<format> encoding 100% <n>/<n> frames" once a format's frames are all drawn.
    for (const m of d.toString().matchAll(/^(\S+)\s+encoding\s+100%/gm)) drawnAt[m[1]!] ??= (performance.now() - t0) / 1000;
    if (verbose) for (const l of d.toString().split('\n').filter(Boolean)) console.log(`    [${((performance.now() - t0) / 1000).toFixed(1)} s] ${l}`);
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    watch(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    watch(d);
  });
  const appeared: Record<string, number> = {};
  const drawnAt: Record<string, number> = {};
  let peakTree = 0;
  let peakNode = 0;
  const sample = setInterval(() => {
    peakTree = Math.max(peakTree, treeRssKb(child.pid!));
    peakNode = Math.max(peakNode, nodePeakKb(child.pid!));
    for (const f of FORMATS) {
      if (appeared[f] === undefined && readdirSafe(out).some((x) => x.endsWith(`-${SUFFIX[f]}.mp4`))) appeared[f] = (performance.now() - t0) / 1000;
    }
  }, 250);
  const loadTimer = setInterval(() => loads.push(os.loadavg()[0]!), 5000);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  clearInterval(sample);
  clearInterval(loadTimer);
  const wall = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`render exited ${code}: ${stderr.slice(-2000)}`);
  const renderedIn: Record<string, number> = {};
  for (const f of FORMATS) {
    const line = stdout.split('\n').find((l) => l.includes(`-${SUFFIX[f]}.mp4`));
    const m = line && /rendered in ((?:\d+ min )?[\d.]+ s)/.exec(line);
    if (m) renderedIn[f] = parseDuration(m[1]!);
  }
  const fileAt = Object.fromEntries(FORMATS.map((f) => [f, appeared[f] ?? wall]));
  // The video's length as the CLI reports it (the timeline decides how transitions overlap).
  const firstLine = stdout.split('\n').find((l) => l.includes(`-${SUFFIX[FORMATS[0]]}.mp4`)) ?? '';
  const videoSeconds = parseDuration(/\d+x\d+\s+((?:\d+ min )?[\d.]+ s)/.exec(firstLine)?.[1] ?? '');
  if (!Number.isFinite(videoSeconds)) throw new Error(`no video length in the CLI's output: ${firstLine}`);
  const run: StoryRun = {
    minutes,
    sections: n,
    videoSeconds,
    wallSeconds: wall,
    secondsPerVideoMinute: wall / (videoSeconds / 60),
    drawnAt,
    fileAt,
    renderedIn,
    peakTreeRssMb: peakTree / 1024,
    peakNodeRssMb: peakNode / 1024,
    loadAverage: [Math.min(...loads), Math.max(...loads)],
  };
  console.log(
    `  ${minutes} min: ${wall.toFixed(0)} s in all (${run.secondsPerVideoMinute.toFixed(0)} s per video minute); ${FORMATS.map((f) => `${f} drawn at ${drawnAt[f]?.toFixed(0) ?? '?'} s, file at ${fileAt[f]!.toFixed(0)} s`).join('; ')} (from the start; CLI "rendered in" ${FORMATS.map((f) => `${renderedIn[f]?.toFixed(0) ?? '?'} s`).join(' / ')}); peak RSS ${run.peakTreeRssMb.toFixed(0)} MB for the process tree, ${run.peakNodeRssMb.toFixed(0)} MB Node; ${load()}`,
  );
  await fs.rm(dir, { recursive: true, force: true });
  return run;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The CLI's formatSeconds back to seconds: "42.10 s", "2 min 3.4 s". */
function parseDuration(s: string): number {
  const m = /(?:(\d+) min )?([\d.]+) s/.exec(s);
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2]) : NaN;
}

try {
  console.log(`Long stories, --draft, formats ${FORMATS.join(', ')}; 4000x3000 images, ${SECTIONS_PER_MINUTE} sections a minute, a third parallax (${load()})`);
  const runs: StoryRun[] = [];
  for (const m of MINUTES) {
    runs.push(await renderStory(m));
    // Written after every story: a long run stopped part way keeps what it measured.
    const result = {
      runs,
      secondsPerVideoMinute: Object.fromEntries(runs.map((r) => [`${r.minutes}min`, r.secondsPerVideoMinute])),
      cores: os.cpus().length,
      date: new Date().toISOString(),
    };
    await fs.mkdir('bench-results', { recursive: true });
    await fs.writeFile('bench-results/long-story.json', `${JSON.stringify(result, null, 2)}\n`);
  }
  console.log(`Seconds per video minute: ${runs.map((r) => `${r.minutes} min story ${r.secondsPerVideoMinute.toFixed(0)} s`).join(', ')}`);
  console.log('written: bench-results/long-story.json');
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
