/**
 * The runtime's core, what generated modules import: the model base class, kernels, backends.
 * It runs in Node and in browsers (./browser.ts exports it); ./index.ts adds the API for programs,
 * whose files and image decoders are Node's.
 */
export { CompiledModel, type ModelInfo, type ModelOptions, type ParameterInfo, type OptimizerInfo, type OptimizerState, type Init } from './model.js';
export { Act, type Kernels, type Arena, type Backend } from './kernels/types.js';
export { getBackend, backendNames } from './backend.js';
export { referenceBackend } from './kernels/reference/backend.js';
export { Random, hashSeed } from './random.js';
export { KernelProfiler, type CallLabel, type ScheduleLabels } from './profiler.js';
export { prepareTfjsBackend, type TfjsEngine } from './kernels/tfjs/engine.js';
