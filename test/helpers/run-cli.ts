/** Runs the `stillmotion` CLI in this process (so loopback servers and env apply), capturing its output. */
import { vi } from 'vitest';
import { buildProgram } from '../../src/cli/main';

export interface CliRun {
  stdout: string;
  stderr: string;
  /** What the command threw, or null. */
  error: unknown;
}

export async function runCliInProcess(args: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    stdout.push(String(c));
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    stderr.push(String(c));
    return true;
  });
  let error: unknown = null;
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'stillmotion', ...args]);
  } catch (err) {
    error = err;
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  return { stdout: stdout.join(''), stderr: stderr.join(''), error };
}
