/**
 * Ctrl-C (SIGINT), SIGTERM (`timeout`, `docker stop`, CI cancellation) and SIGHUP stop a command
 * within seconds, whatever it is doing:
 *  1. every child process (Chromium, ffmpeg, encoders) is killed at once, so nothing local keeps
 *     rendering or writing;
 *  2. the command is told (interruptSignal(), and its own SIGINT listeners, which SIGTERM and
 *     SIGHUP are handed to as well), so it can cancel remote work it started (provider tasks,
 *     Lambda renders) and unwind;
 *  3. when the command has unwound, or after GRACE_MS at the latest, the temp files being written
 *     and this process's scratch folder are removed, one line says so, and the process exits with
 *     128 + the signal's number. A second signal skips the wait.
 * The deadline is what makes this hold: waiting on the work in flight is what used to hang
 * (Remotion's own SIGTERM listener closed the browser under a render that then waited forever).
 * An output renamed into place is complete; anything else is removed.
 */
import { rmSync, writeSync } from 'node:fs';
import { liveTempFiles } from '../fs/atomic-write';
import { killDescendants } from './descendants';
import type { ScratchDir } from './scratch-dir';

export const RENDER_INTERRUPTED = 'Render interrupted; no partial output was kept.';
const INTERRUPTED = 'Interrupted; no partial output was kept.';

/** Exit status after each signal: 128 + its number, as shells report it. */
export const INTERRUPT_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

export type InterruptSignal = keyof typeof INTERRUPT_EXIT_CODES;

const SIGNALS = Object.keys(INTERRUPT_EXIT_CODES) as InterruptSignal[];

/** The longest a command is given to cancel remote work and unwind after a signal. */
export const GRACE_MS = 3000;

const controller = new AbortController();
let installed = false;

/** Aborted when the process receives SIGINT, SIGTERM or SIGHUP (CLI only: never aborted in library use). */
export function interruptSignal(): AbortSignal {
  return controller.signal;
}

/** Removes every temp file this process is writing (synchronous: for the way out). */
function removeLiveTempFilesSync(): void {
  for (const file of liveTempFiles()) {
    try {
      rmSync(file, { force: true, recursive: true });
    } catch {
      // The next run's sweep removes it (its pid will be gone).
    }
  }
}

/**
 * Runs `open` (something that adds signal listeners of its own: Remotion's openBrowser adds
 * SIGINT, SIGTERM and SIGHUP listeners that kill the browser, and for SIGINT exit at once) and,
 * when this process's interrupt handlers are installed, removes the listeners it added: the
 * handlers here stop the browser with everything else, and a listener that exits the process on
 * its own would cut short the cancelling of remote work.
 */
export async function withoutForeignSignalListeners<T>(open: () => Promise<T>): Promise<T> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  try {
    return await open();
  } finally {
    if (installed) {
      for (const s of SIGNALS) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l as () => void);
    }
  }
}

export interface InterruptHandlers {
  /** The line printed when interrupted (set once the command is known). */
  setMessage(message: string): void;
  /**
   * Call when the command has finished, however it finished. Returns false when no signal came;
   * otherwise completes the interruption (cleans up, prints the line, exits) and does not return.
   */
  settled(): boolean;
}

/**
 * Installs the handlers ahead of every listener added later. `scratch`: this process's scratch
 * folder, removed on the way out.
 */
export function installInterruptHandlers(scratch?: ScratchDir, graceMs = GRACE_MS): InterruptHandlers {
  let message = INTERRUPTED;
  let received: InterruptSignal | null = null;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    // Children first, so nothing writes a temp file again after it is removed.
    killDescendants();
    removeLiveTempFilesSync();
    scratch?.removeSync();
    // A progress bar may have hidden the cursor and left its line half-drawn.
    writeSync(2, `${process.stderr.isTTY ? '\x1b[?25h\n' : ''}${message}\n`);
  };
  const exit = (): never => {
    finish();
    process.exit(INTERRUPT_EXIT_CODES[received!]);
  };
  const listeners = new Map<InterruptSignal, () => void>();
  const onSignal = (signal: InterruptSignal): void => {
    if (received) exit(); // a second signal: stop waiting
    received = signal;
    killDescendants(0);
    controller.abort(new Error(message));
    // Commands cancel their work on SIGINT; SIGTERM and SIGHUP ask them the same.
    if (signal !== 'SIGINT') {
      for (const l of process.listeners('SIGINT')) if (l !== listeners.get('SIGINT')) (l as (s: string) => void)('SIGINT');
    }
    setTimeout(exit, graceMs);
  };
  for (const signal of SIGNALS) {
    const l = (): void => onSignal(signal);
    listeners.set(signal, l);
    process.prependListener(signal, l);
  }
  // Whatever ends the process after a signal (a listener that calls process.exit) still cleans up.
  process.on('exit', () => {
    if (!received) return;
    finish();
    process.exitCode = INTERRUPT_EXIT_CODES[received];
  });
  installed = true;
  return {
    setMessage: (m) => (message = m),
    settled: () => (received ? exit() : false),
  };
}
