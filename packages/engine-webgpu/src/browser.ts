/**
 * The webgpu engine in a browser: navigator.gpu, the default feature level.
 * Software adapters (SwiftShader under --enable-unsafe-webgpu, say) are
 * recognised and never outrank a CPU engine unless named.
 */
import type { EngineProbe } from '@modelspec/core';
import { adapterLine, describeAdapter, type GpuAdapterLike, type GpuLike } from './adapter.js';
import { createWebgpuEngine, type WebgpuSource } from './engine.js';

const navigatorGpu = (): GpuLike | undefined => (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;

/** A source over the browser's navigator.gpu (or any object with its requestAdapter). */
export function browserWebgpuSource(gpu: () => GpuLike | undefined = navigatorGpu): WebgpuSource {
  let adapter: Promise<GpuAdapterLike | null> | null = null;
  const request = () => (adapter ??= gpu()?.requestAdapter({ powerPreference: 'high-performance' }) ?? Promise.resolve(null));
  return {
    environments: ['browser'],
    async probe(): Promise<EngineProbe> {
      if (!gpu()) return { available: false, reason: 'this browser has no WebGPU (navigator.gpu)', fix: 'use a current Chrome, Edge, Safari or Firefox, on a secure origin (https or localhost)' };
      const a = await request();
      if (!a) return { available: false, reason: 'navigator.gpu gave no adapter (the GPU or its driver is blocklisted, or WebGPU is switched off)', fix: 'update the GPU driver; chrome://gpu says why WebGPU is off' };
      const info = a.info ?? {};
      const described = describeAdapter(info, 'browser WebGPU', !!a.isFallbackAdapter);
      return { available: true, detail: adapterLine(described), adapter: described };
    },
    async open() {
      const a = await request();
      if (!a) throw new Error('navigator.gpu gave no adapter');
      return { adapter: a, info: a.info ?? {} };
    },
  };
}

/** The webgpu engine on the browser's navigator.gpu: register it in the browser backend's engine list. */
export const browserWebgpuEngine = createWebgpuEngine(browserWebgpuSource());
