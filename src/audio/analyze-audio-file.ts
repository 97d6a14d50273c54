/** Decode a file, analyse it, optionally write a PNG plot: the library entry point behind `analyze-audio`. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { contentHash } from '../cache/content-hash';
import { writeFileAtomic } from '../fs/atomic-write';
import { analysisPng } from './analysis-plot';
import { emptyAnalysis, toAnalysisJson } from './analysis-json';
import { analyzeSignal } from './analyze-signal';
import { decodeAudio } from './decode-audio';
import type { AudioAnalysis } from './types';

export interface AnalyzeAudioOptions {
  /** Write a PNG picture of the analysis here. */
  plot?: string;
  /**
   * Keep results in `<cacheDir>/audio/<content hash>.json` and reuse them for identical file
   * bytes (e.g. `.stillmotion/cache`). No caching when absent.
   */
  cacheDir?: string;
}

/** Bump when the analysis changes, so cached results from older code are not reused. */
const ANALYSIS_VERSION = 'audio-analysis-v6';

export async function analyzeAudioFile(file: string, opts: AnalyzeAudioOptions = {}): Promise<AudioAnalysis> {
  let cacheFile: string | null = null;
  if (opts.cacheDir && !opts.plot) {
    const bytes = await fs.readFile(file).catch(() => null);
    if (bytes && bytes.byteLength > 0) {
      cacheFile = path.join(opts.cacheDir, 'audio', `${contentHash(ANALYSIS_VERSION, bytes)}.json`);
      const cached = await fs.readFile(cacheFile, 'utf8').catch(() => null);
      if (cached) {
        try {
          return JSON.parse(cached) as AudioAnalysis;
        } catch {
          // A damaged cache entry is recomputed below.
        }
      }
    }
  }
  const decoded = await decodeAudio(file);
  const result =
    decoded.samples.length === 0
      ? emptyAnalysis(decoded.source.sampleRate)
      : toAnalysisJson(analyzeSignal(decoded.samples, decoded.sampleRate, decoded.source.sampleRate));
  if (opts.plot) {
    await writeFileAtomic(opts.plot, await analysisPng(result, decoded.samples, decoded.sampleRate, path.basename(file)));
  }
  if (cacheFile) await writeFileAtomic(cacheFile, JSON.stringify(result));
  return result;
}
