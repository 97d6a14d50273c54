/** One problem with user input, located by a path such as `sections[2].image` or a file name. */
export interface InputProblem {
  path: string;
  message: string;
}

/**
 * An error caused by the user's input (plan, story, media file, provider answer, budget).
 * The CLI prints its message without a stack trace and exits non-zero.
 */
export class StillmotionError extends Error {
  readonly problems: InputProblem[];

  constructor(message: string, problems: InputProblem[] = []) {
    super(problems.length ? `${message}\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}` : message);
    this.name = 'StillmotionError';
    this.problems = problems;
  }
}

export function formatProblem(p: InputProblem): string {
  return p.path ? `${p.path}: ${p.message}` : p.message;
}
