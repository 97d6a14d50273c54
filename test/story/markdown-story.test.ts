/**
 * Markdown stories: each "## " heading a section, its first image the section's image, an audio link
 * its narration, its paragraphs its text; front-matter settings; and every mistake reported with the
 * file, the line and the field.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StillmotionError } from '../../src/errors';
import { loadStory } from '../../src/story/load-story';
import { probeStoryMedia } from '../../src/story/story-media';
import { tempDir, writeWav } from '../helpers/fixtures';
import { writeSceneImage } from '../director/helpers';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('stillmotion-md-story-');
  await writeSceneImage(path.join(dir, 'img', 'a.png'), 1);
  await writeSceneImage(path.join(dir, 'img', 'b.png'), 2);
  await writeWav(path.join(dir, 'audio', 'n1.wav'), 0.5);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, text);
  return file;
}

async function failure(file: string): Promise<string> {
  try {
    const story = await loadStory(file);
    await probeStoryMedia(story);
  } catch (err) {
    expect(err).toBeInstanceOf(StillmotionError);
    return (err as Error).message;
  }
  throw new Error('expected the story to be rejected');
}

describe('Markdown stories', () => {
  it('reads the demo story: sections, images, narration, text, title and front-matter settings', async () => {
    const story = await loadStory('examples/launch-day/story.md');
    expect(story.title).toBe('Launch Day');
    expect(story.sections.map((s) => s.id)).toEqual(['intro', 'cat', 'rocket', 'launch', 'astronaut', 'deep-field', 'outro']);
    const root = path.resolve('examples/launch-day');
    expect(story.sections[3]).toEqual({
      id: 'launch',
      title: 'Launch',
      text: 'Ignition! Nine engines roar to life and the rocket climbs into the morning sky!',
      image: { ref: 'images/rocket.jpg', file: path.join(root, 'images/rocket.jpg') },
      narration: { ref: 'audio/04-launch.wav', file: path.join(root, 'audio/04-launch.wav') },
    });
    // The narration texts are the transcripts of the audio.
    const transcripts = (await fs.readFile('examples/launch-day/audio/transcripts.txt', 'utf8')).trim().split('\n').map((l) => l.split('|')[1]);
    expect(story.sections.map((s) => s.text)).toEqual(transcripts);
    expect(story.settings.budget).toBe(0.5);
    expect(story.settings.music).toMatchObject({ file: path.join(root, 'audio/music-96bpm.wav'), volume: 0.35 });
    expect(story.settings.sync).toMatchObject({ beats: true, crescendo: true });
    const media = await probeStoryMedia(story);
    expect(media.images.get(path.join(root, 'images/rocket.jpg'))).toMatchObject({ width: 640, height: 427 });
    expect(media.audio.get(path.join(root, 'audio/04-launch.wav'))!.duration).toBeGreaterThan(5);
  });

  it('takes the first image, an audio link as narration, keeps link text, drops the introduction', async () => {
    const file = await write(
      'conventions.md',
      [
        '# My *Story*',
        '',
        'An introduction that is not a section.',
        '',
        '## The Start',
        '<!-- stillmotion: {duration: 6.5} -->',
        '',
        'First we see it. ![first](img/a.png) And more ![second](img/b.png).',
        '',
        '🔊 [Listen](audio/n1.wav) Then a [link](https://example.com) &amp; **bold** words.',
        '',
        '- a list item',
        '',
        '## The Start',
        '<!-- stillmotion: {id: finale} -->',
        '![b](img/b.png)',
        '> Quoted words.',
      ].join('\n'),
    );
    const story = await loadStory(file);
    expect(story.title).toBe('My Story');
    expect(story.sections).toHaveLength(2);
    const [a, b] = story.sections;
    expect(a).toMatchObject({ id: 'the-start', duration: 6.5, image: { ref: 'img/a.png' }, narration: { ref: 'audio/n1.wav' } });
    expect(a!.text).toBe('First we see it. And more. Then a link & bold words. a list item');
    expect(b).toMatchObject({ id: 'finale', text: 'Quoted words.', image: { ref: 'img/b.png' } });
    expect(b!.narration).toBeUndefined();
  });

  it('numbers repeated headings', async () => {
    const file = await write('twice.md', '## Scene\n![a](img/a.png)\n\n## Scene\n![b](img/b.png)\n\n## Scene\n![b](img/b.png)\n');
    expect((await loadStory(file)).sections.map((s) => s.id)).toEqual(['scene', 'scene-2', 'scene-3']);
  });

  const cases: [string, string, RegExp][] = [
    ['a section without an image', '## One\n![a](img/a.png)\n\n## Two\n\nNo picture here.\n', /no-image\.md:4: sections\[1\]\.image: no image: every section needs one/],
    ['a missing image file', '## One\n\nText.\n\n![a](img/missing.png)\n', /missing-image\.md:5: sections\[0\]\.image: image file not found: img\/missing\.png/],
    ['a missing narration file', '## One\n![a](img/a.png)\n[narration](audio/nope.mp3)\n', /missing-audio\.md:3: sections\[0\]\.narration: narration file not found: audio\/nope\.mp3/],
    ['an unknown front-matter field', '---\ntitle: X\nbudgett: 1\n---\n## One\n![a](img/a.png)\n', /unknown-setting\.md:3: budgett: unknown field "budgett"/],
    ['a bad front-matter value', '---\nbudget: -1\n---\n## One\n![a](img/a.png)\n', /bad-budget\.md:2: budget: Too small/],
    ['a bad nested value', '---\nmusic:\n  file: audio/n1.wav\n  volume: loud\n---\n## One\n![a](img/a.png)\n', /bad-music\.md:4: music\.volume: Invalid input: expected number/],
    ['front-matter that is not YAML', '---\ntitle: [unclosed\n---\n## One\n![a](img/a.png)\n', /bad-yaml\.md:\d: front-matter is not valid YAML/],
    ['unclosed front-matter', '---\ntitle: X\n## One\n![a](img/a.png)\n', /unclosed\.md:1: front-matter is not closed/],
    ['an unknown field in a section comment', '## One\n![a](img/a.png)\n\nText.\n<!-- stillmotion: {speed: 2} -->\n', /bad-comment\.md:5: sections\[0\]\.speed: unknown field "speed"/],
    ['a section comment that is not YAML', '## One\n<!-- stillmotion: {duration: [} -->\n![a](img/a.png)\n', /comment-yaml\.md:2: stillmotion comment is not valid YAML/],
    ['no sections', '# Title\n\nJust text.\n', /no-sections\.md: no sections: each "## " heading starts a section/],
    ['a bad id', '## One\n<!-- stillmotion: {id: "no spaces"} -->\n![a](img/a.png)\n', /bad-id\.md:2: sections\[0\]\.id: use letters, digits/],
    ['a corrupt image', '## One\n![a](not-an-image.png)\n', /corrupt\.md:2: sections\[0\]\.image: not-an-image\.png: cannot decode image/],
  ];
  for (const [what, text, message] of cases) {
    it(`rejects ${what}, naming the file, line and field`, async () => {
      const name = message.source.match(/^([a-z-]+)\\\.md/)![1]!;
      await fs.writeFile(path.join(dir, 'not-an-image.png'), 'this is text, not a PNG');
      expect(await failure(await write(`${name}.md`, text))).toMatch(message);
    });
  }
});
