/**
 * Title/end cards and covers, before anything is drawn: the plan fields (an unknown cover section
 * is named), where the cards sit on the timeline, which frame a cover takes, and the Story
 * Director's title card (kept as the user edits it by `plan --keep`).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOpacity } from '../../src/cards/card-timing';
import { chooseCoverFrame } from '../../src/cards/cover-frame';
import { readKeepPlan } from '../../src/director/keep-merge';
import { focalPoints, planStory } from '../../src/director/plan-story';
import { StillmotionError } from '../../src/errors';
import { describeOverlays } from '../../src/frame/describe-overlays';
import { safeBox } from '../../src/frame/safe-zone';
import { parsePlan } from '../../src/plan/load-plan';
import type { Media, PlanInput } from '../../src/plan/schema';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { tempDir } from '../helpers/fixtures';
import { captionTimeline } from '../captions/overlay-timeline';
import { loadWithMedia, writeSceneImage, writeStoryFile } from '../director/helpers';

const media: Media = { images: { 'a.png': { src: 'a.png', width: 600, height: 400 } }, audio: {} };

function plan(extra: Partial<PlanInput> = {}) {
  return parsePlan(
    {
      title: 'Night Harbour',
      defaults: { transition: { type: 'crossfade', duration: 0.5 } },
      sections: [
        { id: 'open', image: 'a.png', duration: 4, intensity: 0.2 },
        { id: 'peak', image: 'a.png', duration: 3, intensity: 0.9, hold: { end: 1 } },
        { id: 'close', image: 'a.png', duration: 5, intensity: 0.1, hold: { end: 3 } },
      ],
      ...extra,
    },
    'plan.json',
  );
}

function problemsOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StillmotionError);
    return (err as StillmotionError).problems;
  }
  throw new Error('expected an error');
}

describe('plan fields', () => {
  it('an unknown cover.section is named, with the sections there are', () => {
    const problems = problemsOf(() => plan({ cover: { section: 'climax' } }));
    expect(problems).toEqual([{ path: 'cover.section', message: 'no section "climax" (sections: open, peak, close)' }]);
  });

  it('rejects empty card text and unknown card fields, naming the field', () => {
    expect(problemsOf(() => plan({ titleCard: { text: '  ' } })).map((p) => p.path)).toEqual(['titleCard.text']);
    expect(problemsOf(() => plan({ endCard: { text: 'Bye', colour: 'red' } as never })).map((p) => p.path)).toEqual(['endCard']);
  });
});

describe('cards on the timeline', () => {
  it('the title card opens the video (3 s by default, at most the first section) and fades in and out', () => {
    const t = buildTimeline(plan({ titleCard: { text: 'Night Harbour', subtitle: 'a film' } }), media, '9:16');
    expect(t.titleCard).toMatchObject({ kind: 'title', text: 'Night Harbour', subtitle: 'a film', startFrame: 0, endFrame: 90 });
    expect(t.endCard).toBeNull();
    const card = t.titleCard!;
    expect(cardOpacity(card, 0)).toBeGreaterThan(0);
    expect(cardOpacity(card, 0)).toBeLessThan(0.2);
    expect(cardOpacity(card, 45)).toBe(1);
    expect(cardOpacity(card, 89)).toBeLessThan(0.1);
    expect(cardOpacity(card, 90)).toBe(0);
    // Longer than the first section: cut at its end (4 s = 120 frames).
    expect(buildTimeline(plan({ titleCard: { text: 'T', seconds: 9 } }), media, '9:16').titleCard!.endFrame).toBe(120);
  });

  it("the end card covers the last section's end hold (3 s here), to the last frame", () => {
    const t = buildTimeline(plan({ endCard: { text: 'Visit the harbour' } }), media, '16:9');
    expect(t.endCard).toMatchObject({ kind: 'end', startFrame: t.durationInFrames - 90, endFrame: t.durationInFrames });
    expect(cardOpacity(t.endCard!, t.durationInFrames - 1)).toBe(1);
    expect(cardOpacity(t.endCard!, t.durationInFrames - 91)).toBe(0);
    // Without a hold: at least 2 s.
    const noHold = plan({ endCard: { text: 'Bye' } });
    noHold.sections[2]!.hold = undefined;
    const t2 = buildTimeline(noHold, media, '16:9');
    expect(t2.endCard!.endFrame - t2.endCard!.startFrame).toBe(60);
    expect(buildTimeline(plan({ titleCard: false, endCard: false }), media, '1:1')).toMatchObject({ titleCard: null, endCard: null });
  });

  it("a section's on-screen text (the plan decides): a title-style card over its span, after the title card; too long or empty is a warning", () => {
    const p = plan({ titleCard: { text: 'Night Harbour', seconds: 6 } });
    p.sections[0]!.text = 'Dawn over the water';
    p.sections[0]!.onScreenText = true;
    p.sections[1]!.text = 'The boats come home';
    p.sections[1]!.onScreenText = true;
    p.sections[2]!.onScreenText = true; // no text
    const t = buildTimeline(p, media, '9:16');
    // Section 0 is 4 s: the title card (cut to 4 s) takes it all, so only section 1's text shows.
    expect(t.textCards.map((c) => [c.kind, c.text])).toEqual([['text', 'The boats come home']]);
    const card = t.textCards[0]!;
    const peak = t.scenes.find((s) => s.id === 'peak')!;
    expect(card.startFrame).toBe(peak.nominalFrom);
    expect(card.endFrame).toBe(peak.nominalFrom + peak.nominalFrames);
    const mid = Math.floor((card.startFrame + card.endFrame) / 2);
    expect(describeOverlays(t, mid).filter((o) => o.kind === 'card').map((o) => o.kind === 'card' && [o.role, o.text])).toEqual([['text', 'The boats come home']]);
    expect(describeOverlays(t, card.endFrame + 5).some((o) => o.kind === 'card' && o.role === 'text')).toBe(false);
    expect(t.warnings.join('\n')).toMatch(/sections\[2\] "close": onScreenText is on but the section has no text/);
    p.sections[1]!.text = 'word '.repeat(40);
    const long = buildTimeline(p, media, '9:16');
    expect(long.textCards).toEqual([]);
    expect(long.warnings.join('\n')).toMatch(/sections\[1\] "peak": text of \d+ characters is too long for on-screen text/);
  });
});

describe('cover frame', () => {
  it('defaults to the most intense section, at the start of its end hold, with the plan title', () => {
    const p = plan();
    const t = buildTimeline(p, media, '9:16');
    const c = chooseCoverFrame(p, t)!;
    const peak = t.scenes[1]!;
    expect(c).toMatchObject({ sectionId: 'peak', title: 'Night Harbour' });
    // The end hold is the scene's last 30 frames (its last 15 are under the outgoing crossfade): its first frame.
    expect(peak.durationInFrames).toBe(8 + 90 + 7);
    expect(c.frame).toBe(peak.from + peak.durationInFrames - 30);
    expect(c.why).toContain('climax');
  });

  it('without intensities, the middle section, at its middle clear of transitions', () => {
    const p = plan();
    for (const s of p.sections) s.intensity = undefined;
    p.sections[1]!.hold = undefined;
    const t = buildTimeline(p, media, '16:9');
    const c = chooseCoverFrame(p, t)!;
    const mid = t.scenes[1]!;
    expect(c.sectionId).toBe('peak');
    expect(c.frame).toBe(mid.from + Math.floor((15 + mid.durationInFrames - 15 - 1) / 2));
  });

  it('honours cover.section and cover.time, and a title of its own or none', () => {
    const p = plan({ cover: { section: 'close', time: 1.5, title: 'Come aboard' } });
    const t = buildTimeline(p, media, '1:1');
    expect(chooseCoverFrame(p, t)).toMatchObject({ sectionId: 'close', frame: t.scenes[2]!.nominalFrom + 45, title: 'Come aboard' });
    const q = plan({ cover: { time: 1, title: false } });
    expect(chooseCoverFrame(q, buildTimeline(q, media, '1:1'))).toMatchObject({ frame: 30, sectionId: 'open', title: null });
    expect(chooseCoverFrame(plan({ cover: false }), t)).toBeNull();
  });

  it('a cover.time past the section is an error naming cover.time', () => {
    const p = plan({ cover: { section: 'peak', time: 3.5 } });
    expect(problemsOf(() => chooseCoverFrame(p, buildTimeline(p, media, '16:9')))).toEqual([
      { path: 'cover.time', message: '3.5 s is past the end of section "peak" (3.00 s)' },
    ]);
  });
});

describe('Story Director', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('stillmotion-cards-director-');
    for (let i = 1; i <= 3; i++) await writeSceneImage(path.join(dir, 'img', `${i}.png`), i);
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('writes a title card from the story title, and plan --keep keeps the user\'s edit of it', async () => {
    const storyFile = await writeStoryFile(dir, 'lighthouse.json', {
      title: 'The Lighthouse',
      sections: ['A calm evening by the sea.', 'A storm breaks over the rocks!', 'Morning comes, quiet again.'].map((text, i) => ({ id: `s${i + 1}`, text, image: `img/${i + 1}.png`, duration: 5 })),
    });
    const { story, media: storyMedia } = await loadWithMedia(storyFile);
    const focus = await focalPoints(story, storyMedia);
    const out = path.join(dir, 'plan.json');
    const first = await planStory(story, storyMedia, { outPath: out, focus });
    expect(first.json.titleCard).toEqual({ text: 'The Lighthouse' });
    expect(first.plan.titleCard).toEqual({ text: 'The Lighthouse' });
    // The user changes the card: a re-plan with --keep leaves it as they wrote it.
    await fs.writeFile(out, JSON.stringify({ ...first.json, titleCard: { text: 'Lighthouse', subtitle: 'a short film' } }));
    const again = await planStory(story, storyMedia, { outPath: out, focus, keep: await readKeepPlan(out) });
    expect(again.json.titleCard).toEqual({ text: 'Lighthouse', subtitle: 'a short film' });
    // Turned off: stays off.
    await fs.writeFile(out, JSON.stringify({ ...first.json, titleCard: false }));
    const off = await planStory(story, storyMedia, { outPath: out, focus, keep: await readKeepPlan(out) });
    expect(off.json.titleCard).toBe(false);
  });
});

describe('cards as overlays', () => {
  const card = (kind: 'title' | 'end', startFrame: number, endFrame: number) => ({ kind, text: 'Night Harbour', subtitle: null, startFrame, endFrame, fadeInFrames: 10, fadeOutFrames: kind === 'title' ? 10 : 0 });

  it('a card keeps one band while it shows, off the subject and off the band the captions take', () => {
    // Subject low in the frame: the middle band is free; captions in the middle push the card elsewhere.
    const low = captionTimeline({ format: '9:16', frames: 120, pages: [], focus: { x: 0.5, y: 0.85 } });
    low.titleCard = card('title', 0, 90);
    const bands = [0, 45, 89].map((f) => describeOverlays(low, f).find((o) => o.kind === 'card')!);
    expect(bands.map((o) => o.kind === 'card' && o.place)).toEqual(['middle', 'middle', 'middle']);
    expect(bands[0]!.key).not.toBe(bands[1]!.key); // fading in: another picture
    expect(describeOverlays(low, 90)).toEqual([]);
    const withCaptions = captionTimeline({ format: '9:16', frames: 120, position: 'middle', focus: { x: 0.5, y: 0.85 }, pages: [{ words: [['Hello', 0], ['there', 400]] }] });
    withCaptions.titleCard = card('title', 0, 90);
    const shown = describeOverlays(withCaptions, 10);
    expect(shown.map((o) => [o.kind, o.place])).toEqual([
      ['caption', 'middle'],
      ['card', 'top'],
    ]);
  });

  it('a title and an end card showing at once are two overlays, each inside the safe zone', () => {
    const t = captionTimeline({ format: '16:9', frames: 60, pages: [] });
    t.titleCard = card('title', 0, 60);
    t.endCard = card('end', 20, 60);
    const shown = describeOverlays(t, 30);
    expect(shown.map((o) => o.kind === 'card' && o.role)).toEqual(['title', 'end']);
    const safe = safeBox('16:9', 1920, 1080);
    for (const o of shown) {
      expect(o.box.x).toBeGreaterThanOrEqual(safe.x);
      expect(o.box.y).toBeGreaterThanOrEqual(safe.y);
      expect(o.box.x + o.box.w).toBeLessThanOrEqual(safe.x + safe.w);
      expect(o.box.y + o.box.h).toBeLessThanOrEqual(safe.y + safe.h);
    }
  });
});
