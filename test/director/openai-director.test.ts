/**
 * The openai director against a real HTTP server on 127.0.0.1 speaking the chat-completions
 * protocol: a valid structured answer is used; invalid JSON, an answer breaking the schema or naming
 * other sections, a refusal, HTTP 500, a timeout and a missing key all fall back to the heuristic
 * director with a warning, and the plan is valid either way. The key never reaches a plan or a warning.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyseArc } from '../../src/director/arc';
import { createOpenAiDirector, type ArcAnswer } from '../../src/director/openai-director';
import type { FocalPoint } from '../../src/director/camera-motion';
import { focalPoints, planStory } from '../../src/director/plan-story';
import { parsePlan } from '../../src/plan/load-plan';
import type { Story } from '../../src/story/load-story';
import type { StoryMedia } from '../../src/story/story-media';
import { tempDir } from '../helpers/fixtures';
import { sendJson, startServer, type MockServer, type Recorded } from '../providers/helpers';
import { refuseReasoningParams } from '../providers/servers/openai-api';
import { loadWithMedia, writeSceneImage, writeStoryFile } from './helpers';

const KEY = 'sk-test-secret-0123456789';
let dir: string;
let story: Story;
let media: StoryMedia;
let focus: Map<string, FocalPoint>;
let server: MockServer | null = null;

const TEXTS = {
  dawn: 'The village sleeps under a quiet sky.',
  storm: 'Thunder! The storm tears the roofs away!',
  after: 'By noon the sun is back and people sweep the streets.',
};

beforeAll(async () => {
  dir = await tempDir('stillmotion-openai-');
  for (const [i, id] of Object.keys(TEXTS).entries()) await writeSceneImage(path.join(dir, `${id}.png`), i);
  const file = await writeStoryFile(dir, 'story.json', {
    title: 'Storm',
    budget: 1,
    sections: Object.entries(TEXTS).map(([id, text]) => ({ id, text, image: `${id}.png`, duration: 6 })),
  });
  ({ story, media } = await loadWithMedia(file));
  focus = await focalPoints(story, media);
});
afterEach(async () => {
  await server?.close();
  server = null;
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function completion(message: Record<string, unknown>, finish = 'stop'): Record<string, unknown> {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, finish_reason: finish, logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}

const GOOD: ArcAnswer = {
  sections: [
    { id: 'dawn', intensity: 0.1, role: 'opening', reason: 'a sleeping village', tier: 1, motion: 'pan-left' },
    { id: 'storm', intensity: 0.95, role: 'climax', reason: 'the storm breaks', tier: 3, motion: null },
    { id: 'after', intensity: 0.3, role: 'conclusion', reason: 'life goes on', tier: 2, motion: null },
  ],
  turningPoints: [
    { after: 'dawn', transition: 'slide', reason: 'the storm arrives' },
    { after: 'storm', transition: null, reason: 'the storm passes' },
  ],
};

async function serve(answer: (req: Recorded) => { status: number; body: unknown } | null): Promise<string> {
  server = await startServer((req, res) => {
    const a = answer(req);
    if (a === null) return; // never answer: the client times out
    sendJson(res, a.status, a.body);
  });
  return `${server.url}/v1`;
}

async function plan(baseURL: string, opts: { timeoutMs?: number; apiKey?: string | null } = {}) {
  const director = createOpenAiDirector({
    baseURL,
    apiKey: opts.apiKey === null ? undefined : (opts.apiKey ?? KEY),
    env: {},
    model: 'test-model',
    maxRetries: 0,
    timeoutMs: opts.timeoutMs ?? 5_000,
  });
  const r = await planStory(story, media, { outPath: path.join(dir, 'plan.json'), director, focus });
  // Whatever happened, the result is a valid plan, and the key is nowhere in it.
  expect(() => parsePlan(r.json, 'plan.json')).not.toThrow();
  expect(JSON.stringify(r.json)).not.toContain(KEY);
  for (const w of r.warnings) expect(w).not.toContain(KEY);
  return r;
}

const heuristicIntensities = (): number[] => analyseArc(story.sections).sections.map((s) => s.intensity);

describe('openai director', () => {
  it('uses a valid structured answer: intensities, roles, reasons, the tiers it asks for, its transitions', async () => {
    const url = await serve(() => ({ status: 200, body: completion({ content: JSON.stringify(GOOD) }) }));
    const r = await plan(url);
    expect(r.warnings).toEqual([]);
    expect(r.director).toMatchObject({ by: 'openai', model: 'test-model' });
    expect(r.plan.sections.map((s) => s.intensity)).toEqual([0.1, 0.95, 0.3]);
    expect(r.plan.sections[1]!.reason).toMatch(/^climax, intensity 0\.95: the storm breaks/);
    // Tier 3 asked for and affordable (budget 1; gen4_turbo buys the 6 s the section needs: $0.30).
    expect(r.plan.sections.map((s) => s.tier)).toEqual([1, 3, 2]);
    expect(r.plan.sections[0]!.motion).toMatchObject({ preset: 'pan-left' });
    expect(r.plan.sections[0]!.transition).toMatchObject({ type: 'slide' });
    expect(r.plan.sections[1]!.transition).toMatchObject({ type: 'crossfade', duration: 1.2 });
    expect(r.plan.estimatedCost).toBe(0.3);

    // What was sent: a chat completion with a strict JSON schema response format, the key as a bearer token.
    const req = server!.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    const body = req.json as { model: string; response_format: { type: string; json_schema: { name: string; strict: boolean; schema: { required: string[] } } }; messages: { content: string }[] };
    expect(body.model).toBe('test-model');
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.strict).toBe(true);
    expect(body.response_format.json_schema.schema.required).toEqual(['sections', 'turningPoints']);
    expect(body.messages[1]!.content).toContain('"id":"storm"');
  });

  for (const model of ['o3-mini', 'gpt-5-mini']) {
    it(`works with a reasoning model (${model}) that refuses temperature: asks again without it`, async () => {
      const url = await serve((req) => refuseReasoningParams(req.json as Record<string, unknown>) ?? { status: 200, body: completion({ content: JSON.stringify(GOOD) }) });
      const director = createOpenAiDirector({ baseURL: url, apiKey: KEY, env: {}, model, maxRetries: 0 });
      const r = await planStory(story, media, { outPath: path.join(dir, 'plan.json'), director, focus });
      expect(r.warnings).toEqual([]);
      expect(r.director).toMatchObject({ by: 'openai', model });
      const sent = server!.requests.map((q) => q.json as Record<string, unknown>);
      expect(sent).toHaveLength(2);
      expect(sent[0]).toHaveProperty('temperature', 0.2);
      expect(sent[1]).not.toHaveProperty('temperature');
      expect(sent[1]).toMatchObject({ model, response_format: { type: 'json_schema' } });
    });
  }

  it('a 400 for anything else is not retried: it falls back with the API message', async () => {
    const url = await serve(() => ({ status: 400, body: { error: { message: "Invalid value for 'model'.", type: 'invalid_request_error', param: 'model', code: 'invalid_value' } } }));
    const r = await plan(url);
    expect(server!.requests).toHaveLength(1);
    expect(r.director?.by).toBe('heuristic');
    expect(r.warnings.join('\n')).toMatch(/HTTP 400.*Invalid value for 'model'/);
  });

  it('the budget still rules: a tier 3 the model asks for is not bought without money', async () => {
    const url = await serve(() => ({ status: 200, body: completion({ content: JSON.stringify(GOOD) }) }));
    const director = createOpenAiDirector({ baseURL: url, apiKey: KEY, env: {}, model: 'test-model', maxRetries: 0 });
    const r = await planStory(story, media, { outPath: path.join(dir, 'plan.json'), director, budgetUsd: 0, focus });
    expect(r.plan.sections.every((s) => s.tier < 3)).toBe(true);
    expect(r.plan.estimatedCost).toBe(0);
  });

  const failures: [string, (req: Recorded) => { status: number; body: unknown } | null, RegExp, { timeoutMs?: number }?][] = [
    ['invalid JSON', () => ({ status: 200, body: completion({ content: '{"sections": [ {"id": "dawn", ' }) }), /not valid JSON/],
    [
      'an answer that breaks the schema',
      () => ({ status: 200, body: completion({ content: JSON.stringify({ ...GOOD, sections: GOOD.sections.map((s) => ({ ...s, intensity: 7 })) }) }) }),
      /does not match the schema \(sections\.0\.intensity/,
    ],
    [
      'an answer naming other sections',
      () => ({ status: 200, body: completion({ content: JSON.stringify({ ...GOOD, sections: GOOD.sections.slice(0, 2) }) }) }),
      /do not match the story \(missing "after"\)/,
    ],
    ['a refusal', () => ({ status: 200, body: completion({ content: null, refusal: 'I cannot help with that.' }) }), /refused: I cannot help with that/],
    ['HTTP 500', () => ({ status: 500, body: { error: { message: 'upstream exploded', type: 'server_error' } } }), /HTTP 500/],
    ['a timeout', () => null, /timed out/, { timeoutMs: 300 }],
  ];
  for (const [what, answer, message, opts] of failures) {
    it(`falls back to the heuristic director on ${what}, with a warning`, async () => {
      const url = await serve(answer);
      const r = await plan(url, opts);
      expect(r.director.by).toBe('heuristic');
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatch(/^openai director \(test-model\): /);
      expect(r.warnings[0]).toMatch(message);
      expect(r.warnings[0]).toMatch(/planned with the heuristic director instead$/);
      expect(r.plan.sections.map((s) => s.intensity)).toEqual(heuristicIntensities());
      expect(server!.requests.length).toBe(1);
    });
  }

  it('without a key it does not call out at all and says why', async () => {
    const url = await serve(() => ({ status: 200, body: completion({ content: JSON.stringify(GOOD) }) }));
    const r = await plan(url, { apiKey: null });
    expect(r.director.by).toBe('heuristic');
    expect(r.warnings[0]).toMatch(/no OPENAI_API_KEY/);
    expect(server!.requests).toHaveLength(0);
  });

  it('honours OPENAI_API_KEY and OPENAI_BASE_URL from the environment', async () => {
    const url = await serve(() => ({ status: 200, body: completion({ content: JSON.stringify(GOOD) }) }));
    const director = createOpenAiDirector({ env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: url, STILLMOTION_OPENAI_MODEL: 'env-model' }, maxRetries: 0 });
    const r = await planStory(story, media, { outPath: path.join(dir, 'plan.json'), director, focus });
    expect(r.director).toMatchObject({ by: 'openai', model: 'env-model' });
    expect((server!.requests[0]!.json as { model: string }).model).toBe('env-model');
    expect(server!.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });
});
