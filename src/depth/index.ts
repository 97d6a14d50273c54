/** Public depth API. */
export { estimateDepth, depthForImage, createEstimator, writeDepthPng, ESTIMATORS } from './depth-map';
export type { DepthOptions, DepthResult, DepthEstimator, EstimatorId, RawDepth } from './depth-map';
export { heuristicDepth, verticalPrior, flatPreset } from './heuristic';
export type { HostedDepthOptions } from './hosted';
export type { OnnxDepthOptions } from './onnx';
export { DEFAULT_CACHE_ROOT } from './cache';
