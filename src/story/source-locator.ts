/**
 * Line numbers for data paths (`sections[2].image` -> line 14) in JSON and YAML story files, so
 * every problem names the line it is on. A path that does not exist (a missing field) is placed
 * on its deepest existing parent.
 */
import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

export type DataPath = readonly PropertyKey[];
/** 1-based line of the value at `path` (or of the key, for `key: true`), undefined when unknown. */
export type LineLocator = (path: DataPath, opts?: { key?: boolean }) => number | undefined;

/** A story file read into plain data, with the line of each field. */
export interface ParsedStorySource {
  data: Record<string, unknown>;
  locate: LineLocator;
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function jsonLocator(text: string): LineLocator {
  const root = parseTree(text);
  return (path, opts = {}) => {
    if (!root) return undefined;
    for (let n = path.length; n >= 0; n--) {
      const segs = path.slice(0, n).map((p) => (typeof p === 'number' ? p : String(p)));
      const node: JsonNode | undefined = findNodeAtLocation(root, segs);
      if (!node) continue;
      // The key of a property, when asked for (or when the value is on a later line).
      const keyNode = n === path.length && opts.key && node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
      return lineAt(text, (keyNode ?? node).offset);
    }
    return undefined;
  };
}

/** `lineOffset`: lines before the YAML text in its file (Markdown front-matter). */
export function yamlLocator(doc: Document, counter: LineCounter, lineOffset = 0): LineLocator {
  const lineOf = (range: readonly number[] | null | undefined): number | undefined =>
    range ? counter.linePos(range[0]!).line + lineOffset : undefined;
  return (path, opts = {}) => {
    let node: unknown = doc.contents;
    let best = lineOf((doc.contents as { range?: number[] } | null)?.range);
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return best;
        const keyLine = lineOf((pair.key as { range?: number[] }).range);
        if (last && opts.key) return keyLine ?? best;
        node = pair.value;
        best = lineOf((pair.value as { range?: number[] } | null)?.range) ?? keyLine ?? best;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) return best;
        node = item;
        best = lineOf((item as { range?: number[] }).range) ?? best;
      } else {
        return best;
      }
    }
    return best;
  };
}
