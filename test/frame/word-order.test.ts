/** The order a caption line shows its words in (src/frame/draw-overlay.ts visualOrder): the Unicode bidi algorithm at word granularity. */
import { describe, expect, it } from 'vitest';
import { isRightToLeft, visualOrder } from '../../src/frame/draw-overlay';

describe('word order of a line', () => {
  it('keeps a left-to-right line in order, with a run of right-to-left words reversed inside it', () => {
    expect(visualOrder(['Launch', 'day'])).toEqual([0, 1]);
    expect(visualOrder(['Hello', 'שלום', 'עולם', 'world'])).toEqual([0, 2, 1, 3]);
  });

  it('lays a right-to-left line out from the right, keeping a run of left-to-right words in their own order', () => {
    expect(visualOrder(['שלום', 'עולם'])).toEqual([1, 0]);
    expect(visualOrder(['שלום', 'hello', 'world', 'مرحبا'])).toEqual([3, 1, 2, 0]);
  });

  it('gives a word without letters the direction its neighbours share, else the line\'s', () => {
    // "2026" between two Hebrew words reads with them; between Hebrew and English it takes the line's (right-to-left) direction.
    expect(visualOrder(['שלום', '2026', 'עולם'])).toEqual([2, 1, 0]);
    expect(visualOrder(['שלום', '🚀', 'launch'])).toEqual([2, 1, 0]);
    expect(visualOrder(['🚀', 'launch'])).toEqual([0, 1]);
  });

  it('tells a word\'s direction by its first letter', () => {
    expect(isRightToLeft('שלום')).toBe(true);
    expect(isRightToLeft('مرحبا')).toBe(true);
    expect(isRightToLeft('(שלום)')).toBe(true);
    expect(isRightToLeft('Ünïcödé')).toBe(false);
    expect(isRightToLeft('🚀')).toBe(false);
  });
});
