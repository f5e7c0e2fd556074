/**
 * Loads the native engine's N-API addon (packages/backend-node/native,
 * built by node-gyp at install time). Loading never throws: failures come
 * back as a reason and a fix that the engine's probe() reports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The addon's functions; integer parameters go through `I`, floats through `F`. */
export interface NativeAddon {
  readonly abiVersion: number;
  init(i: Int32Array, f: Float64Array, threads: number): { threads: number; isa: number; blasCore: string; blasConfig: string };
  /** Threads used per parallel job from now on (1..started); returns the value set. */
  setThreads(n: number): number;
  unary(op: number, x: Float32Array, y: Float32Array): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array | Uint8Array): void;
  select(cond: Uint8Array, a: Float32Array, b: Float32Array, y: Float32Array): void;
  clip(x: Float32Array, y: Float32Array): void;
  adam(x: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, xo: Float32Array, mo: Float32Array, vo: Float32Array): void;
  reduce(op: number, x: Float32Array, y: Float32Array): void;
  softmax(x: Float32Array, y: Float32Array): void;
  matmul(a: Float32Array, b: Float32Array, y: Float32Array, bias: Float32Array | null): void;
  biasAct(y: Float32Array, bias: Float32Array | null): void;
  /** Fills y with core's dropout mask; I = [s, threshold] (uint32 bits), F[0] = keep value. */
  dropoutMask(y: Float32Array): void;
  /** I = [rows, C, nMean, nVariance, nOffset, nScale] (each 1 or C), F[0] = variance epsilon. */
  batchNorm(x: Float32Array, mean: Float32Array, variance: Float32Array, offset: Float32Array | null, scale: Float32Array | null, y: Float32Array): void;
  conv2d(x: Float32Array, w: Float32Array, y: Float32Array): void;
  conv2dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array): void;
  maxPool(x: Float32Array, y: Float32Array): void;
  maxPoolGrad(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  avgPool(x: Float32Array, y: Float32Array): void;
  avgPoolGrad(dy: Float32Array, dx: Float32Array): void;
  gather(x: Float32Array, idx: Int32Array, y: Float32Array): boolean;
  segmentSum(x: Float32Array, seg: Int32Array, y: Float32Array): void;
  /** 4-byte strided copy; I = [rank, xOff, yOff, shape.., xStrides.., yStrides..] (native/src/copy.c). */
  stridedCopy(x: Float32Array | Int32Array, y: Float32Array | Int32Array): void;
}

export interface LoadedAddon {
  readonly addon: NativeAddon;
  /** Shared integer / float parameter blocks (see native/src/addon.c). */
  readonly I: Int32Array;
  readonly F: Float64Array;
  readonly threads: number;
  readonly blasCore: string;
  /** Code path picked for this CPU: 4 AVX-512, 3 AVX2+FMA, 1 baseline x86-64. */
  readonly isa: number;
  readonly path: string;
}

export type AddonLoad = { ok: true; loaded: LoadedAddon } | { ok: false; reason: string; fix: string };

const ABI_VERSION = 4;
export const NATIVE_FIX =
  'apt-get install -y libopenblas-dev build-essential python3 && npm rebuild @modelspec/backend-node ' +
  '(or: node packages/backend-node/native/build.mjs)';

/** native/ relative to this file, both from src/engines and dist/engines. */
const nativeDir = fileURLToPath(new URL('../../native/', import.meta.url));

export function addonPath(): string {
  return process.env.MODELSPEC_NATIVE_ADDON ?? `${nativeDir}build/Release/modelspec_native.node`;
}

function buildStatus(): string | undefined {
  try {
    const s = JSON.parse(readFileSync(`${nativeDir}build/build-status.json`, 'utf8')) as { ok?: boolean; detail?: string };
    return s.ok ? undefined : s.detail;
  } catch {
    return undefined;
  }
}

/** Worker threads for the addon's pool: MODELSPEC_NATIVE_THREADS or all cores (max 8). */
function threadCount(): number {
  const env = Number(process.env.MODELSPEC_NATIVE_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 64);
  return Math.max(1, Math.min(availableParallelism(), 8));
}

/** Loads the addon at `path` (uncached; never throws). */
export function tryLoadAddon(path: string): AddonLoad {
  if (!existsSync(path)) {
    const status = buildStatus();
    return {
      ok: false,
      reason: `native addon not built (${path} missing)${status ? `: build failed: ${status.split('\n')[0]}` : ''}`,
      fix: NATIVE_FIX,
    };
  }
  try {
    const require = createRequire(import.meta.url);
    const addon = require(path) as NativeAddon;
    if (addon.abiVersion !== ABI_VERSION) {
      return { ok: false, reason: `native addon is stale (abi ${String(addon.abiVersion)}, want ${ABI_VERSION})`, fix: NATIVE_FIX };
    }
    const I = new Int32Array(64);
    const F = new Float64Array(16);
    const info = addon.init(I, F, threadCount());
    return { ok: true, loaded: { addon, I, F, threads: info.threads, blasCore: info.blasCore, isa: info.isa, path } };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: `native addon failed to load: ${msg.split('\n')[0]}`, fix: NATIVE_FIX };
  }
}

let cached: AddonLoad | undefined;
let shareOfThreads: number | undefined;

/** The addon at addonPath(), loaded once (with the share of threads set so far, if any). */
export function loadAddon(): AddonLoad {
  if (!cached) {
    cached = tryLoadAddon(addonPath());
    if (cached.ok && shareOfThreads !== undefined) cached.loaded.addon.setThreads(shareOfThreads);
  }
  return cached;
}

/**
 * This process's share of the threads it started with, from now on (a
 * pool's process, told whenever a trial beside it starts or ends). Results
 * do not depend on it: the addon cuts its work by shape, not by thread.
 */
export function setNativeThreads(n: number): void {
  shareOfThreads = n;
  if (cached?.ok) cached.loaded.addon.setThreads(n);
}

/** Whether the threads are shared with other trials' processes (setNativeThreads was called). */
export const nativeThreadsShared = () => shareOfThreads !== undefined;
