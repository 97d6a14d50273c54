/** The emotional arc of a story, as a director reads it: one entry per section, and the turning points. Pure module. */
import type { MotionPreset } from '../timeline/motion';

export const ARC_ROLES = ['opening', 'calm', 'rising', 'reveal', 'climax', 'falling', 'resolution', 'conclusion'] as const;
export type ArcRole = (typeof ARC_ROLES)[number];

export const TRANSITION_TYPES = ['cut', 'crossfade', 'slide', 'wipe'] as const;
export type TransitionType = (typeof TRANSITION_TYPES)[number];

export const TURNING_KINDS = ['into-climax', 'out-of-climax', 'rise', 'drop', 'into-conclusion'] as const;
export type TurningKind = (typeof TURNING_KINDS)[number];

export interface SectionArc {
  id: string;
  /** 0 calm .. 1 climax. */
  intensity: number;
  role: ArcRole;
  /** Why the director reads the section so (e.g. `climax, intensity 0.96: "ignition", "roar", "!"`). */
  why: string;
  /** 0..1: numbers, names, length (high-information moments get a hold). */
  information: number;
  /** 0..1: the text asks for stillness. */
  stillness: number;
  /** A tier the director asks for (openai director); the budget optimiser weighs it. */
  preferredTier?: number;
  /** A camera move the director asks for (openai director). */
  motion?: Exclude<MotionPreset, 'none'>;
}

export interface TurningPoint {
  /** Section ids on either side of the boundary. */
  after: string;
  before: string;
  /** Intensity after minus before. */
  change: number;
  kind: TurningKind;
  reason: string;
  /** A transition the director asks for here (openai director). */
  transition?: TransitionType;
}

export interface Arc {
  sections: SectionArc[];
  turningPoints: TurningPoint[];
  /** Index of the climax, null for a story without one (all calm, or flat). */
  climax: number | null;
}
