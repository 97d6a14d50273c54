import { registerRoot } from 'remotion';
import { quietRedundantDecodeWarnings } from './quiet-decode-warning';
import { Root } from './Root';

quietRedundantDecodeWarnings();
registerRoot(Root);
