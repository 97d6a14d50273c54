/**
 * The words of a caption text and how long each takes to say, relative to the others: syllables for
 * letters in Latin script (vowel groups), per-character estimates for other scripts, digits read out,
 * nothing for emoji and punctuation-only tokens (they are shown, not spoken). Never throws on any text.
 */

export interface TextWord {
  /** As written, without surrounding whitespace. */
  text: string;
  /** Relative speaking time (~ syllables); 0 for tokens that are not spoken. */
  weight: number;
  /** Ends a clause or sentence (a pause is likely after it). */
  pauseAfter: boolean;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const LETTER = /\p{L}/u;
export const LATIN_LETTER = /\p{Script=Latin}/u;
export const LETTER_WEIGHT = 0.15;
const PAUSE_PUNCT = /[,.;:!?\u2026\u3002\uff0c\u060c\u061f\u0964]["'\u2019\u201d)\]]*$/u;

/** Syllables of a word written in Latin script (English-leaning vowel-group count, at least 1). */
function latinSyllables(word: string): number {
  const w = word
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  if (!w) return 1;
  let groups = w.match(/[aeiouy]+/g)?.length ?? 0;
  // A silent final e ("make"), but not "-le" ("table") or a lone vowel group.
  if (groups > 1 && /[^aeiouy]e$/.test(w) && !/[^aeiouy]le$/.test(w)) groups--;
  if (groups > 1 && /[^aeiouy]es$/.test(w) && !/(ces|ses|zes|ges|shes|ches|xes)$/.test(w)) groups--;
  if (groups > 1 && /[^aeiouy]ed$/.test(w) && !/(ted|ded)$/.test(w)) groups--;
  return Math.max(1, groups);
}

/** Relative speaking time of one whitespace-separated token. */
export function spokenWeight(token: string): number {
  const chars = [...token];
  let weight = 0;
  let latin = '';
  // Syllables, plus a little per letter: consonant clusters take time too ("checked" vs "a").
  const flush = () => {
    if (latin) weight += latinSyllables(latin) + LETTER_WEIGHT * [...latin].filter((c) => LATIN_LETTER.test(c)).length;
    latin = '';
  };
  let digits = 0;
  for (const ch of chars) {
    if (LATIN_LETTER.test(ch) || ch === "'" || ch === '\u2019') {
      latin += ch;
      continue;
    }
    flush();
    if (/\p{Nd}/u.test(ch)) digits++;
    else if (CJK.test(ch)) weight += 1;
    else if (LETTER.test(ch)) weight += 0.45; // abjads, Cyrillic, Greek, Indic...: about two letters a syllable
  }
  flush();
  // A number read out takes about 1.2 syllables a digit ("1999": nine-teen nine-ty-nine).
  weight += digits * 1.2;
  return weight;
}

export function textWords(text: string): TextWord[] {
  return text
    .split(/\s+/u)
    .filter((t) => t !== '')
    .map((t) => ({ text: t, weight: spokenWeight(t), pauseAfter: PAUSE_PUNCT.test(t) }));
}
