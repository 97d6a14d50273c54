/**
 * Remotion CLI and Studio configuration (`npm run studio`). The Node renderer (`stillmotion render`)
 * passes its options explicitly and does not read this file.
 */
import { Config } from '@remotion/cli/config';

Config.setEntryPoint('remotion/index.ts');
// Studio opens the example plan; its files (images/, audio/) are served from here.
Config.setPublicDir(process.env.STILLMOTION_PUBLIC_DIR ?? 'examples/launch-day');
Config.setVideoImageFormat('jpeg');
Config.setChromiumOpenGlRenderer('angle');
Config.setCodec('h264');
if (process.env.REMOTION_BROWSER_EXECUTABLE) Config.setBrowserExecutable(process.env.REMOTION_BROWSER_EXECUTABLE);
