/** The `stillmotion` command line. Each command lives in ./commands/<name>.ts and registers itself. */
import os from 'node:os';
import { Command } from 'commander';
import { register as registerAnalyzeAudio } from './commands/analyze-audio';
import { register as registerBatch } from './commands/batch';
import { register as registerCache } from './commands/cache';
import { register as registerClips } from './commands/clips';
import { register as registerDepth } from './commands/depth';
import { register as registerFocus } from './commands/focus';
import { register as registerLambda } from './commands/lambda';
import { register as registerLayers } from './commands/layers';
import { register as registerMake } from './commands/make';
import { register as registerPlan } from './commands/plan';
import { register as registerRender } from './commands/render';
import { register as registerSchema } from './commands/schema';
import { register as registerStudio } from './commands/studio';
import { register as registerValidate } from './commands/validate';
import { installInterruptHandlers, RENDER_INTERRUPTED } from '../process/interrupt';
import { sweepDeadScratchDirs, useScratchDir } from '../process/scratch-dir';
import { STUDIO_STOPPED } from '../studio/studio-session';
import { reportError } from './output';

/** Commands whose interruption is reported as a render's. */
const RENDERING_COMMANDS = new Set(['render', 'make', 'batch']);

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('stillmotion')
    .description('Turn still images into video: motion plans rendered by Remotion in 16:9, 9:16 and 1:1')
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true });
  for (const register of [
    registerMake,
    registerPlan,
    registerRender,
    registerBatch,
    registerStudio,
    registerLambda,
    registerValidate,
    registerSchema,
    registerAnalyzeAudio,
    registerDepth,
    registerLayers,
    registerFocus,
    registerClips,
    registerCache,
  ]) {
    register(program);
  }
  return program;
}

const isMain = process.argv[1] && /stillmotion(\.mjs)?$|cli[\\/]main\.ts$/.test(process.argv[1]);
if (isMain) {
  // Before any work: temp files go to a folder of this process's own, and signals stop everything.
  const tmpRoot = os.tmpdir();
  const interrupt = installInterruptHandlers(useScratchDir(tmpRoot));
  await sweepDeadScratchDirs(tmpRoot);
  const program = buildProgram();
  program.hook('preAction', (_program, command) => {
    if (RENDERING_COMMANDS.has(command.name())) interrupt.setMessage(RENDER_INTERRUPTED);
    if (command.name() === 'studio') interrupt.setMessage(STUDIO_STOPPED);
  });
  // After a signal, how the command ended is the interruption's to report.
  program.parseAsync(process.argv).then(
    () => interrupt.settled(),
    (err: unknown) => {
      if (interrupt.settled()) return;
      reportError(err);
      process.exitCode = 1;
    },
  );
}
