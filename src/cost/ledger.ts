/**
 * The spend ledger: one JSON file (default `.stillmotion/ledger.json`) listing every paid provider
 * call. Rewritten atomically on each append; appends within a process are serialised.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';

export const DEFAULT_LEDGER = path.join('.stillmotion', 'ledger.json');

export interface LedgerEntry {
  at: string;
  provider: string;
  model: string;
  key: string;
  durationSec: number;
  costUsd: number;
  /**
   * generated: paid and stored. cancelled / timeout / failed after creation: costUsd is the estimate
   * when the task may have been billed, 0 when the provider reported the generation failed.
   */
  status: 'generated' | 'cancelled' | 'timeout' | 'failed';
  taskId?: string;
  note?: string;
}

interface LedgerFile {
  version: 1;
  entries: LedgerEntry[];
}

export class Ledger {
  private chain: Promise<unknown> = Promise.resolve();
  constructor(readonly file: string = DEFAULT_LEDGER) {}

  async read(): Promise<LedgerEntry[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const data = JSON.parse(text) as LedgerFile;
    return Array.isArray(data.entries) ? data.entries : [];
  }

  append(entry: Omit<LedgerEntry, 'at'> & { at?: string }): Promise<void> {
    const run = this.chain.then(async () => {
      const entries = await this.read();
      entries.push({ at: new Date().toISOString(), ...entry });
      const data: LedgerFile = { version: 1, entries };
      await writeFileAtomic(this.file, `${JSON.stringify(data, null, 2)}\n`);
    });
    this.chain = run.catch(() => {});
    return run;
  }

  /** Total spent (optionally since a date). */
  async total(since?: Date): Promise<number> {
    const entries = await this.read();
    const t = since?.getTime() ?? -Infinity;
    return Math.round(entries.filter((e) => Date.parse(e.at) >= t).reduce((s, e) => s + e.costUsd, 0) * 10_000) / 10_000;
  }
}
