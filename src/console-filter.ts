/**
 * Drops chosen messages from a console method, wrapping it once per filter: how the bundle drops
 * Remotion's redundant image-decode warning (remotion/quiet-decode-warning.ts) and render sessions
 * drop its tab-cycling "Target closed" error (src/render/quiet-tab-cycling.ts). Every other call
 * reaches the method unchanged. Pure (browser + Node).
 */
type ConsoleMethod = 'warn' | 'error';

/** Wraps `target[method]` so calls whose arguments `drop` accepts are not made; `mark` names the filter, so a second call changes nothing. */
export function dropConsoleMessages<M extends ConsoleMethod>(target: Pick<Console, M>, method: M, drop: (args: readonly unknown[]) => boolean, mark: string): void {
  const marked = target as unknown as Record<string, unknown>;
  if (marked[mark]) return;
  const original = (target[method] as (...args: unknown[]) => void).bind(target);
  (target as Record<M, (...args: unknown[]) => void>)[method] = (...args: unknown[]) => {
    if (!drop(args)) original(...args);
  };
  marked[mark] = true;
}
