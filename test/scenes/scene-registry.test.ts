/**
 * defineScene and the registry in process: what a scene definition must be, and which renderer
 * draws a scene (a description made of Node-drawable items: Node; a component: Chromium).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeFrame, hasFrameDescription } from '../../src/frame/describe-frame';
import { parsePlan } from '../../src/plan/load-plan';
import { canDrawDirect } from '../../src/render/direct/direct-scenes';
import { defineScene } from '../../src/scenes/define-scene';
import { registerScenes } from '../../src/scenes/registry';
import { sceneImage } from '../../src/scenes/scene-helpers';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { media } from '../helpers/layered-media';

const split = defineScene({
  type: 'split',
  schema: z.object({ color: z.tuple([z.number(), z.number(), z.number()]).default([255, 0, 0]) }),
  describe: (scene) => ({ background: scene.params.color, crop: { x: 0, y: 0, w: 1, h: 1 }, items: [{ ...sceneImage(scene), rect: { x: 0, y: 0, w: 0.5, h: 1 } }] }),
});
const card = defineScene({ type: 'card', schema: z.object({ text: z.string() }), component: () => null });

afterEach(() => registerScenes([]));

describe('defineScene', () => {
  it('refuses a built-in kind, a type field in the params, no look or two looks, and a schema that is not a zod object', () => {
    const describe = () => ({ background: [0, 0, 0] as const, crop: { x: 0, y: 0, w: 1, h: 1 }, items: [] });
    expect(() => defineScene({ type: 'parallax', schema: z.object({}), describe })).toThrow(/"parallax" is a built-in scene kind/);
    expect(() => defineScene({ type: 'Big Name', schema: z.object({}), describe })).toThrow(/lower-case letters/);
    expect(() => defineScene({ type: 'x', schema: z.object({ type: z.string() }), describe })).toThrow(/must not have a "type" field/);
    expect(() => defineScene({ type: 'x', schema: z.object({}) })).toThrow(/exactly one look/);
    expect(() => defineScene({ type: 'x', schema: z.object({}), describe, component: () => null })).toThrow(/exactly one look/);
    expect(() => defineScene({ type: 'x', schema: {} as z.ZodObject, describe })).toThrow(/must be a zod object/);
  });

  it('registering: a built-in type or a type listed twice is refused', () => {
    expect(() => registerScenes([split, split], 'cfg')).toThrow('cfg: scenes[1]: scene type "split" is listed twice');
    expect(() => registerScenes([defineScene({ type: 'spotlight', schema: z.object({}), component: () => null })], 'cfg')).toThrow('cfg: scenes[0]: scene type "spotlight" is a built-in scene');
  });
});

describe('a registered scene in the timeline and the renderers', () => {
  it('validates with defaults; a described scene is drawn in Node, a component scene in Chromium', () => {
    registerScenes([split, card]);
    const plan = parsePlan(
      {
        title: 'T',
        sections: [
          { id: 's', image: 'a.png', duration: 1, scene: { type: 'split' } },
          { id: 'c', image: 'a.png', duration: 1, scene: { type: 'card', text: 'hi' } },
        ],
      },
      'p',
    );
    expect(plan.sections[0]!.scene).toEqual({ type: 'split', color: [255, 0, 0] });
    const [s, c] = buildTimeline(plan, media, '16:9').scenes;
    expect(s!.kind).toBe('split');
    expect(describeFrame(s!, 3, 30)).toEqual({ background: [255, 0, 0], crop: { x: 0, y: 0, w: 1, h: 1 }, items: [{ ...sceneImage(s!), rect: { x: 0, y: 0, w: 0.5, h: 1 } }] });
    expect(hasFrameDescription(s!)).toBe(true);
    expect(canDrawDirect(s!, 1920, 1080, 30)).toBe(true);
    expect(hasFrameDescription(c!)).toBe(false);
    expect(canDrawDirect(c!, 1920, 1080, 30)).toBe(false);
    expect(() => describeFrame(c!, 0, 30)).toThrow(/drawn by its React component/);
  });

  it('once unregistered, a plan using it is invalid and its scenes are unknown to the renderers', () => {
    registerScenes([split]);
    const plan = parsePlan({ title: 'T', sections: [{ id: 's', image: 'a.png', duration: 1, scene: { type: 'split' } }] }, 'p');
    const [s] = buildTimeline(plan, media, '16:9').scenes;
    registerScenes([]);
    expect(() => parsePlan({ title: 'T', sections: [{ id: 's', image: 'a.png', scene: { type: 'split' } }] }, 'p')).toThrow(/Invalid plan p/);
    expect(() => describeFrame(s!, 0, 30)).toThrow(/unknown scene type "split" \(scene types: spotlight\)/);
  });
});
