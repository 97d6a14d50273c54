/** A director reads a story's arc; the budget optimiser and the plan assembly do the rest. */
import type { DirectorRecord } from '../plan/schema';
import type { Arc } from './arc-types';
import type { FocalPoint } from './camera-motion';

export interface ArcInputSection {
  id: string;
  title?: string;
  text: string;
  /** Length of the section in the video. */
  seconds: number;
  hasNarration: boolean;
  image: { ref: string; width: number; height: number };
  focus: FocalPoint;
  /** USD of tier 2 and tier 3 for this section (null: no price). */
  costs: { parallax: number; ai: number | null };
}

export interface ArcInput {
  title: string;
  budgetUsd: number;
  sections: ArcInputSection[];
}

export interface ArcResult {
  arc: Arc;
  by: DirectorRecord['by'];
  model?: string;
  /** E.g. why the openai director fell back to the heuristic one. */
  warnings: string[];
}

export interface ArcDirector {
  readonly name: DirectorRecord['by'];
  analyse(input: ArcInput, signal?: AbortSignal): Promise<ArcResult>;
}
