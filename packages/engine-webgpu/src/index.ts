// Environment-free: the engine over any WebGPU source, and the browser's (backend-web imports these)
export { createWebgpuEngine, WEBGPU_DESCRIPTION } from './engine.js';
export type { WebgpuSource } from './engine.js';
export { browserWebgpuEngine, browserWebgpuSource } from './browser.js';
export { describeAdapter, adapterLine } from './adapter.js';
export type { GpuLike, GpuAdapterLike, GpuAdapterInfoLike } from './adapter.js';
export { registerWebgpuTrainingKernels, WEBGPU_ADDED_KERNELS, WEBGPU_REPLACED_KERNELS, WEBGPU_MISSING_TRAINING_KERNELS } from './training-kernels.js';
export { webgpuTfjsExclusions, browserWebgpuTfjsExclusions } from './exclusions.js';
