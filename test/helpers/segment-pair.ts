/** A plan's one segment rendered twice, by Node (direct) and by Chromium, for the parity tests. */
import path from 'node:path';
import { expect } from 'vitest';
import type { PreparedFormat, RenderSession } from '../../src/render/render-session';
import { renderSegment, segmentJobs } from '../../src/render/segments/render-segmented';

/** Renders the prepared format's single segment (one Node can draw) both ways into `dir`; the two files. */
export async function segmentBothWays(session: RenderSession, prepared: PreparedFormat, dir: string, scale: number): Promise<{ direct: string; browser: string }> {
  const settings = { scale, x264Preset: 'ultrafast' as const, crf: 12, concurrency: 1 };
  const { jobs } = await segmentJobs(session, prepared, { ...settings, segmentDir: path.join(dir, 'seg') });
  expect(jobs).toHaveLength(1);
  expect(jobs[0]!.direct).toBe(true);
  const direct = { ...jobs[0]!, file: path.join(dir, 'direct.mp4') };
  const browser = { ...jobs[0]!, direct: false, file: path.join(dir, 'browser.mp4') };
  await renderSegment(session, prepared, direct, settings);
  await renderSegment(session, prepared, browser, settings);
  return { direct: direct.file, browser: browser.file };
}
