/** Longest section text shown on screen as a card (longer texts belong in narration and captions). Pure module. */
export const ON_SCREEN_TEXT_MAX_CHARS = 120;
