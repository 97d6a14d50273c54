/**
 * One output name per plan in a batch, from its path under the folder it was found in:
 * `intro.json` -> `intro`, `launch-day/plan.json` -> `launch-day`, `a/b/story.json` -> `a-b-story`.
 * Names are slugs (`<name>-16x9.mp4`; long ones shortened, see slugify) and unique within the batch
 * (`-2`, `-3` on a clash). A slug has no folders in it, so every output stays inside the batch's folder.
 */
import path from 'node:path';
import { slugify } from '../render/output-name';

export function outputNames(files: string[], roots: Map<string, string>): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const file of files) {
    const rel = path.relative(roots.get(file) ?? path.dirname(file), file).replace(/\.json$/i, '');
    const parts = rel.split(/[\\/]/).filter(Boolean);
    // `<story>/plan.json` is named after its folder.
    if (/^plan$/i.test(parts[parts.length - 1] ?? '')) {
      parts.pop();
      if (!parts.length) parts.push(path.basename(path.dirname(file)));
    }
    const base = slugify(parts.join('-'));
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    names.set(file, name);
  }
  return names;
}
