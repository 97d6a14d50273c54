/**
 * Reads a plan file and rejects an invalid one before anything renders: every problem is listed
 * as path + message (`sections[2].image: file not found: img/x.png`). Image and audio files are
 * checked for existence and decodability. A plan may come from someone else: its files must be
 * inside its folder and its URLs are fetched under the input policy (src/net/input-policy.ts).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { StillmotionError, type InputProblem } from '../errors';
import { fetchVerified, isUrl, type FetchRemoteOptions } from '../media/fetch-remote';
import { resolveInputPolicy, type InputPolicy } from '../net/input-policy';
import { probeAudio, type AudioFacts } from '../media/probe-audio';
import { probeImage, type ImageFacts } from '../media/probe-image';
import { refusePlaylist, resolveConfined } from './confine-path';
import { formatPath, zodProblems } from './format-issues';
import { registeredScenes } from '../scenes/registry';
import type { SceneDefinition } from '../scenes/define-scene';
import { planSchemaFor } from './plan-schema-for';
import { duplicateIdProblems, type Plan } from './schema';

export interface LocatedImage extends ImageFacts {
  file: string;
}
export interface LocatedAudio extends AudioFacts {
  file: string;
}

export interface LoadedPlan {
  plan: Plan;
  planPath: string;
  planDir: string;
  images: Record<string, LocatedImage>;
  audio: Record<string, LocatedAudio>;
}

/** Parses JSON, reporting the line and column of a syntax error. */
export function parseJsonWithPosition(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    if (first) {
      const before = text.slice(0, first.offset);
      const line = before.split('\n').length;
      const col = first.offset - before.lastIndexOf('\n');
      throw new StillmotionError(`${label}:${line}:${col}: invalid JSON: ${printParseErrorCode(first.error)}`);
    }
    throw new StillmotionError(`${label}: invalid JSON: ${(err as Error).message}`);
  }
}

/**
 * Validates plan data (already parsed from JSON) against the schema; throws with every problem.
 * `scenes`: the scene types a section may use (default: the registered ones, the built-ins plus
 * those of the project config the CLI loaded).
 */
export function parsePlan(data: unknown, label: string, scenes: readonly SceneDefinition[] = registeredScenes()): Plan {
  const result = planSchemaFor(scenes).safeParse(data);
  if (!result.success) {
    const problems = zodProblems(result.error);
    for (const d of duplicateIdProblems(data)) {
      const at = formatPath(d.path);
      if (!problems.some((p) => p.path === at && p.message === d.message)) problems.push({ path: at, message: d.message });
    }
    problems.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
    throw new StillmotionError(`Invalid plan ${label}:`, problems);
  }
  return result.data;
}

export interface LoadOptions {
  /** Where downloaded (URL) images are kept. */
  cacheDir?: string;
  /** What the plan may reach: local URLs, files outside its folder, download size (default: from the environment). */
  policy?: Partial<InputPolicy>;
  /** Folders besides the plan's own that its files may be in (`make`: the story's folder). */
  roots?: string[];
  /** Download URLs again instead of revalidating the cached copies (`--fresh`). */
  fresh?: boolean;
  /** Tests: a stub resolver for URL hosts. */
  net?: FetchRemoteOptions<unknown>['net'];
  /** The scene types sections may use (default: the registered ones). */
  scenes?: readonly SceneDefinition[];
}

export async function loadPlanFile(planPath: string, opts: LoadOptions = {}): Promise<LoadedPlan> {
  const absolute = path.resolve(planPath);
  let text: string;
  try {
    text = await fs.readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StillmotionError(`${planPath}: ${code === 'ENOENT' ? 'plan file not found' : `cannot read plan: ${(err as Error).message}`}`);
  }
  const plan = parsePlan(parseJsonWithPosition(text, planPath), planPath, opts.scenes);
  return resolvePlanMedia(plan, absolute, opts);
}

/** Locates and probes every file a plan refers to; all problems are reported together. */
async function resolvePlanMedia(plan: Plan, planPath: string, opts: LoadOptions = {}): Promise<LoadedPlan> {
  const planDir = path.dirname(path.resolve(planPath));
  const cacheDir = path.resolve(opts.cacheDir ?? '.stillmotion/cache');
  const policy = { ...resolveInputPolicy(), ...opts.policy };
  const roots = [planDir, ...(opts.roots ?? [])];
  const problems: InputProblem[] = [];
  const images: Record<string, LocatedImage> = {};
  const audio: Record<string, LocatedAudio> = {};

  const refs: { ref: string; kind: 'image' | 'audio'; path: string }[] = [];
  plan.sections.forEach((s, i) => {
    refs.push({ ref: s.image, kind: 'image', path: `sections[${i}].image` });
    if (s.narration) refs.push({ ref: s.narration, kind: 'audio', path: `sections[${i}].narration` });
  });
  if (plan.music) refs.push({ ref: plan.music.file, kind: 'audio', path: 'music.file' });

  const seen = new Map<string, Promise<void>>();
  await Promise.all(
    refs.map(async ({ ref, kind, path: at }) => {
      const key = `${kind}:${ref}`;
      const job =
        seen.get(key) ??
        (async () => {
          const probe = async (f: string): Promise<ImageFacts | AudioFacts> => {
            if (kind === 'image') return probeImage(f, ref);
            await refusePlaylist(f, ref);
            return probeAudio(f, ref);
          };
          let file: string;
          let facts: ImageFacts | AudioFacts;
          if (isUrl(ref)) {
            ({ file, facts } = await fetchVerified(ref, { cacheDir, label: ref, kind, verify: probe, policy, fresh: opts.fresh, net: opts.net }));
          } else {
            file = await resolveConfined(ref, planDir, { allowOutside: policy.allowOutsidePaths, roots, owner: 'plan' });
            const stat = await fs.stat(file).catch(() => null);
            if (!stat) throw new StillmotionError(`file not found: ${ref}`);
            if (!stat.isFile()) throw new StillmotionError(`not a file: ${ref}`);
            if (stat.size === 0) throw new StillmotionError(`file is empty: ${ref}`);
            facts = await probe(file);
          }
          if (kind === 'image') images[ref] = { file, ...(facts as ImageFacts) };
          else audio[ref] = { file, ...(facts as AudioFacts) };
        })();
      seen.set(key, job);
      try {
        await job;
      } catch (err) {
        const message = err instanceof StillmotionError ? err.message.replace(`${ref}: `, '') : (err as Error).message;
        problems.push({ path: at, message });
      }
    }),
  );
  if (problems.length) {
    problems.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
    throw new StillmotionError(`Invalid plan ${path.relative(process.cwd(), planPath) || planPath}:`, problems);
  }
  return { plan, planPath: path.resolve(planPath), planDir, images, audio };
}
