/** Whether `file` exists and is a regular file (cache lookups: a finished file, never a folder). */
import { promises as fs } from 'node:fs';

export async function fileExists(file: string): Promise<boolean> {
  return (await fs.stat(file).catch(() => null))?.isFile() ?? false;
}
