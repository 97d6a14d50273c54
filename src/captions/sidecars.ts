/**
 * Caption files written next to every rendered video, in video time (after beat-snapping and holds):
 *   `<name>-<format>.srt` and `.vtt`: one cue per caption page, shown exactly the frames the page is
 *   burned in (from its startFrame to its endFrame);
 *   `<name>.captions.json`: every word, `[{text, startMs, endMs, timestampMs, confidence}]` (the
 *   Caption shape of @remotion/captions), the same in every format.
 * Each is written to a temporary file and renamed into place, so none is ever half-written.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { serializeSrt, type Caption } from '@remotion/captions';
import { writeFileAtomic } from '../fs/atomic-write';
import type { CaptionPage, TimelineCaptions } from '../timeline/types';

/** A page's on-screen span in ms: its frames, so the files agree with the burned-in captions. */
export function pageSpanMs(page: Pick<CaptionPage, 'startFrame' | 'endFrame'>, fps: number): { startMs: number; endMs: number } {
  return { startMs: Math.round((page.startFrame * 1000) / fps), endMs: Math.round((page.endFrame * 1000) / fps) };
}

export function srtText(pages: CaptionPage[], fps: number): string {
  const lines: Caption[][] = pages.map((p) => [{ text: p.text, ...pageSpanMs(p, fps), timestampMs: null, confidence: null }]);
  return `${serializeSrt({ lines })}\n`;
}

function vttTime(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(Math.floor(ms % 1000)).padStart(3, '0')}`;
}

/** WebVTT cue text: `&`, `<` and `>` are markup there. */
function vttEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function vttText(pages: CaptionPage[], fps: number): string {
  const cues = pages.map((p, i) => {
    const { startMs, endMs } = pageSpanMs(p, fps);
    return `${i + 1}\n${vttTime(startMs)} --> ${vttTime(endMs)}\n${vttEscape(p.text)}`;
  });
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

export function wordsJson(words: Caption[]): string {
  return `${JSON.stringify(words, null, 1)}\n`;
}

export interface SidecarTarget {
  outDir: string;
  /** Output name stem (`<name>-<suffix>.mp4`). */
  name: string;
  /** The format's file suffix (OUTPUT_FORMATS[format].suffix). */
  suffix: string;
}

export function sidecarPaths(t: SidecarTarget): { srt: string; vtt: string; json: string } {
  const base = path.resolve(t.outDir, `${t.name}-${t.suffix}`);
  return { srt: `${base}.srt`, vtt: `${base}.vtt`, json: path.resolve(t.outDir, `${t.name}.captions.json`) };
}

/**
 * Writes a format's SRT and VTT and the words JSON; with no captions, removes those an earlier
 * render left (they would no longer match the video). Returns the files written.
 */
export async function writeCaptionSidecars(t: SidecarTarget, captions: TimelineCaptions | null, fps: number): Promise<string[]> {
  const p = sidecarPaths(t);
  if (!captions) {
    await Promise.all([p.srt, p.vtt, p.json].map((f) => fs.rm(f, { force: true })));
    return [];
  }
  await writeFileAtomic(p.srt, srtText(captions.pages, fps));
  await writeFileAtomic(p.vtt, vttText(captions.pages, fps));
  await writeFileAtomic(p.json, wordsJson(captions.words));
  return [p.srt, p.vtt, p.json];
}
