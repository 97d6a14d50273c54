/**
 * `stillmotion batch --lambda` against loopback AWS (the real @remotion/lambda client, a Lambda
 * Invoke stand-in and s3rver): plans render in parallel on Lambda, a format that fails is the only
 * one rendered again on the next run, finished ones are skipped, costs are summed in the table.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST_NAME } from '../../src/batch/manifest';
import { StillmotionError } from '../../src/errors';
import { tempDir, writeDiscImage, writePlan } from '../helpers/fixtures';
import { runCliInProcess, type CliRun } from '../helpers/run-cli';
import { BUCKET, FUNCTION_NAME, SERVE_URL, startLoopbackAws, type LoopbackAws } from '../lambda/env';

// The plans share images in a folder beside theirs (../img): plans may use files outside their folder only when the user allows it.
process.env.STILLMOTION_ALLOW_OUTSIDE_PATHS = '1';

let env: LoopbackAws;
let dir: string;
let plans: string;
let out: string;

const batch = (args: string[]): Promise<CliRun> => runCliInProcess(['batch', ...args]);

const LAMBDA = ['--lambda', '--region', 'us-east-1', '--function', FUNCTION_NAME, '--bucket', BUCKET, '--serve-url', SERVE_URL];

beforeAll(async () => {
  env = await startLoopbackAws();
  dir = await tempDir('sm-batch-lambda-');
  plans = path.join(dir, 'plans');
  out = path.join(dir, 'out');
  await writeDiscImage(path.join(dir, 'img', 'disc.png'), 400, 300, 0.4, 0.5);
  for (const name of ['first', 'second']) {
    await fs.mkdir(path.join(plans, name), { recursive: true });
    await writePlan(path.join(plans, name), { title: name, formats: ['16:9', '1:1'], sections: [{ id: 's', image: '../../img/disc.png', duration: 2, motion: 'zoom-in' }] }, 'plan.json');
  }
});

afterAll(async () => {
  await env?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  env.aws.starts.length = 0;
  env.aws.scripts = {};
});

describe('batch --lambda (loopback Lambda + s3rver)', () => {
  it('renders plans in parallel on Lambda, retries only the failed format next time, then skips everything', async () => {
    env.aws.scripts = {
      Landscape: [{ kind: 'progress', progress: 0.5, framesRendered: 30 }, { kind: 'done', cost: 0.01 }],
      Square: [{ kind: 'fatal', message: 'Chromium crashed', cost: 0.002 }],
    };
    const first = await batch([path.join(plans, '*', 'plan.json'), '--out', out, '--concurrency', '2', '--scale', '0.25', '--download', ...LAMBDA]);
    expect(first.error).toBeInstanceOf(StillmotionError);
    expect((first.error as Error).message).toMatch(/2 of 2 plans did not finish \(first, second\)/);
    expect(env.aws.starts.map((s) => s.payload.composition).sort()).toEqual(['Landscape', 'Landscape', 'Square', 'Square']);
    // Both plans were in flight at once: their first starts came before either finished.
    const at = (line: RegExp) => first.stderr.split('\n').findIndex((l) => line.test(l));
    const firstDone = at(/^(first|second): 16:9 done/);
    expect(firstDone).toBeGreaterThan(0);
    expect(at(/^first: rendering 16:9, 1:1$/)).toBeLessThan(firstDone);
    expect(at(/^second: rendering 16:9, 1:1$/)).toBeLessThan(firstDone);
    expect(at(/^first: rendering/)).toBeGreaterThan(-1);
    expect(at(/^second: rendering/)).toBeGreaterThan(-1);
    const rowOf = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(`${name} `))!;
    expect(rowOf(first.stdout, 'first')).toMatch(/^first +partial +16:9 1:1 \(failed\) +2\.0 s +(\d+ min )?[\d.]+ s +\$0\.012 +error: 1:1: chunk 2: Chromium crashed$/);
    expect(first.stdout).toContain('2 plans: 0 rendered, 0 skipped (up to date), 2 partial, 0 failed');
    expect(first.stdout).toMatch(/Lambda cost \$0\.024/);

    env.aws.starts.length = 0;
    env.aws.scripts = { Square: [{ kind: 'done', cost: 0.005 }] };
    const second = await batch([plans, '--out', out, '--scale', '0.25', '--download', ...LAMBDA]);
    expect(second.error).toBeNull();
    expect(env.aws.starts.map((s) => s.payload.composition)).toEqual(['Square', 'Square']);
    expect(rowOf(second.stdout, 'first')).toMatch(/^first +rendered +1:1 16:9 \(done\)/);
    // The stand-in's output (a real MP4), downloaded and normalised: an MP4 still.
    expect((await fs.readFile(path.join(out, 'first-1x1.mp4'))).subarray(4, 8).toString()).toBe('ftyp');

    env.aws.starts.length = 0;
    await fs.rm(path.join(out, 'second-16x9.mp4'));
    const third = await batch([plans, '--out', out, '--scale', '0.25', '--download', ...LAMBDA]);
    expect(third.error).toBeNull();
    // Only the deleted download is rendered again.
    expect(env.aws.starts.map((s) => s.payload.outName)).toEqual(['second-16x9.mp4']);
    expect(third.stdout).toContain('2 plans: 1 rendered, 1 skipped (up to date), 0 partial, 0 failed');

    env.aws.starts.length = 0;
    const fourth = await batch([plans, '--out', out, '--scale', '0.25', '--download', ...LAMBDA]);
    expect(fourth.stdout).toContain('2 plans: 0 rendered, 2 skipped (up to date), 0 partial, 0 failed');
    expect(env.aws.starts).toHaveLength(0);
    const manifest = JSON.parse(await fs.readFile(path.join(out, MANIFEST_NAME), 'utf8'));
    expect(manifest.outputs.first.formats['16:9'].url).toMatch(new RegExp(`^https://s3\\.us-east-1\\.amazonaws\\.com/${BUCKET}/renders/render\\d+/first-16x9\\.mp4$`));
    expect(manifest.outputs.first.formats['1:1'].costUsd).toBe(0.005);
  });

  it('caption flags reach every plan on Lambda; changing one renders the outputs again', async () => {
    const capOut = path.join(dir, 'out-captions');
    const plan = path.join(plans, 'first', 'plan.json');
    env.aws.scripts = { Landscape: [{ kind: 'done', cost: 0.001 }] };
    const styled = await batch([plan, '--out', capOut, '--formats', '16:9', '--scale', '0.25', '--caption-style', 'karaoke', '--captions-source', 'openai', ...LAMBDA]);
    expect(styled.error).toBeNull();
    expect(env.aws.starts).toHaveLength(1);
    const sent = (i: number) => (env.aws.starts[i]!.inputProps as { plan: { captions?: unknown } }).plan.captions;
    expect(sent(0)).toMatchObject({ style: 'karaoke', source: 'openai' });
    // Same flags: up to date. --no-captions: a different input, rendered again without captions.
    expect((await batch([plan, '--out', capOut, '--formats', '16:9', '--scale', '0.25', '--caption-style', 'karaoke', '--captions-source', 'openai', ...LAMBDA])).error).toBeNull();
    expect(env.aws.starts).toHaveLength(1);
    expect((await batch([plan, '--out', capOut, '--formats', '16:9', '--scale', '0.25', '--no-captions', ...LAMBDA])).error).toBeNull();
    expect(env.aws.starts).toHaveLength(2);
    expect(sent(1)).toBe(false);
    const bad = await batch([plan, '--out', capOut, '--caption-style', 'neon', ...LAMBDA]);
    expect((bad.error as Error).message).toMatch(/--caption-style: one of bold, subtitle, karaoke \(got "neon"\)/);
  });

  it('lambda-only flags need --lambda; a missing set-up is named before anything renders', async () => {
    const r = await batch([plans, '--out', out, '--download']);
    expect((r.error as Error).message).toBe('--download needs --lambda');
    const r2 = await batch([plans, '--out', out, '--lambda', '--lambda-config', path.join(dir, 'none.json')]);
    expect((r2.error as Error).message).toMatch(/Remotion Lambda is not set up for region us-east-1/);
    expect(env.aws.starts).toHaveLength(0);
  });
});
