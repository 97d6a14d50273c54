/** Public layers API: `prepareLayers(imagePath, opts) -> LayersManifest` for the render code. */
export { prepareLayers, buildLayers } from './build';
export type { LayersManifest, LayerInfo, LayersOptions } from './build';
