/**
 * Ctrl-C (SIGINT), SIGTERM (`timeout`, `docker stop`, CI cancellation) and SIGHUP stop the command
 * at once: every child process is killed, the temp files being written and this process's scratch
 * folder are removed, one line says so, and the process exits with 128 + the signal's number.
 * All of it is synchronous in the signal handler: waiting for the work in flight to notice an
 * abort is what used to hang (Remotion's own SIGTERM listener closed the browser under a render
 * that then waited forever), and an output renamed into place is complete or not there at all.
 */
import { rmSync, writeSync } from 'node:fs';
import { liveTempFiles } from '../fs/atomic-write';
import { killDescendants } from './descendants';
import type { ScratchDir } from './scratch-dir';

export const RENDER_INTERRUPTED = 'Render interrupted; no partial output was kept.';
export const INTERRUPTED = 'Interrupted; no partial output was kept.';

/** Exit status after each signal: 128 + its number, as shells report it. */
export const INTERRUPT_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

export type InterruptSignal = keyof typeof INTERRUPT_EXIT_CODES;

export interface InterruptHandlers {
  /** The line printed when interrupted (set once the command is known). */
  setMessage(message: string): void;
}

/** Removes every temp file this process is writing (synchronous: for the way out). */
export function removeLiveTempFilesSync(): void {
  for (const file of liveTempFiles()) {
    try {
      rmSync(file, { force: true, recursive: true });
    } catch {
      // The next run's sweep removes it (its pid will be gone).
    }
  }
}

/**
 * Installs the handlers ahead of any listener added later (Remotion adds its own when it opens a
 * browser; they never run, since this one exits).
 */
export function installInterruptHandlers(scratch?: ScratchDir): InterruptHandlers {
  let message = INTERRUPTED;
  let stopping = false;
  const stop = (signal: InterruptSignal): void => {
    if (stopping) return;
    stopping = true;
    // Children first, so nothing writes a temp file again after it is removed.
    killDescendants();
    removeLiveTempFilesSync();
    scratch?.removeSync();
    const tty = Boolean(process.stderr.isTTY);
    // A progress bar may have hidden the cursor and left the line half-drawn.
    writeSync(2, `${tty ? '\x1b[?25h\n' : ''}${message}\n`);
    process.exit(INTERRUPT_EXIT_CODES[signal]);
  };
  for (const signal of Object.keys(INTERRUPT_EXIT_CODES) as InterruptSignal[]) {
    process.prependListener(signal, () => stop(signal));
  }
  return { setMessage: (m) => (message = m) };
}
