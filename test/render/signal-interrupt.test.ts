/**
 * SIGTERM and SIGINT sent to a real `stillmotion render` (a real Chromium, ffmpeg, frames drawn
 * in Node) in the middle of its frames: the process exits within seconds with 143 / 130, prints
 * the one documented line, and leaves no process, no temp file, no scratch folder and no file
 * under the final name behind. The leftovers of a process that died outright are swept on the
 * next start; those of a live process are not.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { descendantPids, runningPids } from '../../src/process/descendants';
import { isProcessAlive } from '../../src/process/process-alive';
import { GRACE_MS, RENDER_INTERRUPTED } from '../../src/process/interrupt';
import { tempDir, writeDiscImage, writePlan, writeWav } from '../helpers/fixtures';

const CLI = path.resolve('bin/stillmotion.mjs');
/** How long the process may take from the signal to its exit. */
const EXIT_WITHIN_MS = 6000;

let dir: string;
let planFile: string;

beforeAll(async () => {
  dir = await tempDir('stillmotion-signal-');
  await writeDiscImage(path.join(dir, 'disc.png'), 400, 300, 0.3, 0.4);
  await writeWav(path.join(dir, 'narration.wav'), 2, { freq: 440 });
  // Wipes are drawn in Chromium, the scenes in Node: a signal lands with both kinds of child running.
  planFile = await writePlan(dir, {
    title: 'interrupted',
    formats: ['16:9'],
    defaults: { transition: { type: 'wipe', duration: 1 } },
    sections: [
      { id: 'a', image: 'disc.png', duration: 1.5, tier: 1, motion: 'zoom-in', narration: 'narration.wav' },
      { id: 'b', image: 'disc.png', duration: 1.5, tier: 0 },
      { id: 'c', image: 'disc.png', duration: 1.5, tier: 1, motion: 'pan-left' },
      { id: 'd', image: 'disc.png', duration: 1.5, tier: 0 },
    ],
  });
});

/** A pid that belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  expect(isProcessAlive(child.pid!)).toBe(false);
  return child.pid!;
}

async function list(d: string): Promise<string[]> {
  return fs.readdir(d).catch(() => []);
}

interface Interrupted {
  code: number | null;
  stderr: string;
  exitMs: number;
  /** Processes the CLI had started when the signal was sent. */
  children: number[];
  /** The run's scratch folder (its TMPDIR) and what was in it when the signal was sent. */
  scratch: string | null;
  scratchEntries: string[];
}

const scratchOf = async (pid: number): Promise<string | null> => {
  const name = (await list(os.tmpdir())).find((n) => n.startsWith(`stillmotion-run-${pid}-`));
  return name ? path.join(os.tmpdir(), name) : null;
};

/** Starts a render, sends `signal` once it is drawing frames, and waits for it to exit. */
async function interruptRender(signal: 'SIGTERM' | 'SIGINT'): Promise<Interrupted> {
  const child = spawn(process.execPath, [CLI, 'render', planFile, '--scale', '0.1', '--out', path.join(dir, 'out'), '--cache', path.join(dir, 'cache'), '--fresh'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.resume();
  let exitedAt = 0;
  child.on('exit', () => (exitedAt = performance.now()));
  // 'close': exited and its output read to the end.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // The progress lines (stderr is not a terminal): wait for frames to be under way.
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/rendering\s+\d+%/.test(stderr)) resolve();
    });
    void exited.then(() => reject(new Error(`the render ended before it was interrupted:\n${stderr}`)));
  });
  const children = descendantPids(child.pid!);
  const scratch = await scratchOf(child.pid!);
  const scratchEntries = scratch ? await list(scratch) : [];
  const sent = performance.now();
  child.kill(signal);
  const code = await exited;
  const exitMs = exitedAt - sent;
  return { code, stderr, exitMs, children, scratch, scratchEntries };
}

