import type { EngineKind } from './engine.js';
import { WASM_ADDED_KERNELS, WASM_REPLACED_KERNELS, WASM_WRAPPED_KERNELS } from '../engines-wasm/wasm-training-kernels.js';

/** What an engine is, apart from how it probes and activates itself where it runs. */
export type EngineDeclaration = Pick<EngineKind, 'type' | 'priority' | 'environments' | 'tfjsBackend' | 'capabilities'>;

/**
 * tfjs's own `cpu` engine, as every backend declares it (Node and browsers
 * differ only in how they load it): the reference the others are held to.
 */
export const CPU_ENGINE: EngineDeclaration = {
  type: 'cpu',
  priority: 1,
  environments: ['node', 'browser'],
  tfjsBackend: 'cpu',
  capabilities: { kernels: [], missingTrainingKernels: [], dtypes: ['float32', 'int32', 'bool'], determinism: { class: 'bit-identical' } },
};

/** tfjs-backend-wasm with modelspec's training kernels, as Node and browsers declare it (single-threaded by default: the same results everywhere). */
export const WASM_ENGINE: EngineDeclaration = {
  type: 'wasm',
  priority: 2,
  environments: ['node', 'browser'],
  tfjsBackend: 'wasm',
  capabilities: {
    kernels: [...WASM_ADDED_KERNELS, ...WASM_REPLACED_KERNELS, ...WASM_WRAPPED_KERNELS],
    missingTrainingKernels: [],
    dtypes: ['float32', 'int32', 'bool'],
    determinism: { class: 'bit-identical' },
  },
};
