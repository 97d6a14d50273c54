/**
 * Pre-scale and layer sizes come from the frame descriptions: the widest any frame draws a picture,
 * so a scene's look decides its sizes (a custom scene that draws the image at half width needs half).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parsePlan } from '../../src/plan/load-plan';
import { drawnWidths } from '../../src/render/prescale-images';
import { defineScene } from '../../src/scenes/define-scene';
import { registerScenes } from '../../src/scenes/registry';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { cropAtFrame } from '../../src/timeline/camera';
import { layers, media } from '../helpers/layered-media';

const W = 1920;

function timeline(sections: unknown[]) {
  return buildTimeline(parsePlan({ title: 'T', sections }, 'p'), media, '16:9');
}

describe('drawnWidths (from frame descriptions)', () => {
  it('Ken Burns: the image as wide as its tightest crop draws it; a still as its one crop', () => {
    const t = timeline([{ id: 'kb', image: 'a.png', tier: 1, duration: 2, motion: { preset: 'zoom-in', amount: 0.6 } }]);
    const s = t.scenes[0]!;
    const tightest = Math.min(...Array.from({ length: s.durationInFrames }, (_, f) => cropAtFrame(s.camera, f).w));
    const px = drawnWidths(t, 1).images.get('a.png')!;
    // The drawn width is the frame width over the crop's share of the image (plus the ~1 px seam overscan).
    expect(px).toBeGreaterThanOrEqual(Math.floor(W / tightest));
    expect(px).toBeLessThanOrEqual(Math.ceil((W / tightest) * 1.003));
    expect(drawnWidths(t, 0.5).images.get('a.png')!).toBeCloseTo(px / 2, -1);
    const still = timeline([{ id: 'st', image: 'a.png', tier: 0, duration: 1 }]);
    expect(drawnWidths(still, 1).images.get('a.png')!).toBeLessThan(px);
  });

  it('CSS parallax sizes the layers (dolly growth included), not the image; WebGL sizes the displaced image', () => {
    const orbitTimeline = timeline([{ id: 'px', image: 'a.png', tier: 2, duration: 2, parallax: { preset: 'orbit', amount: 1 } }]);
    const orbit = drawnWidths(orbitTimeline, 1);
    // No frame draws the image itself; it still gets a picture, as the camera frames it (not a layer's width).
    expect(orbit.images.get('a.png')).toBeGreaterThan(0);
    const dolly = drawnWidths(timeline([{ id: 'px', image: 'a.png', tier: 2, duration: 2, parallax: { preset: 'dolly', amount: 1 } }]), 1);
    expect(dolly.layers.get('a.png')!).toBeGreaterThan(orbit.layers.get('a.png')! * 1.08);
    expect(layers.width).toBeGreaterThan(0);
    const gl = drawnWidths(timeline([{ id: 'gl', image: 'a.png', tier: 2, duration: 2, parallax: { preset: 'dolly', amount: 1, mode: 'webgl' } }]), 1);
    expect(gl.images.get('a.png')!).toBeGreaterThan(0);
    expect(gl.layers.has('a.png')).toBe(false);
  });

  it("a scene type's own description decides: an image drawn at half the frame's width needs half", () => {
    const half = defineScene({
      type: 'half-width-test',
      schema: z.object({}),
      describe: (scene) => ({
        background: [0, 0, 0],
        crop: { x: 0, y: 0, w: 1, h: 1 },
        items: [{ kind: 'image', src: scene.image.src, width: scene.image.width, height: scene.image.height, rect: { x: 0, y: 0, w: 0.5, h: 1 }, opacity: 1 }],
      }),
    });
    registerScenes([half]);
    const t = timeline([{ id: 'h', image: 'a.png', duration: 1, scene: { type: 'half-width-test' } }]);
    expect(drawnWidths(t, 1).images.get('a.png')).toBe(Math.ceil((W / 2) * (1 + 2 / 1080) - 1e-6));
  });
});