describe('an interrupted render', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal}: exits ${code} within seconds, every child stopped, nothing partial left`, async () => {
      const out = path.join(dir, 'out');
      const segments = path.join(dir, 'cache', 'segments');
      // Leftovers of a process killed outright, and a temp file of a live one (this test's).
      const dead = await deadPid();
      await fs.mkdir(out, { recursive: true });
      await fs.mkdir(segments, { recursive: true });
      const stale = [path.join(out, `.interrupted-16x9.${dead}.0123abcd.tmp.mp4`), path.join(segments, `.0f0f.${dead}.89abcdef.tmp.mp4`)];
      for (const f of stale) await fs.writeFile(f, 'half a video');
      const deadScratch = path.join(os.tmpdir(), `stillmotion-run-${dead}-AbCdEf`);
      await fs.mkdir(path.join(deadScratch, 'remotion-v4-assets'), { recursive: true });
      const live = path.join(out, `.other-16x9.${process.pid}.fedcba98.tmp.mp4`);
      await fs.writeFile(live, 'another render is writing this');

      const r = await interruptRender(signal);
      expect(r.code, r.stderr).toBe(code);
      expect(r.exitMs).toBeLessThan(EXIT_WITHIN_MS);
      expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(RENDER_INTERRUPTED);
      // Chromium and ffmpeg were running, and none of them is now.
      expect(r.children.length).toBeGreaterThan(0);
      expect(runningPids(r.children)).toEqual([]);
      // No output under the final name, no temp file of this run, the live process's file untouched.
      expect(await list(out)).toEqual([path.basename(live)]);
      expect((await list(segments)).filter((f) => f.includes('.tmp'))).toEqual([]);
      // Remotion's and Chromium's working folders were in the run's scratch folder, now gone,
      // as is the dead process's.
      expect(r.scratch).not.toBeNull();
      expect(r.scratchEntries.some((n) => /^(puppeteer_dev_chrome_profile-|remotion-|react-motion-render)/.test(n)), r.scratchEntries.join(' ')).toBe(true);
      expect(await fs.stat(r.scratch!).catch(() => null)).toBeNull();
      expect(await fs.stat(deadScratch).catch(() => null)).toBeNull();
      await fs.rm(live);
    }, 150_000);
  }
});

describe('the interrupt handler', () => {
  for (const mode of ['cooperative', 'stuck'] as const) {
    it(`${mode} command: the temp file being written is removed and the children killed${mode === 'stuck' ? ' once the grace period is over' : ''}`, async () => {
      const target = path.join(dir, `handler-${mode}`, 'final.mp4');
      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/helpers/interruptible-write.ts'), target, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      let exitedAt = 0;
      child.on('exit', () => (exitedAt = performance.now()));
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('\n')) resolve();
        });
        void closed.then(() => reject(new Error(`exited early: ${stderr}`)));
      });
      const [sleeper, tmp, scratch] = stdout.trim().split(' ');
      // The temp file sits beside the target, as a render's .tmp.mp4 does in out/ during the join.
      expect(path.dirname(tmp!)).toBe(path.dirname(target));
      expect(await fs.readFile(tmp!, 'utf8')).toBe('half a video');
      expect(runningPids([Number(sleeper)])).toEqual([Number(sleeper)]);
      const sent = performance.now();
      child.kill('SIGTERM');
      expect(await closed, stderr).toBe(143);
      const ms = exitedAt - sent;
      if (mode === 'cooperative') expect(ms).toBeLessThan(GRACE_MS);
      else expect(ms).toBeGreaterThanOrEqual(GRACE_MS - 50);
      expect(ms).toBeLessThan(GRACE_MS + EXIT_WITHIN_MS);
      expect(stderr.trimEnd().split('\n').at(-1)).toBe(RENDER_INTERRUPTED);
      expect(stderr.split(RENDER_INTERRUPTED)).toHaveLength(2); // said once
      expect(runningPids([Number(sleeper)])).toEqual([]);
      expect(await list(path.dirname(target))).toEqual([]);
      expect(await fs.stat(scratch!).catch(() => null)).toBeNull();
    }, 30_000);
  }
});
