/**
 * The few WebGPU shapes this engine touches, written out so the package
 * compiles with neither DOM nor Node types (the browser's navigator.gpu and
 * Dawn's `create()` both satisfy them).
 */
import type { EngineAdapter } from '@modelspec/core';

export interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface GpuAdapterLike {
  readonly info?: GpuAdapterInfoLike;
  readonly isFallbackAdapter?: boolean;
  readonly limits: Record<string, number> & object;
  readonly features: { has(name: string): boolean };
  requestDevice(descriptor?: object): Promise<GpuDeviceLike>;
}

export interface GpuDeviceLike {
  readonly lost?: Promise<{ reason?: string; message?: string }>;
  destroy?(): void;
}

export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power'; featureLevel?: 'core' | 'compatibility' }): Promise<GpuAdapterLike | null>;
}

/** Adapters that are the CPU pretending to be a GPU: fine for tests, never a reason to leave a CPU engine. */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render/i;

/** What a run record and `doctor` say about an adapter. */
export function describeAdapter(info: GpuAdapterInfoLike, backend: string | undefined, fallback = false): EngineAdapter {
  const fields = [info.vendor, info.architecture, info.device, info.description].filter((s): s is string => !!s);
  const software = fallback || !!info.isFallbackAdapter || fields.some((s) => SOFTWARE.test(s));
  // llvmpipe and SwiftShader leave vendor (and architecture) empty; the device or description names them
  const text = fields.join(' ');
  const vendor = info.vendor || (/llvmpipe|softpipe|lavapipe|mesa/i.test(text) ? 'mesa' : /swiftshader/i.test(text) ? 'google' : 'unknown');
  const architecture = info.architecture || info.device?.replace(/-+$/, '') || undefined;
  return { vendor, ...(architecture ? { architecture } : {}), ...(backend ? { backend } : {}), software };
}

/** One line for people: `llvmpipe (LLVM 15.0.6, 256 bits), OpenGL ES on Dawn, software`. */
export function adapterLine(a: EngineAdapter): string {
  return `${a.vendor}${a.architecture ? ` ${a.architecture}` : ''}${a.backend ? `, ${a.backend}` : ''}, ${a.software ? 'software adapter (for tests: never chosen over a CPU engine unless named)' : 'hardware adapter'}`;
}

/** The limits tfjs-backend-webgpu asks for (its own registration asks for the same: the adapter's maxima). */
export function deviceDescriptor(adapter: GpuAdapterLike): object {
  const l = adapter.limits as Record<string, number>;
  const keys = ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'];
  return { requiredFeatures: [], requiredLimits: Object.fromEntries(keys.map((k) => [k, l[k]])) };
}
