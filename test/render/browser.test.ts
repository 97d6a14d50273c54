import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSystemBrowser, resolveBrowser } from '../../src/render/browser';
import { tempDir } from '../helpers/fixtures';

async function fakeExecutable(dir: string, name: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return file;
}

describe('browser resolution order', () => {
  it('an explicit option comes first, then REMOTION_BROWSER_EXECUTABLE', async () => {
    const dir = await tempDir();
    const a = await fakeExecutable(dir, 'a-chrome');
    const b = await fakeExecutable(dir, 'b-chrome');
    expect(await resolveBrowser({ executable: a, env: { REMOTION_BROWSER_EXECUTABLE: b } })).toEqual({ executable: a, source: 'option' });
    expect(await resolveBrowser({ env: { REMOTION_BROWSER_EXECUTABLE: b } })).toEqual({ executable: b, source: 'env' });
  });

  it('names the option when the given browser does not exist', async () => {
    await expect(resolveBrowser({ executable: '/nope/chrome' })).rejects.toThrow('--browser-executable: not an executable file: /nope/chrome');
    await expect(resolveBrowser({ env: { REMOTION_BROWSER_EXECUTABLE: '/nope/chrome' } })).rejects.toThrow('REMOTION_BROWSER_EXECUTABLE: not an executable file');
  });

  it('finds a Chromium on PATH before packaged ones', async () => {
    const dir = await tempDir();
    const chromium = await fakeExecutable(dir, 'chromium');
    expect(await findSystemBrowser({ PATH: dir })).toBe(chromium);
    expect(await resolveBrowser({ env: { PATH: dir } })).toEqual({ executable: chromium, source: 'system' });
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')('falls back to the Chromium inside @sparticuz/chromium, which runs offline', async () => {
    const choice = await resolveBrowser({ env: { PATH: '' }, skipSystem: true, skipDownload: true });
    expect(choice.source).toBe('@sparticuz/chromium');
    const stat = await fs.stat(choice.executable!);
    expect(stat.size).toBeGreaterThan(50_000_000);
  });
});
