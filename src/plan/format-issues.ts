/** Turns zod issues into `sections[2].image: message` problems. Pure module. */
import type { z } from 'zod';
import type { InputProblem } from '../errors';

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(plan)';
}

type Issue = z.core.$ZodIssue;

/** A union branch that failed on the value's basic shape (e.g. a string where an object was given) says little. */
function isShapeMismatch(branch: Issue[]): boolean {
  return branch.length > 0 && branch.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));
}

function collect(issues: readonly Issue[], prefix: readonly PropertyKey[], out: InputProblem[]): void {
  for (const issue of issues) {
    const at = [...prefix, ...issue.path];
    // A union reports every branch: show the branch closest to what was written.
    if (issue.code === 'invalid_union' && issue.errors.length) {
      const informative = issue.errors.filter((b) => !isShapeMismatch(b));
      if (informative.length) {
        const best = informative.reduce((a, b) => (b.length < a.length ? b : a));
        collect(best, at, out);
        continue;
      }
    }
    out.push({ path: formatPath(at), message: issue.message });
  }
}

export function zodProblems(error: z.ZodError): InputProblem[] {
  const out: InputProblem[] = [];
  collect(error.issues, [], out);
  return out;
}
