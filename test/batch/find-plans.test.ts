/** Which files a batch renders (folders, globs, files) and what their outputs are called. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPlans, globToRegExp } from '../../src/batch/find-plans';
import { outputNames } from '../../src/batch/output-names';
import { MAX_STEM_BYTES } from '../../src/render/output-name';
import { summaryTable } from '../../src/batch/summary-table';
import { tempDir } from '../helpers/fixtures';

let dir: string;
const plan = JSON.stringify({ title: 'x', sections: [{ id: 'a', image: 'a.png' }] });

beforeAll(async () => {
  dir = await tempDir('sm-find-');
  const files: Record<string, string> = {
    'plans/intro.json': plan,
    'plans/outro.json': plan,
    'plans/notes.json': '{"todo": []}',
    'plans/broken.json': '{"sections": [',
    'plans/launch-day/plan.json': plan,
    'plans/launch-day/layers.json': '{"layers": []}',
    'plans/out/old.json': plan,
    'plans/.hidden/secret.json': plan,
    'other/a/plan.json': plan,
    'other/b/plan.json': plan,
    'other/readme.txt': 'hi',
  };
  for (const [f, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await fs.writeFile(path.join(dir, f), text);
  }
});
afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const rel = (files: string[]) => files.map((f) => path.relative(dir, f).split(path.sep).join('/'));

describe('findPlans', () => {
  it('a folder: every JSON file under it that is a plan, not notes, manifests, out/ or dot folders', async () => {
    const found = await findPlans(['plans'], dir);
    expect(rel(found.files)).toEqual(['plans/intro.json', 'plans/launch-day/plan.json', 'plans/outro.json']);
    expect(outputNames(found.files, found.roots)).toEqual(
      new Map([
        [path.join(dir, 'plans/intro.json'), 'intro'],
        [path.join(dir, 'plans/launch-day/plan.json'), 'launch-day'],
        [path.join(dir, 'plans/outro.json'), 'outro'],
      ]),
    );
  });

  it('globs, with ** and braces, taken as they are; files once each', async () => {
    expect(rel((await findPlans(['other/**/plan.json'], dir)).files)).toEqual(['other/a/plan.json', 'other/b/plan.json']);
    expect(rel((await findPlans(['plans/*.json'], dir)).files)).toEqual(['plans/broken.json', 'plans/intro.json', 'plans/notes.json', 'plans/outro.json']);
    expect(rel((await findPlans(['plans/{intro,outro}.json', 'plans/intro.json'], dir)).files)).toEqual(['plans/intro.json', 'plans/outro.json']);
    const found = await findPlans(['other/*/plan.json'], dir);
    expect([...outputNames(found.files, found.roots).values()]).toEqual(['a', 'b']);
  });

  it('clashing names get a suffix', async () => {
    const a = path.join(dir, 'other/a/plan.json');
    const b = path.join(dir, 'plans/intro.json');
    const names = outputNames([a, b, path.join(dir, 'x/intro.json')], new Map([[a, path.join(dir, 'other')]]));
    expect([...names.values()]).toEqual(['a', 'intro', 'intro-2']);
  });

  it('names stay short file names inside the output folder, however deep or long the plan path', () => {
    const root = path.join(dir, 'deep');
    const deep = path.join(root, ...Array.from({ length: 6 }, (_, i) => `${'chapter-'.repeat(6)}${i}`), 'plan.json');
    const dotted = path.join(root, '..', '..', 'up.json');
    const names = outputNames([deep, dotted], new Map([[deep, root], [dotted, root]]));
    const long = names.get(deep)!;
    expect(long.length).toBeLessThanOrEqual(MAX_STEM_BYTES);
    expect(long).toMatch(/^chapter-chapter-[a-z0-9-]+-[0-9a-f]{8}$/);
    expect(names.get(dotted)).toBe('up');
    for (const n of names.values()) expect(n).toMatch(/^[a-z0-9-]+$/);
  });

  it('nothing to render is an error naming the argument', async () => {
    await expect(findPlans(['nope/*.json'], dir)).rejects.toThrow(/^nope\/\*\.json: no files match this pattern/);
    await expect(findPlans(['missing-dir'], dir)).rejects.toThrow(/^missing-dir: no such file or folder/);
    await fs.mkdir(path.join(dir, 'empty'), { recursive: true });
    await expect(findPlans(['empty'], dir)).rejects.toThrow(/^empty: no plan files in this folder/);
  });

  it('glob syntax', () => {
    expect(globToRegExp('**/*.json').test('a/b/c.json')).toBe(true);
    expect(globToRegExp('**/*.json').test('c.json')).toBe(true);
    expect(globToRegExp('*.json').test('a/c.json')).toBe(false);
    expect(globToRegExp('plan-?.json').test('plan-1.json')).toBe(true);
    expect(globToRegExp('plan-[ab].json').test('plan-c.json')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});

describe('summaryTable', () => {
  it('one row per plan and the totals', () => {
    const text = summaryTable([
      { plan: 'p/a.json', name: 'a', status: 'rendered', rendered: ['16:9'], skipped: [], failed: [], videoSeconds: 4.2, seconds: 12.5, costUsd: null, outputs: ['out/a-16x9.mp4'] },
      { plan: 'p/b.json', name: 'b', status: 'skipped', rendered: [], skipped: ['16:9', '1:1'], failed: [], videoSeconds: 3, seconds: 0.1, costUsd: null, outputs: ['out/b-16x9.mp4', 'out/b-1x1.mp4'] },
      { plan: 'p/c.json', name: 'c', status: 'failed', rendered: [], skipped: [], failed: ['1:1'], videoSeconds: 0, seconds: 0.2, costUsd: null, outputs: [], error: 'Invalid plan:\n  sections[0].image: file not found' },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^plan +status +formats +video +time +cost +output \/ error$/);
    expect(lines[2]).toMatch(/^a +rendered +16:9 +4\.2 s +12\.5 s +- +out\/a-16x9\.mp4$/);
    expect(lines[3]).toMatch(/^b +skipped +16:9 \(done\) 1:1 \(done\) +3\.0 s +0\.1 s +- +out\/b-16x9\.mp4 \(\+1\)$/);
    expect(lines[4]).toMatch(/^c +failed +1:1 \(failed\) .* error: Invalid plan: {3}sections\[0\]\.image: file not found$/);
    expect(text).toContain('3 plans: 1 rendered, 1 skipped (up to date), 0 partial, 1 failed; time 12.8 s');
  });
});
