/** The `stillmotion` command line. Each command lives in ./commands/<name>.ts and registers itself. */
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
import { register as registerValidate } from './commands/validate';
import { reportError } from './output';

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
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      reportError(err);
      process.exitCode = 1;
    });
}
