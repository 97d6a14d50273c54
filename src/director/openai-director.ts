/**
 * The openai director: asks a chat model (structured output, validated with zod through the openai
 * package's zod helper) for each section's intensity, role, a one-line reason, the tier and camera
 * move it would pick, and the arc's turning points. The budget optimiser still decides the tiers
 * (the model's choice is weighed, never trusted with money). `OPENAI_API_KEY` and `OPENAI_BASE_URL`
 * are honoured; the key is never logged. A model that refuses an optional parameter (reasoning
 * models refuse `temperature`: HTTP 400 with error.code `unsupported_parameter` or
 * `unsupported_value` and the parameter in error.param) is asked again without it. No key, another
 * error, a timeout, a refusal, or an answer that is not valid JSON, breaks the schema or names other
 * sections: the heuristic director answers instead, with a warning saying why.
 */
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { redact } from '../providers/errors';
import type { ArcDirector, ArcInput, ArcResult } from './arc-director';
import { analyseArc, turningAt, turningPointsFor } from './arc';
import { ARC_ROLES, TRANSITION_TYPES, type Arc, type TurningPoint } from './arc-types';
import { readMood } from './text-mood';

const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';
/** Parameters we would like but can do without: dropped one by one when a model refuses them. */
const OPTIONAL_PARAMS = { temperature: 0.2 } as const;
const KEN_BURNS_PRESETS = ['zoom-in', 'zoom-out', 'pan-left', 'pan-right', 'pan-up', 'pan-down'] as const;

/** Every field required (nullable where optional): what OpenAI's strict structured outputs need. */
export const arcAnswerSchema = z.object({
  sections: z.array(
    z.object({
      id: z.string().describe('The section id, exactly as given'),
      intensity: z.number().min(0).max(1).describe('Emotional intensity, 0 calm .. 1 climax'),
      role: z.enum(ARC_ROLES).describe('Role of the section in the arc'),
      reason: z.string().min(1).describe('One short line: why this intensity and role'),
      tier: z.number().int().min(0).max(3).nullable().describe('0 still, 1 Ken Burns, 2 parallax, 3 AI video; null: no preference'),
      motion: z.enum(KEN_BURNS_PRESETS).nullable().describe('Camera move for a Ken Burns shot, or null'),
    }),
  ),
  turningPoints: z.array(
    z.object({
      after: z.string().describe('Id of the section after which the mood turns'),
      transition: z.enum(TRANSITION_TYPES).nullable().describe('Transition that fits the turn, or null'),
      reason: z.string().describe('One short line'),
    }),
  ),
});
export type ArcAnswer = z.output<typeof arcAnswerSchema>;

export interface OpenAiDirectorOptions {
  model?: string;
  apiKey?: string;
  baseURL?: string;
  /** Per request (default 60 s). */
  timeoutMs?: number;
  /** Retries of 408/429/5xx and connection errors (default 2). */
  maxRetries?: number;
  env?: NodeJS.ProcessEnv;
}

const SYSTEM_PROMPT = `You are a film editor planning motion for a narrated video made from still images, one image per section.
For every section, read its text and judge:
- intensity: 0 (calm) .. 1 (the climax);
- role in the emotional arc: opening, calm, rising, reveal, climax, falling, resolution or conclusion;
- reason: one short line on why;
- tier: the motion that fits: 0 still image (very calm or high-information moments), 1 Ken Burns (calm), 2 parallax (reveals, rising action), 3 AI video clip (only where it matters most: it costs money; see each section's cost); null for no preference;
- motion: the Ken Burns camera move that fits (use the focal point: move toward the subject), or null.
Then list the turning points of the arc: the id of the section after which the mood turns, and the transition that fits (cut, crossfade, slide, wipe).
Keep every section id exactly as given, in the given order. Avoid long runs of the same motion.`;

class InvalidArcAnswer extends Error {}

/** Checks an answer against the story (same ids, same order) and turns it into an arc. */
function arcFromAnswer(answer: ArcAnswer, input: ArcInput): Arc {
  const ids = input.sections.map((s) => s.id);
  const got = answer.sections.map((s) => s.id);
  if (got.length !== ids.length || got.some((id, i) => id !== ids[i])) {
    const missing = ids.filter((id) => !got.includes(id));
    const unknown = got.filter((id) => !ids.includes(id));
    const parts = [
      missing.length ? `missing ${missing.map((m) => `"${m}"`).join(', ')}` : '',
      unknown.length ? `unknown ${unknown.map((m) => `"${m}"`).join(', ')}` : '',
      !missing.length && !unknown.length ? 'sections out of order or repeated' : '',
    ].filter(Boolean);
    throw new InvalidArcAnswer(`the answer's sections do not match the story (${parts.join('; ')})`);
  }
  const intensities = answer.sections.map((s) => Math.round(s.intensity * 100) / 100);
  const roles = answer.sections.map((s) => s.role);
  let climax: number | null = null;
  roles.forEach((r, i) => {
    if (r === 'climax' && (climax === null || intensities[i]! > intensities[climax]!)) climax = i;
  });
  const sections = answer.sections.map((s, i) => {
    const mood = readMood(input.sections[i]!.text);
    return {
      id: s.id,
      intensity: intensities[i]!,
      role: s.role,
      why: `${s.role}, intensity ${intensities[i]!.toFixed(2)}: ${s.reason.replace(/\s+/g, ' ').trim()}`,
      information: Math.round(mood.information * 100) / 100,
      stillness: Math.round(mood.stillness * 100) / 100,
      ...(s.tier !== null ? { preferredTier: s.tier } : {}),
      ...(s.motion !== null ? { motion: s.motion } : {}),
    };
  });
  let turningPoints: TurningPoint[];
  if (answer.turningPoints.length) {
    const seen = new Set<number>();
    turningPoints = [];
    for (const tp of answer.turningPoints) {
      const i = ids.indexOf(tp.after);
      if (i < 0 || i === ids.length - 1) throw new InvalidArcAnswer(`turning point after "${tp.after}": ${i < 0 ? 'no such section' : 'the last section has no boundary after it'}`);
      if (seen.has(i)) continue;
      seen.add(i);
      const change = Math.round((intensities[i + 1]! - intensities[i]!) * 100) / 100;
      const kind = turningAt(i, intensities, roles)?.kind ?? (change >= 0 ? 'rise' : 'drop');
      turningPoints.push({ after: tp.after, before: ids[i + 1]!, change, kind, reason: tp.reason.trim() || kind, ...(tp.transition ? { transition: tp.transition } : {}) });
    }
    turningPoints.sort((a, b) => ids.indexOf(a.after) - ids.indexOf(b.after));
  } else {
    turningPoints = turningPointsFor(ids, intensities, roles);
  }
  return { sections, turningPoints, climax };
}

