/**
 * A story's file paths stay inside the story's folder (it may come from someone else): a path out of
 * it is refused with the file, line and field, before the file is opened.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStory } from '../../src/story/load-story';
import { tempDir, writeSolidImage } from '../helpers/fixtures';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('stillmotion-story-paths-');
  await writeSolidImage(path.join(dir, 'story', 'a.png'), 40, 30, [0, 90, 0]);
  await writeSolidImage(path.join(dir, 'elsewhere', 'b.png'), 40, 30, [90, 0, 0]);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('story paths', () => {
  it('refuses paths out of the story folder, with file, line and field', async () => {
    const file = path.join(dir, 'story', 'story.md');
    await fs.writeFile(file, ['# Trip', '## One', '![a](a.png)', 'Fine.', '## Two', '![b](../../../../../etc/passwd)', 'Not fine.', '## Three', '![c](../elsewhere/b.png)', 'Not fine either.'].join('\n'));
    const err = (await loadStory(file).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(`${file}:6: sections[1].image: ../../../../../etc/passwd is outside the story's folder: keep the file in the story's folder or allow it with --allow-outside-paths`);
    expect(err.message).toContain(`${file}:9: sections[2].image: ../elsewhere/b.png is outside the story's folder`);
    // Allowed (--allow-outside-paths), the same story finds the image beside its folder.
    const sibling = path.join(dir, 'story', 'sibling.md');
    await fs.writeFile(sibling, ['# Trip', '## One', '![b](../elsewhere/b.png)', 'Fine now.'].join('\n'));
    await expect(loadStory(sibling)).rejects.toThrow(/outside the story's folder/);
    const allowed = await loadStory(sibling, { policy: { allowOutsidePaths: true } });
    expect(allowed.sections[0]!.image.file).toBe(path.join(dir, 'elsewhere', 'b.png'));
  });
});
