/**
 * JSON and YAML stories: the story schema written out directly
 * (`{title, budget, music, sections: [{id, text, image, narration, duration}]}`).
 * Syntax errors name their line and column.
 */
import { LineCounter, parseDocument } from 'yaml';
import { StillmotionError } from '../errors';
import { parseJsonWithPosition } from '../plan/load-plan';
import { jsonLocator, yamlLocator, type ParsedStorySource } from './source-locator';

function asMapping(value: unknown, label: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StillmotionError(`${label}:1: a story must be an object with "sections" (and optional settings such as title, budget, music)`);
  }
  return value as Record<string, unknown>;
}

export function parseJsonStory(text: string, label: string): ParsedStorySource {
  const clean = text.replace(/^\uFEFF/, '');
  const data = asMapping(parseJsonWithPosition(clean, label), label);
  return { data, locate: jsonLocator(clean) };
}

export function parseYamlStory(text: string, label: string): ParsedStorySource {
  const clean = text.replace(/^\uFEFF/, '');
  const counter = new LineCounter();
  const doc = parseDocument(clean, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = counter.linePos(err.pos[0]);
    throw new StillmotionError(`${label}:${pos.line}:${pos.col}: invalid YAML: ${err.message.split('\n')[0]}`);
  }
  const data = asMapping(doc.toJS() as unknown, label);
  return { data, locate: yamlLocator(doc, counter) };
}
