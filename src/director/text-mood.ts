/**
 * What a section's text says about its mood, read locally and deterministically: arousal (calm ..
 * action) from a small weighted lexicon with negation ("nothing seems urgent" is calm), exclamation
 * marks, shouting and short punchy sentences; cue words for reveals, resolutions and stillness; and
 * how much information the text carries (numbers, names, length), which calls for a hold.
 */

/** Arousal weights: positive = action, tension, awe; negative = calm. Inflections are matched by stem. */
const AROUSAL: Record<string, number> = {
  // action and danger
  ignition: 1, ignite: 1, explode: 1, explosion: 1, erupt: 1, eruption: 1, blast: 1, roar: 1, thunder: 1, thunderous: 1,
  crash: 1, scream: 1, burst: 0.9, surge: 0.9, liftoff: 1, attack: 1, fight: 0.9, battle: 1, war: 0.9, fire: 0.7,
  flame: 0.7, blaze: 0.9, storm: 0.8, danger: 0.9, dangerous: 0.9, alarm: 0.9, panic: 1, chase: 0.9, escape: 0.8,
  collapse: 0.9, shock: 0.9, smash: 1, fury: 1, rage: 1, desperate: 0.9, deafening: 1, collision: 1, clash: 0.9,
  plunge: 0.8, emergency: 1, chaos: 1, frantic: 1, race: 0.6, rush: 0.6, suddenly: 0.8, triumph: 0.9, victory: 0.9,
  breakthrough: 0.8, soar: 0.8, climb: 0.6, power: 0.5, powerful: 0.6, speed: 0.6, fast: 0.5, faster: 0.6,
  massive: 0.6, enormous: 0.6, huge: 0.5, pounding: 0.8, blinding: 0.7, incredible: 0.5, amazing: 0.5, wow: 0.6,
  shout: 0.8, warning: 0.5, fear: 0.7, afraid: 0.6, scared: 0.6, terror: 0.9, threat: 0.6, rumble: 0.6, growl: 0.6,
  crack: 0.6, strange: 0.4, flicker: 0.4, noise: 0.3, loud: 0.5, louder: 0.6, run: 0.3, jump: 0.5, leap: 0.6, strike: 0.8, break: 0.4, tear: 0.5, shake: 0.6, tremble: 0.6,
  wild: 0.6, wreck: 0.7, rescue: 0.6, burn: 0.5, instantly: 0.4, whoosh: 0.6,
  // irregular past tenses of the words above (the suffix rules below do not reach them)
  ran: 0.3, broke: 0.4, struck: 0.8, shook: 0.6, fought: 0.9, tore: 0.5, leapt: 0.6, flew: 0.4, fly: 0.4,
  // build-up and anticipation
  launch: 0.4, rocket: 0.3, engine: 0.5, countdown: 0.5, fuelled: 0.5, fueled: 0.5, final: 0.4, tension: 0.6,
  urgent: 0.6, ready: 0.3, check: 0.2, heart: 0.3, nervous: 0.5, record: 0.4, deadline: 0.5, now: 0.15,
  // awe
  brilliant: 0.4, bright: 0.3, vast: 0.35, thousands: 0.3, millions: 0.4, billions: 0.4, galaxy: 0.35,
  infinite: 0.4, universe: 0.35, finally: 0.4, beyond: 0.3,
  // calm
  quiet: -0.7, quietly: -0.7, calm: -0.7, rest: -0.7, still: -0.3, slow: -0.5, slowly: -0.5, gentle: -0.6,
  gently: -0.6, soft: -0.5, softly: -0.5, peace: -0.7, peaceful: -0.7, sleep: -0.7, asleep: -0.7, sleepy: -0.7,
  nap: -0.6, warm: -0.5, home: -0.4, nothing: -0.4, silence: -0.6, silent: -0.6, cozy: -0.6, cosy: -0.6,
  relax: -0.7, relaxed: -0.7, lazy: -0.6, coffee: -0.3, tea: -0.3, breeze: -0.4, drift: -0.3, linger: -0.4,
  idle: -0.5, pause: -0.4, wait: -0.2, ordinary: -0.3, routine: -0.3, everyday: -0.3, small: -0.2, sit: -0.3,
  smile: -0.2, morning: -0.1, dream: -0.3, comfort: -0.5, safe: -0.4,
};

const NEGATORS = new Set(['not', 'no', 'nothing', 'never', 'without', 'none', 'hardly', "don't", "doesn't", "didn't", "isn't", "wasn't", "won't", 'nor']);
/**
 * Words of discovery and surprise (matched with their inflections: "unveiling", "discovers"); "but"
 * and "yet" only where they open a sentence. "However" is left out: it opens an explanation's
 * caveat far more often than a story's turn.
 */
