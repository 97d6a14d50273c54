/**
 * Issue 12 item 11: a multi-megabyte paragraph. The mood reader is linear (it was quadratic: 2.8 MB
 * took 63 s; 11 MB overflowed the stack), and a story refuses a section's text over 1 MB with a
 * message naming the file, line and section, for Markdown before its parser sees the paragraph.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseArc } from '../../src/director/arc';
import { readMood } from '../../src/director/text-mood';
import { loadStory } from '../../src/story/load-story';
import { MAX_SECTION_TEXT_CHARS } from '../../src/story/schema';
import { tempDir } from '../helpers/fixtures';
import { writeSceneImage } from './helpers';

/** A paragraph of `chars` characters with action, calm, names, numbers and sentence ends in it. */
function paragraph(chars: number): string {
  const words = ['The', 'crew', 'shouts', 'and', 'the', 'engines', 'roar', 'quietly,', 'but', 'Alice', 'sees', '42', 'rockets', 'explode!', 'Then', 'calm', 'returns.', 'Nothing', 'seems', 'urgent.'];
  const unit = `${words.join(' ')} `;
  return unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars).trimEnd();
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir('stillmotion-long-text-');
  await writeSceneImage(path.join(dir, 'a.png'), 1);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('long texts', () => {
  it('reads the mood of an 11 MB paragraph in linear time', () => {
    const small = paragraph(1_000_000);
    const big = paragraph(11_000_000);
    readMood(paragraph(50_000)); // warm up, so the ratio compares steady speeds
    let t = performance.now();
    const a = readMood(small);
    const smallMs = performance.now() - t;
    t = performance.now();
    const b = readMood(big);
    const bigMs = performance.now() - t;
    console.log(`readMood: 1 MB ${smallMs.toFixed(0)} ms, 11 MB ${bigMs.toFixed(0)} ms`);
    // Quadratic would be ~121x the 1 MB time (and 2.8 MB took 63 s before); linear is ~11x.
    expect(bigMs).toBeLessThan(8_000);
    expect(bigMs / smallMs).toBeLessThan(30);
    // The same text repeated reads the same.
    expect(b.textIntensity).toBeCloseTo(a.textIntensity, 2);
    expect(b.cues).toEqual(a.cues);
    expect(b.words).toBeGreaterThan(10 * a.words);
  });

  it('analyses the arc of a story with a 3 MB section well within a few seconds', () => {
    const t = performance.now();
    const arc = analyseArc([
      { id: 'calm', text: 'A quiet morning at home.' },
      { id: 'huge', text: paragraph(3_000_000) },
      { id: 'end', text: 'They rest, calm again.' },
    ]);
    expect(performance.now() - t).toBeLessThan(4_000);
    expect(arc.sections.map((s) => s.id)).toEqual(['calm', 'huge', 'end']);
  });

  it('a JSON story refuses a section text over 1 MB, naming the file, line and section', async () => {
    const file = path.join(dir, 'big.json');
    await fs.writeFile(file, JSON.stringify({ sections: [{ id: 'ok', image: 'a.png', text: 'Fine.' }, { id: 'huge', image: 'a.png', text: paragraph(2_800_000) }] }, null, 2));
    await expect(loadStory(file)).rejects.toMatchObject({
      problems: [{ path: expect.stringMatching(/big\.json:\d+: sections\[1\]\.text$/), message: "2.8 MB of text: a section's text may be at most 1.0 MB; split it into sections" }],
    });
  });

  it('a Markdown story refuses an 11 MB paragraph before parsing it (no stack overflow), naming its line and section', async () => {
    const file = path.join(dir, 'big.md');
    await fs.writeFile(file, `# Big\n\n## Intro\n\n![a](a.png)\n\nQuiet.\n\n## The flood\n\n![a](a.png)\n\n${paragraph(11_000_000)}\n`);
    await expect(loadStory(file)).rejects.toThrow(`big.md:13: section "The flood": a paragraph of 11.0 MB: a section's text may be at most 1.0 MB; split it into sections`);
  });

  it('a Markdown section just under the limit loads and reads', async () => {
    const file = path.join(dir, 'near.md');
    await fs.writeFile(file, `# Near\n\n## One\n\n![a](a.png)\n\n${paragraph(MAX_SECTION_TEXT_CHARS - 10)}\n`);
    const t = performance.now();
    const story = await loadStory(file);
    const arc = analyseArc(story.sections);
    expect(performance.now() - t).toBeLessThan(8_000);
    expect(story.sections[0]!.text.length).toBeGreaterThan(MAX_SECTION_TEXT_CHARS - 100);
    expect(arc.sections).toHaveLength(1);
  });
});
