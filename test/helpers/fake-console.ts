/** A console with one method that records its calls instead of printing (for the console filters' tests). */
export function fakeConsole<M extends 'warn' | 'error'>(method: M): Record<M, (...a: unknown[]) => void> & { seen: unknown[][] } {
  const seen: unknown[][] = [];
  return { seen, [method]: (...a: unknown[]) => void seen.push(a) } as Record<M, (...a: unknown[]) => void> & { seen: unknown[][] };
}
