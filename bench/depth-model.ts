/**
 * The learned depth model the depth benchmark measures: FastDepth (Wofk et al., ICRA 2019; MobileNet encoder,
 * NNConv5 depthwise decoder with additive skips, pruned; trained on NYU Depth v2; MIT licence, dwofk/fast-depth),
 * as the 1.7 MB int8 TensorFlow Lite file (224 x 224 input, metric depth output) that OpenMV ships in
 * lib/models (the conversion of PINTO model zoo #146 that ST's model zoo publishes under Apache-2.0).
 * Not stored in the repository: `npx tsx bench/depth-model.ts` copies it from a clone or mirror of
 * openmv/openmv at a pinned commit (like bench/depth-photos.ts), checks its SHA-256, and writes it into
 * MODEL_DIR. Use it with `stillmotion depth photo.jpg --estimator tflite --model <that file>`.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/fs/atomic-write';
import { gitShow } from './depth-photos';

export const MODEL_DIR = process.env.STILLMOTION_DEPTH_MODELS ?? path.join(os.homedir(), '.cache', 'stillmotion', 'depth-models');

export const FASTDEPTH = {
  file: 'fast_depth_224.tflite',
  repo: 'openmv/openmv',
  commit: '49a017eafd3aebda9b6b827bd2a367ded1592efc',
  path: 'lib/models/fast_depth_224.tflite',
  sha256: 'e8957602750f16ac130210868f4403b38b4042f0d10c00b89ec03fc3dc840125',
  licence: 'FastDepth: MIT (dwofk/fast-depth); int8 conversion: Apache-2.0 (ST model zoo, from PINTO model zoo #146, MIT); shipped in OpenMV (MIT)',
} as const;

export const HOW_TO_GET_MODEL = `run \`npx tsx bench/depth-model.ts\` (copies ${FASTDEPTH.path} from a clone of ${FASTDEPTH.repo} at ${FASTDEPTH.commit.slice(0, 10)}; set STILLMOTION_DEPTH_REPOS to the folder holding it), or set STILLMOTION_DEPTH_MODELS to a folder it filled`;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Path of the FastDepth file in `dir` when it is there and intact, else undefined. */
export async function findFastDepth(dir = MODEL_DIR): Promise<string | undefined> {
  const file = path.join(dir, FASTDEPTH.file);
  try {
    return sha256(await fs.readFile(file)) === FASTDEPTH.sha256 ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Copies the model into `dir` (idempotent); returns its path. */
export async function gatherFastDepth(dir = MODEL_DIR): Promise<string> {
  const have = await findFastDepth(dir);
  if (have) return have;
  const bytes = gitShow(FASTDEPTH.repo, FASTDEPTH.commit, FASTDEPTH.path);
  const got = sha256(bytes);
  if (got !== FASTDEPTH.sha256) throw new Error(`${FASTDEPTH.repo}:${FASTDEPTH.path} has SHA-256 ${got}, expected ${FASTDEPTH.sha256}`);
  const file = path.join(dir, FASTDEPTH.file);
  await writeFileAtomic(file, bytes);
  return file;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = await gatherFastDepth();
  console.log(`${file}: FastDepth 224 x 224 int8 TensorFlow Lite model (${FASTDEPTH.licence})`);
}
