/**
 * A Markdown article as a story (parsed with marked's lexer):
 *
 *   ---                                  optional YAML front-matter: title, budget, music, sync, ...
 *   budget: 0.5
 *   ---
 *   # Launch Day                         the title (when the front-matter has none)
 *   ## Intro                             each "## " heading starts a section (its id: "intro")
 *   <!-- stillmotion: {duration: 6} -->  optional section settings: id, duration, narration
 *   ![Coffee on the desk](images/coffee.png)   the first image is the section's image
 *   [narration](audio/01-intro.wav)      a link to an audio file is the section's narration
 *   Every launch begins ...              paragraphs, lists and quotes are the section's text
 *
 * Returns the story as plain data plus a line locator, so validation problems name their line.
 */
import { marked, type Token, type Tokens } from 'marked';
import { LineCounter, parseDocument } from 'yaml';
import { StillmotionError } from '../errors';
import { MAX_SECTION_TEXT_CHARS, megabytes } from './schema';
import { lineAt, yamlLocator, type DataPath, type LineLocator, type ParsedStorySource } from './source-locator';

const AUDIO_EXTENSIONS = ['wav', 'mp3', 'ogg', 'oga', 'opus', 'm4a', 'aac', 'flac', 'weba'];
const SECTION_COMMENT = /^<!--\s*stillmotion\s*:([\s\S]*?)-->\s*$/;

function isAudioLink(href: string): boolean {
  const clean = href.split(/[?#]/)[0]!.toLowerCase();
  return AUDIO_EXTENSIONS.some((ext) => clean.endsWith(`.${ext}`));
}

export function slugifyId(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };
const decodeEntities = (s: string): string => s.replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, e: string) => ENTITIES[e]!);

interface SectionDraft {
  title: string;
  line: number;
  textParts: string[];
  textLine?: number;
  image?: { href: string; line: number };
  narration?: { href: string; line: number };
  settings?: { values: Record<string, unknown>; line: number };
}

/** Plain text of inline tokens: images and audio links dropped, other links kept as their text. */
function inlineText(tokens: Token[] | undefined, found: (t: Tokens.Image | Tokens.Link) => void): string {
  if (!tokens) return '';
  let out = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'image':
        found(t as Tokens.Image);
        break;
      case 'link':
        found(t as Tokens.Link);
        if (!isAudioLink((t as Tokens.Link).href)) out += inlineText((t as Tokens.Link).tokens, found);
        break;
      case 'br':
        out += ' ';
        break;
      case 'html':
        break;
      case 'text':
      case 'strong':
      case 'em':
      case 'del':
        out += 'tokens' in t && t.tokens?.length ? inlineText(t.tokens, found) : decodeEntities((t as Tokens.Text).text);
        break;
      case 'codespan':
      case 'escape':
        out += decodeEntities((t as Tokens.Codespan).text);
        break;
      default:
        if ('tokens' in t && Array.isArray(t.tokens)) out += inlineText(t.tokens as Token[], found);
        else if ('text' in t && typeof t.text === 'string') out += decodeEntities(t.text);
    }
  }
  return out;
}

/** Text blocks of a block token (paragraphs, list items, quotes, sub-headings); code and tables are skipped. */
function blockTexts(token: Token, found: (t: Tokens.Image | Tokens.Link) => void): string[] {
  switch (token.type) {
    case 'paragraph':
    case 'heading':
    case 'text':
      return [inlineText((token as Tokens.Paragraph).tokens, found)];
    case 'list':
      return (token as Tokens.List).items.flatMap((item) => item.tokens.flatMap((t) => blockTexts(t, found)));
    case 'blockquote':
      return (token as Tokens.Blockquote).tokens.flatMap((t) => blockTexts(t, found));
    default:
      return [];
  }
}

function splitFrontMatter(text: string, label: string): { yaml: string | null; body: string; bodyLine: number } {
  const m = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!m) {
    if (/^---[ \t]*\n/.test(text)) throw new StillmotionError(`${label}:1: front-matter is not closed: add a "---" line after it`);
    return { yaml: null, body: text, bodyLine: 1 };
  }
  const consumed = m[0].length;
  return { yaml: m[1]!, body: text.slice(consumed), bodyLine: lineAt(text, consumed) };
}

/**
 * A paragraph longer than a section's text may be is refused before the Markdown parser sees it
 * (it overflows the stack on paragraphs of ~8-10 MB), naming its line and section.
 */
