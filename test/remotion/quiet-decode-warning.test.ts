/** The bundle's entry drops exactly Remotion's redundant `img.decode()` warning, nothing else. */
import { describe, expect, it } from 'vitest';
import { fakeConsole } from '../helpers/fake-console';
import { quietRedundantDecodeWarnings } from '../../remotion/quiet-decode-warning';


describe('quietRedundantDecodeWarnings', () => {
  it("drops the EncodingError Remotion's <Img> warns before waiting for the load event", () => {
    const c = fakeConsole('warn');
    quietRedundantDecodeWarnings(c);
    c.warn(new DOMException('The source image cannot be decoded.', 'EncodingError'));
    expect(c.seen).toEqual([]);
  });

  it('passes every other warning through unchanged, and wraps once', () => {
    const c = fakeConsole('warn');
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