const REVEAL = new Set(['but', 'suddenly', 'beyond', 'reveal', 'discover', 'behold', 'appear', 'emerge', 'yet', 'until', 'unveil', 'introduce', 'hidden', 'secret', 'meanwhile', 'finally']);
/** Reveal cues matched exactly ("found" is the past of find; "founded" is another word). */
const REVEAL_EXACT = new Set(['found']);
const RESOLUTION = new Set(['back', 'again', 'home', 'tomorrow', 'afterwards', 'returns', 'return', 'returned', 'remember', 'end', 'ending', 'next', 'once', 'later', 'since']);
const STILLNESS = new Set(['rest', 'still', 'quiet', 'silence', 'silent', 'pause', 'nothing', 'sleep', 'asleep', 'wait', 'waiting', 'stillness', 'calm', 'motionless', 'idle']);
const NUMBER_WORDS = new Set(['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'twenty', 'hundred', 'hundreds', 'thousand', 'thousands', 'million', 'millions', 'billion', 'billions', 'percent', 'half', 'dozen']);

export interface TextMood {
  words: number;
  /** Weighted arousal, normalised for length (0 neutral, > 0 action, < 0 calm). */
  arousal: number;
  /** 0..1 from the arousal (logistic): how intense the text reads on its own. */
  textIntensity: number;
  /** Words (and marks) that moved the arousal most, strongest first. */
  cues: string[];
  reveal: boolean;
  resolution: boolean;
  /** 0..1: the text asks for stillness (rest, quiet, silence ...). */
  stillness: number;
  /** 0..1: numbers, names and length: high-information moments get a hold. */
  information: number;
}

function lookup(word: string): number | undefined {
  if (AROUSAL[word] !== undefined) return AROUSAL[word];
  for (const suffix of ['s', 'es', 'ed', 'd', 'ing', 'ly', 'er', 'est']) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      const stem = word.slice(0, -suffix.length);
      if (AROUSAL[stem] !== undefined) return AROUSAL[stem];
      if (AROUSAL[`${stem}e`] !== undefined) return AROUSAL[`${stem}e`];
      // "climbing" -> climb, "stopped" -> stop, "biggest" -> big
      if (stem.length > 3 && stem.at(-1) === stem.at(-2) && AROUSAL[stem.slice(0, -1)] !== undefined) return AROUSAL[stem.slice(0, -1)];
    }
  }
  return undefined;
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** A word of the set, or one of its inflections ("unveiling", "appears", "discovered"). */
function isCue(set: ReadonlySet<string>, word: string): boolean {
  if (set.has(word)) return true;
  for (const suffix of ['s', 'es', 'ed', 'd', 'ing']) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      const stem = word.slice(0, -suffix.length);
      if (set.has(stem) || set.has(`${stem}e`)) return true;
    }
  }
  return false;
}

/** Words and numbers, as the mood reader tokenises them. */
const TOKEN = /[A-Za-z][A-Za-z'’]*|\d+(?:[.,]\d+)?/g;
/** A sentence ends where whitespace follows ".", "!" or "?" (tokens never hold those marks before whitespace). */
function endsSentence(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if ((c === 46 || c === 33 || c === 63) && /\s/.test(text[i + 1] ?? '')) return true;
  }
  return false;
}
/** A title's words count half: a heading is a label of a few words, often repeating the text. */
const TITLE_WEIGHT = 0.5;
/** How many preceding tokens a negator reaches ("not really that urgent"). */
const NEGATION_REACH = 3;

/** Strongest weight of one cue and when it first reached it (the order cues are listed in on ties). */
type CueWeights = Map<string, { w: number; order: number }>;

