/**
 * Reads a story file (Markdown, JSON or YAML), validates it and resolves its files. Every problem
 * names the file, line and field: `story.md:14: sections[2].image: file not found: images/x.png`.
 * Relative image and audio paths are resolved against the story file's folder and must stay inside
 * it (unless the input policy allows otherwise: a story may come from someone else).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StillmotionError, type InputProblem } from '../errors';
import { isUrl } from '../media/fetch-remote';
import { resolveInputPolicy, type InputPolicy } from '../net/input-policy';
import { resolveConfined } from '../plan/confine-path';
import { formatPath, zodProblems } from '../plan/format-issues';
import { duplicateIdProblems } from '../plan/schema';
import { parseMarkdownStory, slugifyId } from './markdown-story';
import { STORY_SETTING_KEYS, storySchema, type StorySettings } from './schema';
import type { LineLocator, ParsedStorySource } from './source-locator';
import { parseJsonStory, parseYamlStory } from './structured-story';

/** A file the story refers to: as written, and where it is (absolute path, or the URL). */
export interface MediaRef {
  ref: string;
  file: string;
}

export interface StorySection {
  id: string;
  title?: string;
  text: string;
  image: MediaRef;
  narration?: MediaRef;
  duration?: number;
}

export interface Story {
  /** Absolute path of the story file. */
  path: string;
  /** The path as the user gave it (for messages). */
  label: string;
  dir: string;
  title: string;
  /** Plan-level settings as written; `music.file` is absolute. */
  settings: StorySettings;
  sections: StorySection[];
  /** `story.md:14` for a data path such as ['sections', 2, 'image']. */
  where(dataPath: readonly PropertyKey[]): string;
}

export type StoryFormat = 'markdown' | 'json' | 'yaml';

function storyFormatOf(file: string): StoryFormat | null {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return null;
}

