/** The shapes of an audio analysis: what `analyze-audio --json` prints and what the timeline reads. */

/** A time span in seconds, `start < end`. */
export interface Interval {
  start: number;
  end: number;
}

export interface Crescendo extends Interval {
  /** Loudness gained from start to end, in dB (> 0). */
  riseDb: number;
}

export interface Swell extends Interval {
  /** Loudest smoothed level inside the swell, in dBFS. */
  peakDb: number;
}

export interface LoudnessCurve {
  /** Seconds between successive values; value i is centred on `i * hop`. */
  hop: number;
  /** RMS level in dBFS, floored at -100 (never -Infinity). */
  db: number[];
}

/** The JSON contract of `analyze-audio --json`. All times are seconds from the start of the file. */
export interface AudioAnalysis {
  duration: number;
  /** Sample rate of the source file (analysis itself runs at ANALYSIS_SAMPLE_RATE). */
  sampleRate: number;
  /** Beats per minute, or null when the audio has no steady rhythm anywhere. */
  tempo: number | null;
  beats: number[];
  /** First beat of each (assumed 4/4) bar, or null when there are no beats or no clear bar accent. */
  downbeats: number[] | null;
  onsets: number[];
  silences: Interval[];
  speechPauses: Interval[];
  crescendos: Crescendo[];
  swells: Swell[];
  loudness: LoudnessCurve;
}
