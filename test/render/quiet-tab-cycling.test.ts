/** Render sessions drop exactly Remotion's tab-cycling "Target closed" error, nothing else. */
import { describe, expect, it } from 'vitest';
import { fakeConsole } from '../helpers/fake-console';
import { isTabCyclingTargetClosed, quietTabCyclingErrors } from '../../src/render/quiet-tab-cycling';
import { RenderSession } from '../../src/render/render-session';

/** The error as Remotion 4.0.527's CDP session rejects a pending call when its page closes. */
function targetClosed(method: string): Error {
  const err = new Error(`Protocol error (${method}): Target closed. https://www.remotion.dev/docs/target-closed`);
  err.name = 'ProtocolError';
  return err;
}


describe('quietTabCyclingErrors', () => {
  it('drops the bringToFront rejection, as an error object and as the red string of a colour terminal', () => {
    const c = fakeConsole('error');
    quietTabCyclingErrors(c);
    c.error(targetClosed('Page.bringToFront'));
    c.error(`\u001b[31m${String(targetClosed('Page.bringToFront'))}\n    at CDPSession._onClosed (index.mjs:1859:36)\u001b[39m`);
    expect(c.seen).toEqual([]);
  });

  it('passes every other error through unchanged, and wraps once', () => {
    const c = fakeConsole('error');
    quietTabCyclingErrors(c);
    quietTabCyclingErrors(c);
    const otherMethod = targetClosed('Runtime.callFunctionOn');
    const otherFailure = new Error('Protocol error (Page.bringToFront): No target with given id found');
    const withContext = targetClosed('Page.bringToFront');
    c.error(otherMethod);
    c.error(otherFailure);
    c.error('Unable to close browser tab', withContext);
    c.error('render failed: Protocol error (Page.bringToFront): Target closed.');
    expect(c.seen).toEqual([[otherMethod], [otherFailure], ['Unable to close browser tab', withContext], ['render failed: Protocol error (Page.bringToFront): Target closed.']]);
    expect(isTabCyclingTargetClosed([])).toBe(false);
  });
});

describe('a render session', () => {
  it("quiets the process's console.error from its opening on, before any multi-tab pass", async () => {
    const session = await RenderSession.open();
    try {
      expect((console as Console & { __stillmotionQuietTabs?: true }).__stillmotionQuietTabs).toBe(true);
    } finally {
      await session.close();
    }
  });
});
