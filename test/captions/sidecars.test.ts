import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseSrt, type Caption } from '@remotion/captions';
import { describe, expect, it } from 'vitest';
import { sidecarPaths, writeCaptionSidecars } from '../../src/captions/sidecars';
import { parsePlan } from '../../src/plan/load-plan';
import type { AudioEvents, Media, NarrationCaptions } from '../../src/plan/schema';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { tempDir } from '../helpers/fixtures';

const music: AudioEvents = {
  duration: 60,
  beats: Array.from({ length: 120 }, (_, i) => 0.1 + i * 0.5),
  downbeats: null,
  silences: [],
  speechPauses: [],
  crescendos: [],
  swells: [],
};

/** Word timings of two narrations, ms from the start of each file. */
const word = (text: string, startMs: number, endMs: number): Caption => ({ text, startMs, endMs, timestampMs: startMs, confidence: null });
const timings: Record<string, NarrationCaptions> = {
  'a.wav': { level: 'word', source: 'align', captions: [word('First', 0, 300), word(' words', 320, 700), word(' here.', 720, 1100)] },
  'b.wav': {
    level: 'word',
    source: 'align',
    captions: [word('After', 0, 250), word(' the', 260, 400), word(' cut', 420, 800), word(' we', 1500, 1700), word(' hold', 1720, 2100), word(' still.', 2120, 2600)],
  },
};

function media(): Media {
  return {
    images: { 'i.png': { src: 'i.png', width: 800, height: 600 } },
    audio: { 'm.wav': { src: 'm.wav', duration: 60 }, 'a.wav': { src: 'a.wav', duration: 1.2 }, 'b.wav': { src: 'b.wav', duration: 2.7 } },
    analysis: { music, narration: {} },
    captions: timings,
  };
}

// Section b starts at a cut planned at 2.05 s, which snaps to the beat at 2.1 s; b holds still for 0.5 s first.
const plan = () =>
  parsePlan(
    {
      title: 'Sidecars',
      music: { file: 'm.wav' },
      sync: { beats: true, speechPauses: false },
      captions: { style: 'subtitle' },
      sections: [
        { id: 'a', image: 'i.png', narration: 'a.wav', duration: 2.05, transition: { type: 'cut' } },
        { id: 'b', image: 'i.png', narration: 'b.wav', duration: 3.1, hold: { start: 0.5 }, transition: { type: 'cut' } },
      ],
    },
    'p',
  );

/** WebVTT cues: [startMs, endMs, text]. */
function parseVtt(text: string): { startMs: number; endMs: number; text: string }[] {
  expect(text.startsWith('WEBVTT\n\n')).toBe(true);
  const ms = (t: string) => {
    const [h, m, s] = t.split(':');
    return Math.round((Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000);
  };
  return text
    .slice('WEBVTT\n\n'.length)
    .trim()
    .split(/\n\n+/)
    .map((block) => {
      const [, times, ...lines] = block.split('\n');
      const [a, b] = times!.split(' --> ');
      return { startMs: ms(a!), endMs: ms(b!), text: lines.join('\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') };
    });
}

describe('caption sidecars', () => {
  it('SRT, VTT and the words JSON parse, agree with each other, and are in video time', async () => {
    const t = buildTimeline(plan(), media(), '9:16');
    expect(t.cuts[0]!.seconds).toBe(2.1); // snapped
    expect(t.captions).not.toBeNull();
    const dir = await tempDir();
    const written = await writeCaptionSidecars({ outDir: dir, name: 'story', suffix: '9x16' }, t.captions, t.fps);
    const p = sidecarPaths({ outDir: dir, name: 'story', suffix: '9x16' });
    expect(written).toEqual([p.srt, p.vtt, p.json]);
    expect(path.basename(p.srt)).toBe('story-9x16.srt');
    expect(path.basename(p.json)).toBe('story.captions.json');

    const srt = parseSrt({ input: await fs.readFile(p.srt, 'utf8') }).captions;
    const vtt = parseVtt(await fs.readFile(p.vtt, 'utf8'));
    const words = JSON.parse(await fs.readFile(p.json, 'utf8')) as Caption[];
    expect(srt.length).toBe(t.captions!.pages.length);
    expect(vtt.length).toBe(srt.length);
    srt.forEach((c, i) => {
      expect(vtt[i]!.text).toBe(c.text);
      expect(Math.abs(vtt[i]!.startMs - c.startMs)).toBeLessThanOrEqual(1);
      expect(Math.abs(vtt[i]!.endMs - c.endMs)).toBeLessThanOrEqual(1);
      if (i > 0) expect(c.startMs).toBeGreaterThanOrEqual(srt[i - 1]!.endMs);
    });
    // Every word, once, in order; each inside the cue that shows it.
    expect(words.map((w) => w.text)).toEqual(['First', 'words', 'here.', 'After', 'the', 'cut', 'we', 'hold', 'still.']);
    for (const w of words) {
      expect(Object.keys(w).sort()).toEqual(['confidence', 'endMs', 'startMs', 'text', 'timestampMs']);
      const cue = srt.find((c) => c.text.split(/\s+/).includes(w.text))!;
      expect(w.startMs).toBeGreaterThanOrEqual(cue.startMs - 34); // a frame of rounding
      expect(w.startMs).toBeLessThan(cue.endMs);
    }
    // Video time: section a's narration starts with the video; b's at the snapped cut (2.1 s), holds or not.
    expect(words[0]!.startMs).toBe(0);
    expect(words.slice(3).map((w) => w.startMs)).toEqual([2100, 2360, 2520, 3600, 3820, 4220]);
    expect(srt.find((c) => c.text.startsWith('After'))!.startMs).toBe(2100);
    // Pages never span the cut.
    expect(srt.some((c) => c.text.includes('here.') && c.text.includes('After'))).toBe(false);
  });

  it('a failing write leaves no half-written file behind', async () => {
    const t = buildTimeline(plan(), media(), '16:9');
    const dir = await tempDir();
    const p = sidecarPaths({ outDir: dir, name: 'story', suffix: '16x9' });
    // The VTT's place is taken by a folder: its rename fails.
    await fs.mkdir(p.vtt);
    await expect(writeCaptionSidecars({ outDir: dir, name: 'story', suffix: '16x9' }, t.captions, t.fps)).rejects.toThrow();
    const names = await fs.readdir(dir);
    expect(names.filter((n) => n.includes('.tmp'))).toEqual([]);
    // What is there is whole.
    expect(parseSrt({ input: await fs.readFile(p.srt, 'utf8') }).captions.length).toBe(t.captions!.pages.length);
    expect(names).not.toContain('story.captions.json');
  });

  it('no captions: nothing written, and files of an earlier render are removed', async () => {
    const dir = await tempDir();
    const target = { outDir: dir, name: 'story', suffix: '1x1' };
    const on = buildTimeline(plan(), media(), '1:1');
    await writeCaptionSidecars(target, on.captions, on.fps);
    const off = buildTimeline({ ...plan(), captions: false }, media(), '1:1');
    expect(off.captions).toBeNull();
    expect(await writeCaptionSidecars(target, off.captions, off.fps)).toEqual([]);
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
