/**
 * The soundtrack of a plan alone (narration and music, no pictures): what segmented renders
 * render once for the whole video while the pictures are rendered in segments. Seeking it is
 * cheap, so the audio pass costs little next to the frames.
 */
import React from 'react';
import type { CompositionProps } from '../src/plan/schema';
import { Soundtrack } from './audio/Soundtrack';
import { usePlanTimeline } from './use-plan-timeline';

export const SoundtrackVideo: React.FC<CompositionProps> = (props) => <Soundtrack timeline={usePlanTimeline(props)} />;
