/**
 * `openai`: transcription with word timestamps (POST /v1/audio/transcriptions, whisper-1,
 * response_format verbose_json, timestamp_granularities ["word"]) through the `openai` package.
 * Key and endpoint from OPENAI_API_KEY / OPENAI_BASE_URL (or options); the key is never logged.
 * Used when a section has narration but no text, or when the plan or --captions-source asks.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Caption } from '@remotion/captions';
import { openAiWhisperApiToCaptions, type OpenAiVerboseTranscription } from '@remotion/openai-whisper';
import OpenAI, { toFile } from 'openai';
import { StillmotionError } from '../../errors';
import { redact } from '../../providers/errors';
import type { TimingRequest, WordTimer, WordTimings } from './types';

export const DEFAULT_TRANSCRIPTION_MODEL = 'whisper-1';
/** OpenAI's upload limit for audio files. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export interface OpenAiTimerOptions {
  apiKey?: string;
  baseURL?: string;
  model?: string;
  timeoutMs?: number;
  /** Retries of 408/429/5xx and connection errors (the SDK's; default 2). */
  maxRetries?: number;
  env?: NodeJS.ProcessEnv;
}

interface TranscriptionWord {
  word: string;
  start: number;
  end: number;
}

/** What went wrong, in words, without the key. */
function describe(err: unknown, key: string | undefined): string {
  let why: string;
  if (err instanceof OpenAI.APIConnectionTimeoutError) why = 'the request timed out';
  // The SDK's message starts with the status again: the API's own message is in `error`.
  else if (err instanceof OpenAI.APIError && err.status) why = `HTTP ${err.status}: ${(err.error as { message?: string } | undefined)?.message ?? err.message}`;
  else if (err instanceof OpenAI.APIConnectionError) why = `cannot connect: ${err.message}`;
  else why = (err as Error).message ?? String(err);
  return redact(why, [key]);
}

/**
 * The transcription's words as captions. Remotion's converter puts the transcript's punctuation back
 * on the words ("Hello," rather than "Hello"); where it cannot match a word to the text it throws, and
 * the words are used as they came.
 */
export function transcriptionToCaptions(result: { text?: unknown; words: TranscriptionWord[] }): Caption[] {
  if (typeof result.text === 'string') {
    try {
      const words = result.words.map((w) => ({ ...w })); // the converter trims the first word in place
      const { captions } = openAiWhisperApiToCaptions({ transcription: { ...(result as object), text: result.text, words } as OpenAiVerboseTranscription });
      return captions
        .filter((c) => c.text.trim() !== '' && Number.isFinite(c.startMs) && Number.isFinite(c.endMs))
        .map((c) => {
          const startMs = Math.round(c.startMs);
          return { ...c, startMs, endMs: Math.max(startMs, Math.round(c.endMs)), timestampMs: startMs };
        });
    } catch {
      // Falls through to the words without punctuation.
    }
  }
  return wordsToCaptions(result.words);
}

export function wordsToCaptions(words: TranscriptionWord[]): Caption[] {
  return words
    .filter((w) => typeof w.word === 'string' && w.word.trim() !== '' && Number.isFinite(w.start) && Number.isFinite(w.end))
    .map((w, i) => {
      const startMs = Math.round(w.start * 1000);
      return { text: i === 0 ? w.word.trim() : ` ${w.word.trim()}`, startMs, endMs: Math.max(startMs, Math.round(w.end * 1000)), timestampMs: startMs, confidence: null };
    });
}

export function openaiTimer(opts: OpenAiTimerOptions = {}): WordTimer {
  const env = opts.env ?? process.env;
  const model = opts.model ?? env.STILLMOTION_TRANSCRIPTION_MODEL ?? DEFAULT_TRANSCRIPTION_MODEL;
  return {
    id: 'openai',
    needsText: false,
    tag: () => ({ model }),
    async time(req: TimingRequest): Promise<WordTimings> {
      const apiKey = opts.apiKey ?? env.OPENAI_API_KEY;
      if (!apiKey) throw new StillmotionError(`captions (openai): no OPENAI_API_KEY to transcribe ${req.label} with`);
      const bytes = await fs.readFile(req.audioFile);
      if (bytes.byteLength > MAX_UPLOAD_BYTES) {
        throw new StillmotionError(`captions (openai): ${req.audioFile} is ${(bytes.byteLength / 1048576).toFixed(1)} MB; OpenAI takes audio files up to 25 MB (use align, or a compressed file)`);
      }
      const client = new OpenAI({ apiKey, baseURL: opts.baseURL ?? (env.OPENAI_BASE_URL || undefined), timeout: opts.timeoutMs ?? 120_000, maxRetries: opts.maxRetries ?? 2 });
      try {
        const result = await client.audio.transcriptions.create(
          {
            file: await toFile(bytes, path.basename(req.audioFile)),
            model,
            response_format: 'verbose_json',
            timestamp_granularities: ['word'],
          },
          { signal: req.signal },
        );
        const words = (result as { words?: TranscriptionWord[] }).words;
        if (!Array.isArray(words)) throw new Error('the answer has no word timestamps (`words`)');
        const captions = transcriptionToCaptions({ text: (result as { text?: unknown }).text, words });
        return { level: 'word', source: 'openai', captions, warnings: captions.length ? [] : ['the transcription found no words'] };
      } catch (err) {
        if (req.signal?.aborted) throw err;
        throw new StillmotionError(`captions (openai, ${model}): transcribing ${req.label} failed: ${describe(err, apiKey)}`);
      }
    },
  };
}
