/**
 * A plan's file paths stay inside the plan's folder: `../../../../etc/passwd`, an absolute path or a
 * link leading out of the folder is refused before the file is opened, with a message naming the
 * field and the way to allow it (--allow-outside-paths / STILLMOTION_ALLOW_OUTSIDE_PATHS=1).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../src/plan/load-plan';
import { runCliInProcess } from '../helpers/run-cli';
import { tempDir, writePlan, writeSolidImage, writeWav } from '../helpers/fixtures';

let dir: string;
let planDir: string;
beforeAll(async () => {
  dir = await tempDir('stillmotion-confine-');
  planDir = path.join(dir, 'shared', 'plan');
  await writeSolidImage(path.join(planDir, 'img', 'inside.png'), 40, 30, [20, 40, 60]);
  await writeSolidImage(path.join(dir, 'private', 'secret.png'), 48, 32, [200, 0, 0]);
  await writeWav(path.join(dir, 'private', 'voice.wav'), 0.4);
  await fs.symlink(path.join(dir, 'private'), path.join(planDir, 'img', 'linked'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const section = (id: string, image: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id, image, duration: 1, tier: 0, ...extra });

describe('plan paths', () => {
  it('refuses paths that leave the plan folder, naming each field', async () => {
    const planFile = await writePlan(planDir, {
      title: 'Hostile',
      sections: [
        section('passwd', '../../../../../../../../etc/passwd'),
        section('abs', path.join(dir, 'private', 'secret.png')),
        section('link', 'img/linked/secret.png', { narration: '../../private/voice.wav' }),
        section('ok', 'img/inside.png'),
      ],
      music: { file: '/etc/hostname' },
    }, 'hostile.json');
    const err = (await loadPlanFile(planFile).catch((e: unknown) => e)) as Error;
    const allow = "keep the file in the plan's folder or allow it with --allow-outside-paths (STILLMOTION_ALLOW_OUTSIDE_PATHS=1)";
    expect(err.message.split('\n').slice(1)).toEqual([
      `  music.file: absolute path /etc/hostname is not allowed: ${allow}`,
      `  sections[0].image: ../../../../../../../../etc/passwd is outside the plan's folder: ${allow}`,
      `  sections[1].image: absolute path ${path.join(dir, 'private', 'secret.png')} is not allowed: ${allow}`,
      `  sections[2].image: img/linked/secret.png is a link to a file outside the plan's folder: ${allow}`,
      `  sections[2].narration: ../../private/voice.wav is outside the plan's folder: ${allow}`,
    ]);
    // With STILLMOTION_ALLOW_OUTSIDE_PATHS=1 (or the flag) the same files are read.
    const outside = await writePlan(planDir, { title: 'Mine', sections: [section('abs', path.join(dir, 'private', 'secret.png')), section('link', 'img/linked/secret.png', { narration: '../../private/voice.wav' })] }, 'mine.json');
    const loaded = await loadPlanFile(outside, { policy: { allowOutsidePaths: true } });
    expect(loaded.images['img/linked/secret.png']).toMatchObject({ width: 48, height: 32 });
    expect(loaded.audio['../../private/voice.wav']!.duration).toBeCloseTo(0.4, 2);
  });

  it('validate names the flag, and --allow-outside-paths lets a plan use files beside its folder', async () => {
    const planFile = await writePlan(planDir, { title: 'Sibling', sections: [section('s', '../../private/secret.png')] }, 'sibling.json');
    const refused = await runCliInProcess(['validate', planFile]);
    expect(String(refused.error)).toMatch(/sections\[0\]\.image: \.\.\/\.\.\/private\/secret\.png is outside the plan's folder: .*--allow-outside-paths/);
    const ok = await runCliInProcess(['validate', planFile, '--allow-outside-paths']);
    expect(ok.error).toBeNull();
    expect(ok.stdout).toMatch(/valid - 1 sections/);
  });

  it('refuses an HLS playlist as audio: ffmpeg would read the files it lists from anywhere', async () => {
    const outside = path.join(dir, 'private', 'voice.wav');
    await fs.writeFile(path.join(planDir, 'voice.m3u8'), `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:1,\nfile://${outside}\n#EXT-X-ENDLIST\n`);
    await fs.writeFile(path.join(planDir, 'voice2.wav'), `\uFEFF#EXTM3U\n#EXTINF:1,\n../../private/voice.wav\n`);
    const planFile = await writePlan(planDir, { title: 'Playlist', sections: [section('a', 'img/inside.png', { narration: 'voice.m3u8' })], music: { file: 'voice2.wav' } }, 'playlist.json');
    const err = (await loadPlanFile(planFile).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/music\.file: is a playlist \(#EXTM3U\), not audio/);
    expect(err.message).toMatch(/sections\[0\]\.narration: is a playlist \(#EXTM3U\), not audio/);
  });

  it('accepts extra folders the caller vouches for (make: the story folder)', async () => {
    await fs.mkdir(path.join(dir, 'out'), { recursive: true });
    const planFile = await writePlan(path.join(dir, 'out'), { title: 'Made', sections: [section('s', '../shared/plan/img/inside.png')] }, 'made.json');
    await expect(loadPlanFile(planFile)).rejects.toThrow(/outside the plan's folder/);
    expect((await loadPlanFile(planFile, { roots: [planDir] })).images['../shared/plan/img/inside.png']).toMatchObject({ width: 40 });
  });
});
