/** Public focus API: `detectFocus(imagePath) -> {x, y, box, confidence, crops}`. */
export { detectFocus, focusForImage, cropAround, cropsFor, FOCUS_FORMATS } from './detect';
export type { FocusResult, Box, FocusFormat, FocusOptions } from './detect';
export { drawFocus } from './draw';
