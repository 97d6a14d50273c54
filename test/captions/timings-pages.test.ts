import type { Caption } from '@remotion/captions';
import { describe, expect, it } from 'vitest';
import { captionPages, timelineCaptions } from '../../src/captions/caption-pages';
import { CAPTION_PAGING } from '../../src/captions/caption-settings';
import { parseRenderSettings, withCaptionOverride } from '../../src/cli/render-options';
import { parsePlan } from '../../src/plan/load-plan';

const w = (text: string, startMs: number, endMs: number): Caption => ({ text, startMs, endMs, timestampMs: startMs, confidence: null });

describe('caption pages in video time', () => {
  it('pages follow the style window, never cross a section, never overlap, and never split a word', () => {
    const long = 'Pneumonoultramicroscopicsilicovolcanoconiosis';
    const a = [w('One', 0, 200), w(' two', 220, 400), w(' three', 420, 700), w(` ${long}`, 720, 1900), w(' end.', 1950, 2200)];
    const b = [w('🚀', 0, 100), w(' שלום', 120, 500), w(' עולם', 520, 900), w(' ok', 950, 1200)];
    const pages = captionPages(
      [
        { sectionId: 'a', timings: { level: 'word', source: 'align', captions: a }, offsetMs: 1000, endMs: 3400 },
        { sectionId: 'b', timings: { level: 'word', source: 'align', captions: b }, offsetMs: 3400, endMs: 6000 },
      ],
      30,
      CAPTION_PAGING.bold,
    );
    expect(pages.every((p) => p.tokens.length > 0)).toBe(true);
    // Every word once, in order, whole.
    expect(pages.flatMap((p) => p.tokens.map((t) => t.text.trim()))).toEqual(['One', 'two', 'three', long, 'end.', '🚀', 'שלום', 'עולם', 'ok']);
    // A page belongs to one section; the first page of b starts at b's narration.
    for (const p of pages) expect(new Set(p.tokens.map((t) => (t.fromMs >= 3400 ? 'b' : 'a')))).toEqual(new Set([p.sectionId]));
    expect(pages.find((p) => p.sectionId === 'b')!.startFrame).toBe(102);
    // The long word is alone on its page (bold: 2 lines x 18 characters), text = its tokens.
    expect(pages.find((p) => p.text.includes(long))!.text).toBe(long);
    for (const p of pages) expect(p.text).toBe(p.tokens.map((t) => t.text).join('').trimStart());
    for (let i = 1; i < pages.length; i++) expect(pages[i]!.startFrame).toBeGreaterThanOrEqual(pages[i - 1]!.endFrame);
    for (const p of pages) expect(p.endFrame).toBeGreaterThan(p.startFrame);
  });

  it('cue-level timings: a page per cue, marked as cues', () => {
    const pages = captionPages(
      [{ sectionId: 'a', timings: { level: 'cue', source: 'align', captions: [w('The night before launch,', 0, 1200), w(' nobody slept.', 1200, 2000)] }, offsetMs: 0, endMs: 3000 }],
      30,
      CAPTION_PAGING.bold,
    );
    expect(pages.map((p) => [p.text, p.level, p.startFrame, p.endFrame])).toEqual([
      ['The night before launch,', 'cue', 0, 36],
      ['nobody slept.', 'cue', 36, 75],
    ]);
  });

  it('off for the plan or a section; on by default', () => {
    const media = { 'n.wav': { level: 'word' as const, source: 'align' as const, captions: [w('Hi', 0, 300)] } };
    const narration = [{ sectionId: 'a', src: 'n.wav', from: 12, durationInFrames: 30, volume: 1 }];
    const on = parsePlan({ title: 'T', sections: [{ id: 'a', image: 'i.png', narration: 'n.wav' }] }, 'p');
    const t = timelineCaptions(on, media, narration, 30, () => 60)!;
    expect(t).toMatchObject({ style: 'bold', position: 'auto', maxCharsPerLine: 18, words: [{ text: 'Hi', startMs: 400, endMs: 700 }] });
    // The plan's line length reaches the drawing, not only the paging.
    const narrow = parsePlan({ title: 'T', captions: { style: 'subtitle', maxCharsPerLine: 12 }, sections: [{ id: 'a', image: 'i.png', narration: 'n.wav' }] }, 'p');
    expect(timelineCaptions(narrow, media, narration, 30, () => 60)).toMatchObject({ style: 'subtitle', maxCharsPerLine: 12 });
    expect(timelineCaptions({ ...on, captions: false }, media, narration, 30, () => 60)).toBeNull();
    expect(timelineCaptions({ ...on, sections: [{ ...on.sections[0]!, captions: false }] }, media, narration, 30, () => 60)).toBeNull();
  });
});

describe('caption settings', () => {
  it('an unknown style is refused, naming the field or the flag', () => {
    expect(() => parsePlan({ title: 'T', captions: { style: 'comic' }, sections: [{ id: 'a', image: 'i.png' }] }, 'plan.json')).toThrow(/captions\.style/);
    expect(() => parseRenderSettings({ captionStyle: 'comic' })).toThrow(/--caption-style: one of bold, subtitle, karaoke \(got "comic"\)/);
    expect(() => parseRenderSettings({ captionsSource: 'siri' })).toThrow(/--captions-source: one of align, openai, whisper-cpp/);
  });

  it('the flags apply over the plan', () => {
    const plan = parsePlan({ title: 'T', captions: { style: 'karaoke', position: 'top' }, sections: [{ id: 'a', image: 'i.png' }] }, 'p');
    expect(withCaptionOverride(plan, parseRenderSettings({ captions: false }).captions).captions).toBe(false);
    expect(withCaptionOverride(plan, parseRenderSettings({ captionsSource: 'openai' }).captions).captions).toEqual({ style: 'karaoke', position: 'top', source: 'openai' });
    const bare = parsePlan({ title: 'T', sections: [{ id: 'a', image: 'i.png' }] }, 'p');
    expect(withCaptionOverride(bare, parseRenderSettings({ captionStyle: 'subtitle' }).captions).captions).toEqual({ style: 'subtitle', position: 'auto', source: 'align' });
    expect(withCaptionOverride(bare, parseRenderSettings({}).captions)).toBe(bare);
  });
});
