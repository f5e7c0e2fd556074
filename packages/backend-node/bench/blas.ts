/**
 * The machine's sgemm peak, measured two ways: the native engine's matmul
 * kernel (the N-API addon: OpenBLAS sgemm, one BLAS thread per part, split
 * over the addon's pool) and numpy's matmul (Debian numpy over the system
 * BLAS, OpenBLAS's own threads) through bench/blas_probe.py.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadAddon } from '../src/engines/native-addon.js';

export interface SgemmResult {
  via: string;
  n: number;
  gflops: number;
  calls: number;
  detail: string;
}

/** Seconds of the fastest of repeated calls: one warm-up call, then at least three for about `seconds`. */
export function bestCall(call: () => void, seconds: number): { best: number; calls: number } {
  call();
  let best = Infinity, calls = 0;
  const t0 = performance.now();
  while (calls < 3 || performance.now() - t0 < seconds * 1000) {
    const t = performance.now();
    call();
    best = Math.min(best, performance.now() - t);
    calls++;
  }
  return { best: best / 1000, calls };
}

/** The best of repeated n x n x n float32 products through the addon's `matmul`, after one warm-up call. */
export function nativeSgemm(n: number, seconds: number): SgemmResult | string {
  const r = loadAddon();
  if (!r.ok) return r.reason;
  const { addon, I, threads } = r.loaded;
  const fill = () => Float32Array.from({ length: n * n }, () => Math.random());
  const a = fill(), b = fill(), y = new Float32Array(n * n);
  const { best, calls } = bestCall(() => {
    I.set([1, 1, n, n, n, 0, 0, 0]); // batchA, batchB, M, N, K, transA, transB, no activation
    addon.matmul(a, b, y, null);
  }, seconds);
  return { via: 'native addon matmul', n, gflops: (2 * n ** 3) / best / 1e9, calls, detail: `${threads} pool thread(s) x 1 OpenBLAS thread, ${openblasLoadedHere() ?? 'OpenBLAS'}` };
}

/** The OpenBLAS shared library mapped into this process (after the addon loaded it). */
export function openblasLoadedHere(): string | undefined {
  try {
    return readFileSync('/proc/self/maps', 'utf8').split('\n').map((l) => l.split(/\s+/).pop()!).find((p) => /openblas/.test(p) && /\.so/.test(p));
  } catch {
    return undefined;
  }
}

export interface NumpyProbe {
  sgemm: SgemmResult | string;
  numpy?: string;
  openblasConfig?: string;
  openblasLibrary?: string;
}

export function numpySgemm(python: string, n: number, seconds: number): NumpyProbe {
  const script = fileURLToPath(new URL('./blas_probe.py', import.meta.url));
  let out: { error?: string; numpy?: string; libraries?: string[]; openblas_config?: string; openblas_threads?: number; gflops?: number; calls?: number };
  try {
    const env = { ...process.env };
    delete env['OPENBLAS_NUM_THREADS'];
    out = JSON.parse(execFileSync(python, [script, String(n), String(seconds)], { encoding: 'utf8', env, timeout: (seconds + 60) * 1000 }).trim().split('\n').pop()!);
  } catch (e) {
    return { sgemm: `${python} ${script} failed: ${(e as Error).message.split('\n')[0]}` };
  }
  if (out.error || out.gflops === undefined) return { sgemm: out.error ?? 'no result' };
  const lib = out.libraries?.find((l) => /openblas/.test(l.split('/').pop()!)) ?? out.libraries?.[0];
  return {
    sgemm: { via: 'numpy matmul', n, gflops: out.gflops, calls: out.calls!, detail: `numpy ${out.numpy}, OpenBLAS's own threads (${out.openblas_threads ?? '?'}), ${lib ?? 'BLAS'}` },
    numpy: out.numpy,
    openblasConfig: out.openblas_config,
    openblasLibrary: lib,
  };
}
