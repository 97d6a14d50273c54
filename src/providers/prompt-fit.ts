/**
 * Fits a prompt to a provider's documented length limit (constraints.ts) instead of letting the API
 * refuse it. Prompts are written camera direction first (src/director/clip-spec.ts), so cutting
 * from the end keeps the direction and drops the tail of the section text. The cut falls at a word
 * boundary and never splits a UTF-16 surrogate pair.
 */

/** `prompt` unchanged when it fits; else cut at the last word boundary that leaves room for "...". */
export function fitPrompt(prompt: string, maxChars: number): string {
  if (prompt.length <= maxChars) return prompt;
  const text = prompt.replace(/\s+/g, ' ').trim();
  if (text.length <= maxChars) return text;
  const ellipsis = '...';
  const room = maxChars - ellipsis.length;
  let cut = text.lastIndexOf(' ', room);
  // A single word longer than the room (no space in it): cut inside it.
  if (cut <= 0) cut = room;
  // Never leave half of a surrogate pair at the end.
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${text.slice(0, cut).replace(/[\s,;:.-]+$/, '')}${ellipsis}`;
}
