/** The default director: local, deterministic, no key. Reads the arc from the text (arc.ts). */
import type { ArcDirector } from './arc-director';
import { analyseArc } from './arc';

export const heuristicDirector: ArcDirector = {
  name: 'heuristic',
  analyse: async (input) => ({ arc: analyseArc(input.sections), by: 'heuristic', warnings: [] }),
};
