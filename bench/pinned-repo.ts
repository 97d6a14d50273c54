/**
 * Files of public repositories at pinned commits, for the benches that build their real-material
 * sets (depth photos and the FastDepth model, real speech). A repository is looked for as a clone
 * in `$<envVar>/<owner>+<name>` (or a mirror of that name), and read with `git show`, so a set is
 * always exactly the pinned commit's files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where `repo` may be found: `$<envVar>/<owner>+<name>` (a clone), or a mirror of that name. */
function repoDirs(repo: string, envVar: string): string[] {
  const flat = repo.replace('/', '+');
  const roots = [process.env[envVar], '/work/.mirror'].filter((r): r is string => Boolean(r));
  return roots.flatMap((r) => [path.join(r, flat), path.join(r, flat, 'repo')]);
}

/** `file` of `repo` at `commit`; the error says how to make it available (clone into `$<envVar>`). */
export function gitShow(repo: string, commit: string, file: string, envVar: string): Buffer {
  for (const dir of repoDirs(repo, envVar)) {
    if (!existsSync(dir)) continue;
    try {
      return execFileSync('git', ['-C', dir, 'show', `${commit}:${file}`], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      /* try the next location */
    }
  }
  throw new Error(
    `${repo} at ${commit.slice(0, 10)} is not available here: clone it (git clone https://github.com/${repo} "$${envVar}/${repo.replace('/', '+')}") and run again`,
  );
}
