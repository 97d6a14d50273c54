/** The resolved timeline in words and JSON (`stillmotion render --explain`): where each cut landed and why. */
import type { Timeline } from '../timeline/types';

export interface TimelineExplanation {
  fps: number;
  durationSeconds: number;
  frames: number;
  sections: {
    id: string;
    startSeconds: number;
    seconds: number;
    tier: number;
    renderedTier: number;
    scene: string;
    motion: string;
    fallback: string | null;
  }[];
  cuts: Timeline['cuts'];
  narration: { section: string; startSeconds: number; seconds: number }[];
  warnings: string[];
}

export function explainTimeline(t: Timeline): TimelineExplanation {
  const sec = (f: number): number => Math.round((f / t.fps) * 1000) / 1000;
  return {
    fps: t.fps,
    durationSeconds: sec(t.durationInFrames),
    frames: t.durationInFrames,
    sections: t.scenes.map((s) => ({
      id: s.id,
      startSeconds: sec(s.nominalFrom),
      seconds: sec(s.nominalFrames),
      tier: s.tier,
      renderedTier: s.renderedTier,
      scene: s.kind,
      motion: s.kind === 'parallax' ? `parallax ${s.parallax?.preset}` : s.motionPreset,
      fallback: s.fallback,
    })),
    cuts: t.cuts.map((c) => ({ ...c, plannedSeconds: Math.round(c.plannedSeconds * 1000) / 1000, seconds: Math.round(c.seconds * 1000) / 1000 })),
    narration: t.narration.map((n) => ({ section: n.sectionId, startSeconds: sec(n.from), seconds: sec(n.durationInFrames) })),
    warnings: t.warnings,
  };
}

export function explanationText(e: TimelineExplanation): string {
  const lines = [`timeline: ${e.durationSeconds.toFixed(2)} s, ${e.frames} frames at ${e.fps} fps`];
  for (const s of e.sections) {
    lines.push(
      `  ${s.startSeconds.toFixed(2).padStart(7)} s  ${s.id.padEnd(14)} ${s.seconds.toFixed(2).padStart(6)} s  tier ${s.renderedTier}${s.renderedTier !== s.tier ? ` (planned ${s.tier})` : ''}  ${s.scene} / ${s.motion}`,
    );
  }
  lines.push('cuts:');
  for (const c of e.cuts) {
    lines.push(`  ${c.from} -> ${c.to}: ${c.transition} at ${c.seconds.toFixed(3)} s (planned ${c.plannedSeconds.toFixed(3)} s): ${c.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
