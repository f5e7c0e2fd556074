/**
 * The webgpu engine, whatever provides the GPU: the browser's navigator.gpu
 * or Dawn in Node (see node.ts). tfjs-backend-webgpu's own registration asks
 * navigator.gpu for an adapter with the default feature level; this engine
 * registers the backend with the device its source opened instead, so Node
 * can hand it a `compatibility` adapter (Dawn's OpenGL ES) and every
 * environment says which adapter it trains on.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineEngine, type EngineKind, type EngineProbe } from '@modelspec/core';
import { deviceDescriptor, type GpuAdapterInfoLike, type GpuAdapterLike, type GpuDeviceLike } from './adapter.js';
import { registerWebgpuTrainingKernels, WEBGPU_ADDED_KERNELS, WEBGPU_MISSING_TRAINING_KERNELS, WEBGPU_REPLACED_KERNELS } from './training-kernels.js';

/** Where the engine's GPU comes from. */
export interface WebgpuSource {
  readonly environments: readonly ('node' | 'browser')[];
  /** What adapter this engine would train on, without opening a device (cached by the source). */
  probe(): Promise<EngineProbe>;
  /**
   * Opens the adapter the probe described (called once, at the first
   * activation). It makes `globalThis.navigator.gpu` exist where it does not,
   * since tfjs-backend-webgpu's constructor checks for it.
   */
  open(): Promise<{ adapter: GpuAdapterLike; info: GpuAdapterInfoLike }>;
}

export const WEBGPU_DESCRIPTION =
  "tfjs-backend-webgpu: WGSL compute shaders on the GPU (the browser's WebGPU, or Dawn in Node on Vulkan/Metal/D3D12, else OpenGL ES), with the training kernels modelspec corrects. A software adapter (SwiftShader, llvmpipe) is for tests and is only used when named.";

const FACTORY = Symbol.for('@modelspec/engine-webgpu:factory');

export function createWebgpuEngine(source: WebgpuSource): EngineKind {
  let opened: Promise<{ device: GpuDeviceLike; info: GpuAdapterInfoLike }> | null = null;
  const open = async () => {
    const { adapter, info } = await source.open();
    const device = await adapter.requestDevice(deviceDescriptor(adapter));
    return { device, info };
  };
  return defineEngine({
    type: 'webgpu',
    description: WEBGPU_DESCRIPTION,
    // Above every CPU engine: a hardware adapter is the fastest thing here. engineChooser puts a software adapter last whatever this says.
    priority: 5,
    environments: source.environments,
    tfjsBackend: 'webgpu',
    capabilities: {
      kernels: [...WEBGPU_ADDED_KERNELS, ...WEBGPU_REPLACED_KERNELS],
      missingTrainingKernels: WEBGPU_MISSING_TRAINING_KERNELS,
      dtypes: ['float32', 'int32', 'bool'],
      // The same shaders on the same adapter give the same bits, but adapters (and drivers) round differently.
      determinism: { class: 'tolerance', relative: 1e-5 },
    },
    probe: () => source.probe(),
    async activate() {
      // Importing registers tfjs-backend-webgpu's kernels (and, where navigator.gpu exists, its own backend factory, replaced below).
      const webgpu = await import('@tensorflow/tfjs-backend-webgpu');
      if (!opened) {
        opened = open();
        opened.catch(() => (opened = null));
      }
      const { device, info } = await opened;
      registerWebgpuTrainingKernels(tf);
      const current = tf.findBackendFactory('webgpu') as (((...a: unknown[]) => unknown) & { [FACTORY]?: boolean }) | null;
      if (!current?.[FACTORY]) {
        if (current) tf.removeBackend('webgpu');
        const factory = Object.assign(() => new webgpu.WebGPUBackend(device as never, info as never), { [FACTORY]: true });
        tf.registerBackend('webgpu', factory, 0);
      }
      if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not initialize the webgpu backend on the adapter it opened');
    },
  });
}