function refuseHugeParagraphs(body: string, bodyLine: number, label: string): void {
  const blank = /\n[ \t]*\n/g;
  let start = 0;
  for (;;) {
    const m = blank.exec(body);
    const end = m ? m.index : body.length;
    if (end - start > MAX_SECTION_TEXT_CHARS) {
      const heading = body.lastIndexOf('\n## ', start);
      const title = heading >= 0 || body.startsWith('## ') ? body.slice(heading + 1, body.indexOf('\n', heading + 1)).replace(/^##\s*/, '').trim() : null;
      throw new StillmotionError(
        `${label}:${bodyLine + lineAt(body, start) - 1}: ${title ? `section "${title}": ` : ''}a paragraph of ${megabytes(end - start)}: a section's text may be at most ${megabytes(MAX_SECTION_TEXT_CHARS)}; split it into sections`,
      );
    }
    if (!m) return;
    start = m.index + m[0].length;
  }
}

export function parseMarkdownStory(source: string, label: string): ParsedStorySource {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const { yaml, body, bodyLine } = splitFrontMatter(text, label);

  // Front-matter: YAML, lines counted from line 2 of the file.
  let settings: Record<string, unknown> = {};
  let locateSettings: LineLocator = () => undefined;
  if (yaml !== null) {
    const counter = new LineCounter();
    const doc = parseDocument(yaml, { lineCounter: counter, prettyErrors: false });
    const err = doc.errors[0];
    if (err) {
      const line = counter.linePos(err.pos[0]).line + 1;
      throw new StillmotionError(`${label}:${line}: front-matter is not valid YAML: ${err.message.split('\n')[0]}`);
    }
    const value = doc.toJS() as unknown;
    if (value !== null && value !== undefined) {
      if (typeof value !== 'object' || Array.isArray(value)) throw new StillmotionError(`${label}:2: front-matter must be a mapping of settings (title, budget, music ...)`);
      settings = value as Record<string, unknown>;
    }
    if ('sections' in settings) {
      const line = yamlLocator(doc, counter, 1)(['sections'], { key: true }) ?? 2;
      throw new StillmotionError(`${label}:${line}: front-matter: "sections" is not allowed here: each "## " heading starts a section`);
    }
    locateSettings = yamlLocator(doc, counter, 1);
  }

  // Body: "# " gives the title, each "## " starts a section.
  refuseHugeParagraphs(body, bodyLine, label);
  const tokens = marked.lexer(body);
  let offset = 0;
  // Lines counted as the tokens advance (counting from the top for each token is quadratic).
  let counted = 0;
  let countedLine = 1;
  let h1: string | undefined;
  const drafts: SectionDraft[] = [];
  for (const token of tokens) {
    const at = body.indexOf(token.raw, offset);
    const start = at >= 0 ? at : offset;
    offset = start + token.raw.length;
    countedLine += lineAt(body.slice(counted, Math.max(counted, start)), Infinity) - 1;
    counted = Math.max(counted, start);
    const line = bodyLine + countedLine - 1;
    const current = drafts[drafts.length - 1];
    if (token.type === 'heading' && (token as Tokens.Heading).depth <= 2) {
      const h = token as Tokens.Heading;
      const title = inlineText(h.tokens, () => undefined).trim();
      if (h.depth === 1) {
        if (h1 === undefined && !drafts.length) h1 = title;
        continue;
      }
      drafts.push({ title, line, textParts: [] });
      continue;
    }
    if (!current) continue; // text before the first section: an introduction, not part of the video
    if (token.type === 'html') {
      const m = SECTION_COMMENT.exec((token as Tokens.HTML).text.trim());
      if (!m) continue;
      if (current.settings) throw new StillmotionError(`${label}:${line}: section "${current.title}" has more than one stillmotion comment`);
      const doc = parseDocument(m[1]!.trim() || '{}', { prettyErrors: false });
      if (doc.errors[0]) throw new StillmotionError(`${label}:${line}: stillmotion comment is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
      const values = doc.toJS() as unknown;
      if (typeof values !== 'object' || values === null || Array.isArray(values)) {
        throw new StillmotionError(`${label}:${line}: stillmotion comment must hold settings such as {id: intro, duration: 6}`);
      }
      current.settings = { values: values as Record<string, unknown>, line };
      continue;
    }
    const found = (t: Tokens.Image | Tokens.Link): void => {
      const inner = token.raw.indexOf(t.raw);
      const at2 = inner >= 0 ? line + lineAt(token.raw, inner) - 1 : line;
      if (t.type === 'image') current.image ??= { href: t.href, line: at2 };
      else if (isAudioLink(t.href)) current.narration ??= { href: t.href, line: at2 };
    };
    for (const part of blockTexts(token, found)) {
      const clean = part
        .replace(/\p{Extended_Pictographic}\uFE0F?/gu, '')
        .replace(/\s+/g, ' ')
        .replace(/\s+([.,;:!?])/g, '$1')
        .trim();
      if (!clean) continue;
      current.textLine ??= line;
      current.textParts.push(clean);
    }
  }
  if (!drafts.length) throw new StillmotionError(`${label}: no sections: each "## " heading starts a section (its first image is the section's image)`);

  // Sections as data, with the line of every field.
  const lines = new Map<string, number>();
  const sections = drafts.map((d, i) => {
    const s: Record<string, unknown> = { title: d.title };
    const at = (field: string, line: number): void => void lines.set(`${i}.${field}`, line);
    lines.set(`${i}`, d.line);
    at('title', d.line);
    if (d.image) {
      s.image = d.image.href;
      at('image', d.image.line);
    }
    if (d.narration) {
      s.narration = d.narration.href;
      at('narration', d.narration.line);
    }
    if (d.textParts.length) {
      s.text = d.textParts.join(' ');
      at('text', d.textLine ?? d.line);
    }
    if (d.settings) {
      for (const [k, v] of Object.entries(d.settings.values)) {
        s[k] = v;
        at(k, d.settings.line);
      }
    }
    return s;
  });

  const data: Record<string, unknown> = { ...settings, sections };
  if (data.title === undefined && h1) data.title = h1;
  const locate: LineLocator = (path: DataPath, opts) => {
    if (path[0] === 'sections' && typeof path[1] === 'number') {
      const i = path[1];
      if (path.length >= 3) return lines.get(`${i}.${String(path[2])}`) ?? lines.get(`${i}`);
      return lines.get(`${i}`);
    }
    if (path[0] === 'sections') return bodyLine;
    return locateSettings(path, opts) ?? 1;
  };
  return { data, locate };
}
