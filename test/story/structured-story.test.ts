/**
 * JSON and YAML stories: sections with text, image, optional narration and duration, plus plan
 * settings; paths relative to the story file (not the working directory); every mistake reported
 * with the file, line and field.
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
  dir = await tempDir('stillmotion-story-');
  await writeSceneImage(path.join(dir, 'stories', 'img', 'a.png'), 1);
  await writeWav(path.join(dir, 'stories', 'audio', 'n.wav'), 0.6);
  await writeWav(path.join(dir, 'stories', 'audio', 'music.wav'), 1);
  await fs.writeFile(path.join(dir, 'stories', 'audio', 'broken.wav'), 'RIFF but not really a wave file');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, 'stories', name);
  await fs.writeFile(file, text);
  return file;
}

async function failure(file: string): Promise<string> {
  try {
    await probeStoryMedia(await loadStory(file));
  } catch (err) {
    expect(err).toBeInstanceOf(StillmotionError);
    return (err as Error).message;
  }
  throw new Error('expected the story to be rejected');
}

const YAML_STORY = `title: Two Scenes
budget: 0.25
music: { file: audio/music.wav, volume: 0.3 }
sections:
  - id: first
    text: A calm start.
    image: img/a.png
    narration: audio/n.wav
  - title: The Second Scene
    image: img/a.png
    duration: 3.5
`;

describe('JSON and YAML stories', () => {
  it('reads YAML, resolving paths against the story file', async () => {
    const file = await write('two.yaml', YAML_STORY);
    const story = await loadStory(path.relative(process.cwd(), file));
    expect(story.title).toBe('Two Scenes');
    expect(story.settings).toMatchObject({ budget: 0.25, music: { file: path.join(dir, 'stories', 'audio', 'music.wav'), volume: 0.3 } });
    expect(story.sections).toEqual([
      {
        id: 'first',
        text: 'A calm start.',
        image: { ref: 'img/a.png', file: path.join(dir, 'stories', 'img', 'a.png') },
        narration: { ref: 'audio/n.wav', file: path.join(dir, 'stories', 'audio', 'n.wav') },
      },
      { id: 'the-second-scene', title: 'The Second Scene', text: '', image: { ref: 'img/a.png', file: path.join(dir, 'stories', 'img', 'a.png') }, duration: 3.5 },
    ]);
    const media = await probeStoryMedia(story);
    expect(media.audio.get(path.join(dir, 'stories', 'audio', 'n.wav'))!.duration).toBeCloseTo(0.6, 2);
  });

  it('reads the same story as JSON; the title defaults to the file name', async () => {
    const file = await write('my_two-scenes.json', JSON.stringify({ sections: [{ text: 'x', image: 'img/a.png' }] }));
    const story = await loadStory(file);
    expect(story.title).toBe('my two scenes');
    expect(story.sections[0]!.id).toBe('section-1');
  });

  const cases: [string, string, string, RegExp][] = [
    ['invalid JSON', 'bad.json', '{\n  "title": "x",\n  "sections": [\n    {"id": "a" "image": "img/a.png"}]}', /bad\.json:4:16: invalid JSON: CommaExpected/],
    ['invalid YAML', 'bad.yaml', 'title: x\nsections:\n  - id: a\n   image: [img/a.png\n', /bad\.yaml:\d+:\d+: invalid YAML/],
    ['an unknown field (JSON)', 'unknown.json', '{\n  "sections": [\n    {\n      "image": "img/a.png",\n      "colour": "red"\n    }\n  ]\n}', /unknown\.json:5: sections\[0\]\.colour: unknown field "colour"/],
    ['an unknown field (YAML)', 'unknown.yaml', 'sections:\n  - image: img/a.png\n    colour: red\n', /unknown\.yaml:3: sections\[0\]\.colour: unknown field "colour"/],
    ['an unknown top-level field', 'top.yaml', 'title: x\nmusik: y.wav\nsections:\n  - image: img/a.png\n', /top\.yaml:2: musik: unknown field "musik"/],
    ['a wrong type', 'type.yaml', 'sections:\n  - image: img/a.png\n    duration: long\n', /type\.yaml:3: sections\[0\]\.duration: Invalid input: expected number, received string/],
    ['duplicate ids', 'dup.yaml', 'sections:\n  - id: a\n    image: img/a.png\n  - id: a\n    image: img/a.png\n', /dup\.yaml:4: sections\[1\]\.id: duplicate id "a"/],
    ['no sections', 'empty.yaml', 'title: x\nsections: []\n', /empty\.yaml:2: sections: a story needs at least one section/],
    ['not an object', 'list.json', '[1, 2]', /list\.json:1: a story must be an object with "sections"/],
    ['a missing image', 'noimg.yaml', 'sections:\n  - text: hello\n    image: img/none.png\n', /noimg\.yaml:3: sections\[0\]\.image: image file not found: img\/none\.png/],
    ['a missing music file', 'nomusic.yaml', 'music: { file: audio/none.wav }\nsections:\n  - image: img/a.png\n', /nomusic\.yaml:1: music\.file: music file not found: audio\/none\.wav/],
    ['a corrupt narration file', 'broken.yaml', 'sections:\n  - image: img/a.png\n    narration: audio/broken.wav\n', /broken\.yaml:3: sections\[0\]\.narration: audio\/broken\.wav: cannot read audio/],
  ];
  for (const [what, name, text, message] of cases) {
    it(`rejects ${what}, naming the file, line and field`, async () => {
      expect(await failure(await write(name, text))).toMatch(message);
    });
  }

  it('rejects a story file that does not exist or has an unknown extension', async () => {
    expect(await failure(path.join(dir, 'nope.md'))).toMatch(/nope\.md: story file not found/);
    expect(await failure(await write('story.txt', 'hello'))).toMatch(/story\.txt: unknown story format "\.txt": use \.md \(Markdown\), \.json or \.yaml/);
  });
});
