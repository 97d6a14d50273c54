/** Public depth API. */
export { estimateDepth, depthForImage, createEstimator, writeDepthPng, ESTIMATORS } from './depth-map';
export type { DepthOptions, DepthResult, DepthEstimator, EstimatorId, RawDepth } from './depth-map';
export { heuristicDepth, verticalPrior, flatPreset } from './heuristic';
export { DEFAULT_HOSTED_MODEL, DEFAULT_HOSTED_VERSION, resolveHostedModel } from './hosted';
export type { HostedDepthOptions, HostedModel } from './hosted';
export type { OnnxDepthOptions } from './onnx';
export { DEFAULT_CACHE_ROOT } from './cache';
