/** describeOverlays: the page at a frame, the spoken word, the place in the safe zone (off the subject's face), stable keys. */
import { describe, expect, it } from 'vitest';
import { describeOverlays } from '../../src/frame/describe-overlays';
import { placeBox, safeBox } from '../../src/frame/safe-zone';
import { captionOf, captionTimeline } from './overlay-timeline';

const pages = [{ words: [['One', 0], ['small', 300], ['step', 600]] as [string, number][] }, { words: [['for', 1200], ['all', 1500]] as [string, number][] }];

describe('describeOverlays', () => {
  it('shows the page of the frame with the word being spoken, nothing between pages', () => {
    const t = captionTimeline({ format: '9:16', frames: 90, pages });
    const at = (f: number) => describeOverlays(t, f);
    expect(captionOf(at(0))).toMatchObject({ kind: 'caption', words: ['One', 'small', 'step'], active: 0 });
    expect(captionOf(at(8)).active).toBe(0); // 267 ms
    expect(captionOf(at(9)).active).toBe(1); // 300 ms: 'small' starts
    expect(captionOf(at(20)).active).toBe(2);
    expect(captionOf(at(36))).toMatchObject({ words: ['for', 'all'], active: 0 });
    expect(at(60)).toEqual([]); // after the last page's end (1900 ms = frame 57)
  });

  it('gives equal keys to equal pixels and different keys when the spoken word changes', () => {
    const t = captionTimeline({ format: '9:16', frames: 90, pages });
    expect(captionOf(describeOverlays(t, 1)).key).toBe(captionOf(describeOverlays(t, 5)).key);
    expect(captionOf(describeOverlays(t, 5)).key).not.toBe(captionOf(describeOverlays(t, 12)).key);
    const karaoke = captionTimeline({ format: '9:16', frames: 90, pages, style: 'karaoke' });
    expect(captionOf(describeOverlays(karaoke, 5)).key).not.toBe(captionOf(describeOverlays(t, 5)).key);
  });

  it('does not highlight a cue-level page', () => {
    const t = captionTimeline({ format: '16:9', frames: 90, pages: [{ words: pages[0]!.words, level: 'cue' }] });
    expect(captionOf(describeOverlays(t, 15)).active).toBe(-1);
  });

  it('keeps captions in the safe zone: 9:16 clear of the top 14%, bottom 35% and sides 6%', () => {
    const b = placeBox('9:16', 'bottom', 1080, 1920);
    expect(b.y).toBeGreaterThanOrEqual(0.14 * 1920);
    expect(b.y + b.h).toBeLessThanOrEqual(0.65 * 1920);
    expect(b.x).toBeGreaterThanOrEqual(0.06 * 1080);
    expect(b.x + b.w).toBeLessThanOrEqual(0.94 * 1080);
    // 16:9: the lower third.
    const l = placeBox('16:9', 'bottom', 1920, 1080);
    expect(l.y).toBeGreaterThanOrEqual(1080 * (2 / 3) - 40);
    const s = safeBox('16:9', 1920, 1080);
    expect(l.y + l.h).toBe(s.y + s.h);
  });

  it('auto moves captions off the subject when another place is free, and follows the plan otherwise', () => {
    const low = captionTimeline({ format: '9:16', frames: 90, pages, focus: { x: 0.5, y: 0.58 } });
    expect(captionOf(describeOverlays(low, 0)).place).toBe('top');
    const high = captionTimeline({ format: '9:16', frames: 90, pages, focus: { x: 0.5, y: 0.2 } });
    expect(captionOf(describeOverlays(high, 0)).place).toBe('bottom');
    const pinned = captionTimeline({ format: '9:16', frames: 90, pages, focus: { x: 0.5, y: 0.58 }, position: 'bottom' });
    expect(captionOf(describeOverlays(pinned, 0)).place).toBe('bottom');
  });
});