/** `sections[2].image` -> ['sections', 2, 'image']. */
function parseProblemPath(p: string): PropertyKey[] {
  if (p === '(plan)' || !p) return [];
  const out: PropertyKey[] = [];
  for (const m of p.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/** Problems in file order (`story.md:3: ...` before `story.md:12: ...`). */
export function sortByLine(problems: InputProblem[]): InputProblem[] {
  const line = (p: InputProblem): number => Number(/:(\d+): /.exec(p.path)?.[1] ?? 0);
  return [...problems].sort((a, b) => line(a) - line(b) || a.path.localeCompare(b.path, 'en', { numeric: true }));
}

function locationLabel(label: string, locate: LineLocator, dataPath: readonly PropertyKey[], key = false): string {
  const line = locate(dataPath, { key });
  return line ? `${label}:${line}` : label;
}

function parseStorySource(text: string, label: string, format: StoryFormat): ParsedStorySource {
  if (format === 'markdown') return parseMarkdownStory(text, label);
  if (format === 'json') return parseJsonStory(text, label);
  return parseYamlStory(text, label);
}

export interface LoadStoryOptions {
  /** Whether the story's paths may leave its folder (default: from the environment). */
  policy?: Partial<Pick<InputPolicy, 'allowOutsidePaths'>>;
}

export async function loadStory(storyPath: string, opts: LoadStoryOptions = {}): Promise<Story> {
  const label = storyPath;
  const absolute = path.resolve(storyPath);
  const format = storyFormatOf(absolute);
  if (!format) throw new StillmotionError(`${label}: unknown story format "${path.extname(absolute) || '(none)'}": use .md (Markdown), .json or .yaml`);
  let text: string;
  try {
    text = await fs.readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StillmotionError(`${label}: ${code === 'ENOENT' ? 'story file not found' : code === 'EISDIR' ? 'is a folder, not a story file' : `cannot read story: ${(err as Error).message}`}`);
  }
  const source = parseStorySource(text, label, format);
  return storyFromSource(source, absolute, label, opts);
}

/** Validates parsed story data and resolves its files (which must exist). */
async function storyFromSource(source: ParsedStorySource, absolute: string, label: string, opts: LoadStoryOptions = {}): Promise<Story> {
  const where = (dataPath: readonly PropertyKey[], key = false): string => locationLabel(label, source.locate, dataPath, key);
  const result = storySchema.safeParse(source.data);
  if (!result.success) {
    const problems: InputProblem[] = zodProblems(result.error).map((p) => {
      const dataPath = parseProblemPath(p.path);
      const unknown = /^Unrecognized keys?: "([^"]+)"/.exec(p.message);
      const at = unknown ? where([...dataPath, unknown[1]!], true) : where(dataPath);
      const field = unknown ? [...dataPath, unknown[1]!] : dataPath;
      const name = field.length ? formatPath(field) : '(story)';
      const message = unknown ? `unknown field${/keys/.test(p.message) ? 's' : ''} ${p.message.replace(/^Unrecognized keys?: /, '')}` : p.message;
      return { path: `${at}: ${name}`, message };
    });
    // zod skips the duplicate-id check when other fields fail: report it anyway.
    for (const d of duplicateIdProblems(source.data)) {
      const at = `${where(d.path)}: ${formatPath(d.path)}`;
      if (!problems.some((p) => p.path === at && p.message === d.message)) problems.push({ path: at, message: d.message });
    }
    throw new StillmotionError(`Invalid story ${label}:`, sortByLine(problems));
  }
  const data = result.data;
  const dir = path.dirname(absolute);
  const problems: InputProblem[] = [];
  const allowOutside = opts.policy?.allowOutsidePaths ?? resolveInputPolicy().allowOutsidePaths;
  const resolveRef = async (ref: string, dataPath: PropertyKey[], kind: string): Promise<MediaRef> => {
    if (isUrl(ref)) return { ref, file: ref };
    const at = `${where(dataPath)}: ${formatPath(dataPath)}`;
    let file: string;
    try {
      file = await resolveConfined(ref, dir, { allowOutside, owner: 'story' });
    } catch (err) {
      problems.push({ path: at, message: (err as Error).message });
      return { ref, file: path.resolve(dir, ref) };
    }
    const stat = await fs.stat(file).catch(() => null);
    if (!stat) problems.push({ path: at, message: `${kind} file not found: ${ref}` });
    else if (!stat.isFile()) problems.push({ path: at, message: `not a file: ${ref}` });
    else if (stat.size === 0) problems.push({ path: at, message: `${kind} file is empty: ${ref}` });
    return { ref, file };
  };

  const sections: StorySection[] = [];
  // Ids written in the story are kept; the others come from titles, made unique.
  const used = new Set<string>(data.sections.flatMap((s) => (s.id ? [s.id] : [])));
  for (const [i, s] of data.sections.entries()) {
    let id = s.id;
    if (!id) {
      const base = (s.title ? slugifyId(s.title) : '') || `section-${i + 1}`;
      id = base;
      for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
      used.add(id);
    }
    const image = await resolveRef(s.image, ['sections', i, 'image'], 'image');
    const narration = s.narration ? await resolveRef(s.narration, ['sections', i, 'narration'], 'narration') : undefined;
    sections.push({
      id,
      ...(s.title ? { title: s.title } : {}),
      text: (s.text ?? '').trim(),
      image,
      ...(narration ? { narration } : {}),
      ...(s.duration !== undefined ? { duration: s.duration } : {}),
    });
  }

  // Settings exactly as written (validated above), with the music file resolved.
  const raw = source.data;
  const settings: StorySettings = {};
  for (const key of STORY_SETTING_KEYS) if (raw[key] !== undefined) (settings as Record<string, unknown>)[key] = structuredClone(raw[key]);
  if (settings.music) {
    const ref = await resolveRef(settings.music.file, ['music', 'file'], 'music');
    settings.music = { ...settings.music, file: ref.file };
  }
  if (problems.length) throw new StillmotionError(`Invalid story ${label}:`, sortByLine(problems));
  const title = settings.title ?? (path.basename(absolute, path.extname(absolute)).replace(/[-_]+/g, ' ').trim() || 'Story');
  return { path: absolute, label, dir, title, settings, sections, where: (p) => where(p) };
}
