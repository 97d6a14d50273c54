/** The bundle's entry drops exactly Remotion's redundant `img.decode()` warning, nothing else. */
import { describe, expect, it } from 'vitest';
import { quietRedundantDecodeWarnings } from '../../remotion/quiet-decode-warning';

function fakeConsole(): { warn: (...a: unknown[]) => void; seen: unknown[][] } {
  const seen: unknown[][] = [];
  return { seen, warn: (...a: unknown[]) => void seen.push(a) };
}

describe('quietRedundantDecodeWarnings', () => {
  it("drops the EncodingError Remotion's <Img> warns before waiting for the load event", () => {
    const c = fakeConsole();
    quietRedundantDecodeWarnings(c);
    c.warn(new DOMException('The source image cannot be decoded.', 'EncodingError'));
    expect(c.seen).toEqual([]);
  });

  it('passes every other warning through unchanged, and wraps once', () => {
    const c = fakeConsole();
    quietRedundantDecodeWarnings(c);
    quietRedundantDecodeWarnings(c);
    const other = new DOMException('gone', 'NotFoundError');
    const withContext = new DOMException('The source image cannot be decoded.', 'EncodingError');
    c.warn('a plain warning');
    c.warn(other);
    c.warn('while drawing', withContext);
    c.warn(new Error('EncodingError'));
    expect(c.seen).toEqual([['a plain warning'], [other], ['while drawing', withContext], [new Error('EncodingError')]]);
  });
});