function countChar(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * One pass over the tokens, so the time is linear in the text's length (a multi-megabyte paragraph
 * reads in well under a second) and nothing is recursive or spread into a call. The section's title
 * (its heading) is read too: authors name a section by what happens in it ("The chase", "Meet
 * Aurora"); its words add to the arousal and the reveal cues, not to the text's statistics.
 */
export function readMood(text: string, title = ''): TextMood {
  let words = 0;
  let sentences = 0;
  let sum = 0;
  let shouted = 0;
  let numerics = 0;
  let names = 0;
  let longWords = 0;
  let stillCount = 0;
  let reveal = false;
  let resolution = false;
  let contributionCount = 0;
  const cues: Record<'up' | 'down', CueWeights> = { up: new Map(), down: new Map() };
  const contribute = (cue: string, w: number): void => {
    const side = w > 0 ? cues.up : w < 0 ? cues.down : null;
    const order = contributionCount++;
    if (!side) return;
    const seen = side.get(cue);
    if (!seen || Math.abs(w) > seen.w) side.set(cue, { w: Math.abs(w), order });
  };
  // Lexicon look-ups by word: a long text repeats its words.
  const known = new Map<string, { arousal: number | undefined; reveal: boolean }>();
  const facts = (w: string): { arousal: number | undefined; reveal: boolean } => {
    let f = known.get(w);
    if (!f) known.set(w, (f = { arousal: lookup(w), reveal: (w !== 'but' && w !== 'yet' && isCue(REVEAL, w)) || REVEAL_EXACT.has(w) }));
    return f;
  };
  const recent: string[] = [];
  const arouse = (w: string, base: number | undefined, scale: number): void => {
    if (base === undefined || NEGATORS.has(w)) {
      if (w === 'nothing') {
        sum += scale * AROUSAL.nothing!;
        contribute(w, scale * AROUSAL.nothing!);
      }
    } else {
      // "nothing seems urgent", "not afraid": negated action reads as calm.
      const negated = recent.some((p) => NEGATORS.has(p));
      const weight = scale * (negated && base > 0 ? -0.5 * base : base);
      sum += weight;
      contribute(w, weight);
    }
    recent.push(w);
    if (recent.length > NEGATION_REACH) recent.shift();
  };
  const lowerOf = (token: string): string => {
    const lowered = token.toLowerCase();
    return lowered.includes('’') ? lowered.replace(/’/g, "'") : lowered;
  };
  for (const [i, token] of (title.match(TOKEN) ?? []).entries()) {
    const w = lowerOf(token);
    const f = facts(w);
    if (f.reveal || (i === 0 && (w === 'but' || w === 'yet'))) reveal = true;
    arouse(w, f.arousal, TITLE_WEIGHT);
  }
  recent.length = 0;
  let sentenceOpen = true;
  let previousEnd = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const token = m[0];
    if (m.index > previousEnd && endsSentence(text, previousEnd, m.index)) sentenceOpen = true;
    previousEnd = m.index + token.length;
    const w = lowerOf(token);
    const alphabetic = token.charCodeAt(0) > 57; // tokens start with a letter or a digit
    let sentenceStart = false;
    if (alphabetic) {
      words++;
      if (sentenceOpen) {
        sentences++;
        sentenceStart = true;
        sentenceOpen = false;
        if (w === 'but' || w === 'yet') reveal = true;
      }
    } else numerics++;
    if (NUMBER_WORDS.has(w)) numerics++;
    if (token.length >= 3 && /^[A-Z]+$/.test(token)) shouted++;
    if (!sentenceStart && /^[A-Z][a-z]/.test(token)) names++;
    if (w.length >= 9) longWords++;
    if (STILLNESS.has(w)) stillCount++;
    if (RESOLUTION.has(w)) resolution = true;
    const f = facts(w);
    if (f.reveal) reveal = true;
    arouse(w, f.arousal, 1);
  }
  const exclamations = countChar(text, '!');
  const questions = countChar(text, '?');
  if (exclamations) {
    const w = 0.6 * Math.min(2, exclamations);
    sum += w;
    contribute('!', w);
  }
  if (questions) sum += 0.15 * Math.min(2, questions);
  if (shouted) {
    const w = 0.4 * Math.min(2, shouted);
    sum += w;
    contribute('CAPITALS', w);
  }
  const meanSentence = sentences ? words / sentences : words;
  if (sentences >= 2 && meanSentence < 7) sum += 0.3;

  const arousal = sum / Math.sqrt(Math.max(words, 8) / 8);
  const textIntensity = 1 / (1 + Math.exp(-(arousal - 0.8) / 0.6));
  // The cues on the side the text leans to, strongest first (first reached first on ties).
  const leaning = arousal >= 0 ? cues.up : cues.down;
  const topCues = [...leaning.entries()]
    .sort((a, b) => b[1].w - a[1].w || a[1].order - b[1].order)
    .slice(0, 3)
    .map(([cue]) => cue);

  const stillness = clamp01(stillCount / 2);
  const information = clamp01(
    0.3 * Math.min(1, numerics / 2) + 0.3 * Math.min(1, names / 3) + 0.3 * clamp01((words - 12) / 30) + 0.3 * clamp01(longWords / Math.max(1, words) / 0.2),
  );
  return { words, arousal, textIntensity, cues: topCues, reveal, resolution, stillness, information };
}
