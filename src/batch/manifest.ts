/**
 * The batch manifest (`<out>/.stillmotion-batch.json`): per output name and format, the input hash
 * it was rendered from and where it is (a local file with its size, and/or a Lambda URL). It is
 * rewritten atomically after every finished format, so an interrupted batch resumes where it
 * stopped: a format is done when its hash matches and its file is still there, whole.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StillmotionError } from '../errors';
import { writeFileAtomic } from '../fs/atomic-write';
import type { FormatId } from '../plan/formats';

export const MANIFEST_NAME = '.stillmotion-batch.json';

export interface FinishedOutput {
  inputHash: string;
  mode: 'local' | 'lambda';
  /** Local file (absolute), when there is one. */
  file?: string;
  sizeBytes?: number;
  /** Lambda output URL. */
  url?: string;
  videoSeconds: number;
  costUsd?: number;
  finishedAt: string;
}

export interface ManifestData {
  version: 1;
  /** Output name -> plan file and finished formats. */
  outputs: Record<string, { plan: string; formats: Partial<Record<FormatId, FinishedOutput>> }>;
}

export class BatchManifest {
  private writing: Promise<void> = Promise.resolve();
  private constructor(
    readonly file: string,
    private readonly data: ManifestData,
  ) {}

  static async open(outDir: string): Promise<BatchManifest> {
    const file = path.resolve(outDir, MANIFEST_NAME);
    let data: ManifestData = { version: 1, outputs: {} };
    const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (text !== null) {
      try {
        const parsed = JSON.parse(text) as ManifestData;
        if (parsed?.version === 1 && parsed.outputs && typeof parsed.outputs === 'object') data = parsed;
        else throw new Error('unknown format');
      } catch (err) {
        throw new StillmotionError(`${path.relative(process.cwd(), file) || file}: damaged batch manifest (${(err as Error).message}); delete it to render everything again`);
      }
    }
    return new BatchManifest(file, data);
  }

  /** The finished output of this name and format if it is up to date: same input, same mode, its file still whole. */
  async upToDate(name: string, format: FormatId, inputHash: string, mode: FinishedOutput['mode'], needFile: boolean): Promise<FinishedOutput | null> {
    const o = this.data.outputs[name]?.formats[format];
    if (!o || o.inputHash !== inputHash || o.mode !== mode) return null;
    if (needFile || o.file) {
      if (!o.file) return null;
      const stat = await fs.stat(o.file).catch(() => null);
      if (!stat?.isFile() || stat.size !== o.sizeBytes) return null;
    }
    if (mode === 'lambda' && !o.url) return null;
    return o;
  }

  async record(name: string, plan: string, format: FormatId, output: FinishedOutput): Promise<void> {
    const entry = (this.data.outputs[name] ??= { plan, formats: {} });
    entry.plan = plan;
    entry.formats[format] = output;
    // Writes are serialized: concurrent plans never interleave a torn file.
    this.writing = this.writing.catch(() => undefined).then(() => writeFileAtomic(this.file, `${JSON.stringify(this.data, null, 2)}\n`));
    await this.writing;
  }
}