function userMessage(input: ArcInput): string {
  return JSON.stringify({
    title: input.title,
    budgetUsd: input.budgetUsd,
    sections: input.sections.map((s) => ({
      id: s.id,
      ...(s.title ? { title: s.title } : {}),
      text: s.text,
      seconds: Math.round(s.seconds * 10) / 10,
      narrated: s.hasNarration,
      image: { file: s.image.ref.split('/').pop(), width: s.image.width, height: s.image.height },
      focalPoint: s.focus.found ? { x: Math.round(s.focus.x * 100) / 100, y: Math.round(s.focus.y * 100) / 100 } : null,
      costUsd: { parallax: s.costs.parallax, aiVideo: s.costs.ai },
    })),
  });
}

export function createOpenAiDirector(opts: OpenAiDirectorOptions = {}): ArcDirector {
  const env = opts.env ?? process.env;
  const model = opts.model || env.STILLMOTION_OPENAI_MODEL || DEFAULT_OPENAI_MODEL;
  return {
    name: 'openai',
    async analyse(input: ArcInput, signal?: AbortSignal): Promise<ArcResult> {
      const apiKey = opts.apiKey ?? env.OPENAI_API_KEY;
      const fallback = (why: string): ArcResult => ({
        arc: analyseArc(input.sections),
        by: 'heuristic',
        warnings: [`openai director (${model}): ${redact(why, [apiKey])}; planned with the heuristic director instead`],
      });
      if (!apiKey) return fallback('no OPENAI_API_KEY');
      const client = new OpenAI({
        apiKey,
        baseURL: opts.baseURL ?? (env.OPENAI_BASE_URL || undefined),
        timeout: opts.timeoutMs ?? 60_000,
        maxRetries: opts.maxRetries ?? 2,
      });
      const optional: Partial<Record<keyof typeof OPTIONAL_PARAMS, number>> = { ...OPTIONAL_PARAMS };
      const ask = () =>
        client.chat.completions.parse(
          {
            model,
            ...optional,
            messages: [
              { role: 'system', content: SYSTEM_PROMPT },
              { role: 'user', content: userMessage(input) },
            ],
            response_format: zodResponseFormat(arcAnswerSchema, 'story_arc'),
          },
          { signal },
        );
      try {
        let completion: Awaited<ReturnType<typeof ask>>;
        for (;;) {
          try {
            completion = await ask();
            break;
          } catch (err) {
            const param = refusedParameter(err);
            if (!param || !(param in optional)) throw err;
            delete optional[param as keyof typeof OPTIONAL_PARAMS];
          }
        }
        const message = completion.choices[0]?.message;
        if (!message) return fallback('the answer has no message');
        if (message.refusal) return fallback(`the model refused: ${message.refusal}`);
        if (!message.parsed) return fallback('the answer has no structured content');
        return { arc: arcFromAnswer(message.parsed, input), by: 'openai', model, warnings: [] };
      } catch (err) {
        if (signal?.aborted) throw err;
        return fallback(describeError(err));
      }
    },
  };
}

/** The parameter a model refused (OpenAI's 400 `unsupported_parameter` / `unsupported_value`), if that is the error. */
function refusedParameter(err: unknown): string | undefined {
  if (!(err instanceof OpenAI.APIError) || err.status !== 400) return undefined;
  if (err.code !== 'unsupported_parameter' && err.code !== 'unsupported_value') return undefined;
  return typeof err.param === 'string' && err.param ? err.param : undefined;
}

function describeError(err: unknown): string {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return 'the request timed out';
  if (err instanceof OpenAI.APIError && err.status) return `HTTP ${err.status}: ${err.message}`;
  if (err instanceof OpenAI.APIConnectionError) return `cannot connect: ${err.message}`;
  if (err instanceof SyntaxError) return `the answer is not valid JSON (${err.message})`;
  // (the zod helper may throw a ZodError of another zod build: recognise it by shape)
  if (err instanceof z.ZodError || (err instanceof Error && err.name === 'ZodError' && Array.isArray((err as z.ZodError).issues))) {
    const first = (err as z.ZodError).issues[0];
    return `the answer does not match the schema (${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : err.message})`;
  }
  if (err instanceof InvalidArcAnswer) return `invalid answer: ${err.message}`;
  return `failed: ${(err as Error).message ?? String(err)}`;
}
