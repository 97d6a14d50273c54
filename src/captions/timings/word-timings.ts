/**
 * The word-timing sources behind one interface, and their cache: results are kept in
 * `<cacheDir>/captions/<key>.json`, keyed by the narration's content hash, the text, the source and
 * what else decides its result (model, version), written atomically. A transcription is paid for
 * once per audio; the alignment is computed once per audio and text.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { contentHash } from '../../cache/content-hash';
import { writeFileAtomic } from '../../fs/atomic-write';
import { narrationCaptionsSchema } from '../../plan/schema';
import type { CaptionSource } from '../caption-settings';
import { alignTimer } from './align';
import { openaiTimer, type OpenAiTimerOptions } from './openai';
import type { TimingRequest, WordTimer, WordTimings } from './types';
import { whisperCppTimer, type WhisperCppOptions } from './whisper-cpp';

/** Bump when the cached record's shape changes. */
const CACHE_VERSION = 'word-timings-v1';

export interface WordTimingOptions {
  /** Cache root (e.g. `.stillmotion/cache`); no caching when absent. */
  cacheDir?: string;
  openai?: OpenAiTimerOptions;
  whisperCpp?: WhisperCppOptions;
}

export function wordTimer(source: CaptionSource, opts: WordTimingOptions = {}): WordTimer {
  switch (source) {
    case 'align':
      return alignTimer;
    case 'openai':
      return openaiTimer(opts.openai);
    case 'whisper-cpp':
      return whisperCppTimer(opts.whisperCpp);
  }
}

const cachedSchema = narrationCaptionsSchema.extend({ warnings: z.array(z.string()) });

/** The timings of one narration from `timer`, from the cache when the same audio and text were timed before. */
export async function cachedWordTimings(timer: WordTimer, req: TimingRequest, opts: WordTimingOptions = {}): Promise<WordTimings & { cached: boolean }> {
  let file: string | null = null;
  if (opts.cacheDir) {
    const bytes = await fs.readFile(req.audioFile);
    file = path.join(opts.cacheDir, 'captions', `${contentHash(CACHE_VERSION, bytes, req.text ?? null, timer.id, timer.tag())}.json`);
    const raw = await fs.readFile(file, 'utf8').catch(() => null);
    if (raw) {
      try {
        const hit = cachedSchema.parse(JSON.parse(raw));
        return { ...hit, cached: true };
      } catch {
        // A damaged entry is timed again and replaced.
      }
    }
  }
  const result = await timer.time(req);
  if (file) await writeFileAtomic(file, JSON.stringify(result));
  return { ...result, cached: false };
}
