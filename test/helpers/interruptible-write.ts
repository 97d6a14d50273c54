/**
 * A stand-in for a command caught mid-write, run as its own process by the signal tests: the
 * CLI's interrupt handlers and scratch folder, a child process (`sleep` stands in for Remotion's
 * ffmpeg), and an atomic write into argv[2] whose producer never finishes on its own. With argv[3]
 * "cooperative" the producer gives up when interrupted and the command settles; with "stuck" it
 * ignores the interruption (the hang the deadline is for). Prints the child's pid, the temp file
 * and the scratch folder once all are in place.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { liveTempFiles, produceAtomic } from '../../src/fs/atomic-write';
import { installInterruptHandlers, interruptSignal, RENDER_INTERRUPTED } from '../../src/process/interrupt';
import { useScratchDir } from '../../src/process/scratch-dir';

const handlers = installInterruptHandlers(useScratchDir());
handlers.setMessage(RENDER_INTERRUPTED);
const cooperative = process.argv[3] === 'cooperative';
const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
await fs.writeFile(`${os.tmpdir()}/working-file`, 'scratch');
try {
  await produceAtomic(process.argv[2]!, async (tmp) => {
    await fs.writeFile(tmp, 'half a video');
    process.stdout.write(`${child.pid} ${[...liveTempFiles()][0]} ${os.tmpdir()}\n`);
    await new Promise((_, reject) => {
      if (cooperative) interruptSignal().addEventListener('abort', () => reject(interruptSignal().reason));
    });
  });
} finally {
  handlers.settled();
}
