/**
 * `whisper-cpp` (optional): a whisper.cpp the user installed with @remotion/install-whisper-cpp
 * (installWhisperCpp + downloadWhisperModel), run through its transcribe() with token-level
 * timestamps and turned into captions with its toCaptions(). Where it lives, the model and the
 * version come from options or STILLMOTION_WHISPER_CPP_PATH / _MODEL / _VERSION. whisper.cpp reads
 * 16 kHz WAV: the narration is converted with Remotion's ffmpeg first.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toCaptions, transcribe } from '@remotion/install-whisper-cpp';
import { StillmotionError } from '../../errors';
import { firstLine } from '../../media/ffprobe';
import { runFf } from '../../media/ffmpeg';
import type { TimingRequest, WordTimer, WordTimings } from './types';

type WhisperModel = Parameters<typeof transcribe>[0]['model'];
const MODELS: readonly WhisperModel[] = ['tiny', 'tiny.en', 'base', 'base.en', 'small', 'small.en', 'medium', 'medium.en', 'large-v1', 'large-v2', 'large-v3', 'large-v3-turbo'];
export const DEFAULT_WHISPER_MODEL: WhisperModel = 'medium.en';
export const DEFAULT_WHISPER_VERSION = '1.5.5';

export interface WhisperCppOptions {
  /** The folder installWhisperCpp() installed into (default: STILLMOTION_WHISPER_CPP_PATH). */
  whisperPath?: string;
  model?: string;
  version?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The executable installWhisperCpp() builds (the package does not export its own lookup): from
 * 1.7.4 on `build/bin/whisper-cli`, before that `main`, in the install folder.
 */
function whisperExecutable(dir: string, version: string): string {
  const [a = 0, b = 0, c = 0] = version.split('.').map(Number);
  const newer = a * 1e6 + b * 1e3 + c >= 1_007_004;
  const bin = `${newer ? 'whisper-cli' : 'main'}${process.platform === 'win32' ? '.exe' : ''}`;
  return path.join(path.resolve(dir), ...(newer ? ['build', 'bin'] : []), bin);
}

function installHint(to: string, model: string, version: string): string {
  return (
    `install it once (it downloads whisper.cpp and the model, then builds it): ` +
    `node -e "const w = require('@remotion/install-whisper-cpp'); w.installWhisperCpp({to: '${to}', version: '${version}'}).then(() => w.downloadWhisperModel({folder: '${to}', model: '${model}'}))" ` +
    `and set STILLMOTION_WHISPER_CPP_PATH=${to} (STILLMOTION_WHISPER_CPP_MODEL=${model}, STILLMOTION_WHISPER_CPP_VERSION=${version}); or use captions source align or openai`
  );
}

/** Where whisper.cpp and its model should be, and whether they are: null when ready, else why not and how to install. */
export function whisperCppProblem(opts: WhisperCppOptions = {}): string | null {
  const env = opts.env ?? process.env;
  const dir = opts.whisperPath ?? env.STILLMOTION_WHISPER_CPP_PATH;
  const model = opts.model ?? env.STILLMOTION_WHISPER_CPP_MODEL ?? DEFAULT_WHISPER_MODEL;
  const version = opts.version ?? env.STILLMOTION_WHISPER_CPP_VERSION ?? DEFAULT_WHISPER_VERSION;
  const suggested = dir ?? path.join(os.homedir(), '.stillmotion', 'whisper.cpp');
  if (!MODELS.includes(model as WhisperModel)) return `captions (whisper-cpp): unknown model "${model}" (STILLMOTION_WHISPER_CPP_MODEL): one of ${MODELS.join(', ')}`;
  if (!dir) return `captions (whisper-cpp): no whisper.cpp configured (STILLMOTION_WHISPER_CPP_PATH is not set); ${installHint(suggested, model, version)}`;
  const exe = whisperExecutable(dir, version);
  if (!existsSync(exe)) return `captions (whisper-cpp): whisper.cpp ${version} is not installed at ${dir} (no ${exe}); ${installHint(suggested, model, version)}`;
  const modelFile = path.join(path.resolve(dir), `ggml-${model}.bin`);
  if (!existsSync(modelFile)) return `captions (whisper-cpp): the model ${model} is not in ${dir} (no ${modelFile}); ${installHint(suggested, model, version)}`;
  return null;
}

export function whisperCppTimer(opts: WhisperCppOptions = {}): WordTimer {
  const env = opts.env ?? process.env;
  const model = (opts.model ?? env.STILLMOTION_WHISPER_CPP_MODEL ?? DEFAULT_WHISPER_MODEL) as WhisperModel;
  const version = opts.version ?? env.STILLMOTION_WHISPER_CPP_VERSION ?? DEFAULT_WHISPER_VERSION;
  return {
    id: 'whisper-cpp',
    needsText: false,
    tag: () => ({ model, version }),
    async time(req: TimingRequest): Promise<WordTimings> {
      const problem = whisperCppProblem(opts);
      if (problem) throw new StillmotionError(problem);
      const whisperPath = (opts.whisperPath ?? env.STILLMOTION_WHISPER_CPP_PATH)!;
      const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-whisper-'));
      try {
        const wav = path.join(tmp, 'narration-16k.wav');
        const conv = await runFf('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-i', req.audioFile, '-ar', '16000', '-ac', '1', '-c:a', 'pcm_s16le', wav], { signal: req.signal });
        if (conv.code !== 0) throw new StillmotionError(`captions (whisper-cpp): cannot convert ${req.audioFile} to 16 kHz WAV (${firstLine(conv.stderr)})`);
        const output = await transcribe({ inputPath: wav, whisperPath, whisperCppVersion: version, model, tokenLevelTimestamps: true, printOutput: false, signal: req.signal });
        const { captions } = toCaptions({ whisperCppOutput: output });
        const words = captions.filter((c) => c.text.trim() !== '');
        return { level: 'word', source: 'whisper-cpp', captions: words, warnings: words.length ? [] : ['whisper.cpp found no words'] };
      } catch (err) {
        if (req.signal?.aborted || err instanceof StillmotionError) throw err;
        throw new StillmotionError(`captions (whisper-cpp): transcribing ${req.label} failed: ${(err as Error).message}`);
      } finally {
        await fs.rm(tmp, { recursive: true, force: true });
      }
    },
  };
}
