/**
 * What this machine's sgemm allows a training step, whatever the framework:
 * the matrix products a step of a model must compute (dense and convolution
 * layers lowered to GEMMs, as im2col lowers a convolution), each timed alone
 * at its own shape through OpenBLAS (the native addon's matmul and numpy's,
 * whichever is faster at that shape). Their sum is
 * the step's time if nothing else in it (activations, pooling, the loss, the
 * optimizer, im2col itself, the framework) cost anything: a floor under any
 * engine that computes its products with this machine's BLAS.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadAddon } from '../src/engines/native-addon.js';
import { bestCall } from './blas.js';
import { layerKernel, outputPositions, prod } from './throughput.js';

/** One product y[M,N] = op(a)[M,K] x op(b)[K,N]; op transposes when the flag is set. */
export interface Gemm {
  tA: 0 | 1;
  tB: 0 | 1;
  M: number;
  N: number;
  K: number;
}

/**
 * The products of one training step at `batch` examples: for every dense and
 * conv2d layer the forward product (its kernel, all dimensions but the last
 * folded into the depth, applied at every output position of the batch), the
 * kernel's gradient and, unless the layer reads the model's input (tfjs
 * computes no gradient there), the input's gradient. A string when the model
 * has a layer with a kernel that is not modelled here.
 */
export function stepGemms(model: tfl.LayersModel, batch: number): Gemm[] | string {
  const out: Gemm[] = [];
  for (const layer of model.layers) {
    const kernel = layerKernel(layer);
    if (!kernel) continue;
    const kind = layer.getClassName();
    if (kind !== 'Dense' && kind !== 'Conv2D') return `${kind} layer ${layer.name}: its products are not modelled`;
    const M = batch * outputPositions(layer);
    const [N, K] = [kernel.shape.at(-1) as number, prod(kernel.shape.slice(0, -1))];
    out.push({ tA: 0, tB: 0, M, N, K }); // forward
    out.push({ tA: 1, tB: 0, M: K, N, K: M }); // kernel gradient: x^T dy
    const fedByInput = layer.inboundNodes.every((n) => n.inboundLayers.every((l) => l.getClassName() === 'InputLayer'));
    if (!fedByInput) out.push({ tA: 0, tB: 1, M, N: K, K: N }); // input gradient: dy w^T
  }
  return out;
}

/** A product this small in one of its dimensions (a 3x3 filter over up to 3 channels is 27 deep) runs far below the peak; a direct kernel may beat it. */
export const THIN = 27;
export const isThin = (g: Gemm) => Math.min(g.M, g.N, g.K) <= THIN;

export const gemmFlops = (gs: readonly Gemm[]) => gs.reduce((a, g) => a + 2 * g.M * g.N * g.K, 0);

/** Best seconds of one product alone: with every thread, and with one thread (for trials in parallel processes). */
export interface ProductTime {
  all: number;
  one: number;
}

const keyOf = (g: Gemm) => `${g.tA}${g.tB} ${g.M}x${g.N}x${g.K}`;

/** The best call through the addon's matmul (bestCall), on `t` threads. */
function addonSeconds(g: Gemm, t: number, seconds: number, loaded: Extract<ReturnType<typeof loadAddon>, { ok: true }>['loaded']): number {
  const { addon, I, threads } = loaded;
  const a = new Float32Array(g.M * g.K).map(() => Math.random());
  const b = new Float32Array(g.K * g.N).map(() => Math.random());
  const y = new Float32Array(g.M * g.N);
  addon.setThreads(t);
  try {
    return bestCall(() => {
      I.set([1, 1, g.M, g.N, g.K, g.tA, g.tB, 0]);
      addon.matmul(a, b, y, null);
    }, seconds).best;
  } finally {
    addon.setThreads(threads);
  }
}

/** numpy's matmul at each shape (bench/gemm_probe.py), with OpenBLAS's own threads or one; a string says why not. */
function numpySeconds(gs: readonly Gemm[], oneThread: boolean, seconds: number, python: string): number[] | string {
  const script = fileURLToPath(new URL('./gemm_probe.py', import.meta.url));
  const env = { ...process.env };
  if (oneThread) env['OPENBLAS_NUM_THREADS'] = '1';
  else delete env['OPENBLAS_NUM_THREADS'];
  const r = spawnSync(python, [script, String(seconds)], { input: JSON.stringify(gs), encoding: 'utf8', env, timeout: (gs.length * (seconds + 1) * 4 + 60) * 1000 });
  if (r.status !== 0) return `${python} ${script} failed: ${(r.error?.message ?? r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`).slice(0, 200)}`;
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as number[];
  return out.length === gs.length ? out : `${script} answered ${out.length} times for ${gs.length} products`;
}

export interface ProductTimes {
  /** The best of the ways measured, per product shape. */
  get(g: Gemm): ProductTime;
  /** How the products were timed. */
  ways: string[];
  /** Ways that could not be measured, and why. */
  failed: string[];
}

/**
 * Times every distinct product alone, each way this machine offers: the
 * native addon's matmul (OpenBLAS sgemm, one BLAS thread per part, split over
 * the addon's pool) and, with `python`, numpy's matmul (the same OpenBLAS,
 * its own threads); with every thread and with one. Each product keeps the
 * best way's time, so the floor is the lowest any of them allows.
 */
export function timeProducts(gs: readonly Gemm[], o: { seconds: number; python?: string }): ProductTimes | string {
  const r = loadAddon();
  if (!r.ok) return r.reason;
  const shapes = [...new Map(gs.map((g) => [keyOf(g), g])).values()];
  const times = new Map<string, ProductTime>();
  for (const g of shapes) times.set(keyOf(g), { all: addonSeconds(g, r.loaded.threads, o.seconds, r.loaded), one: addonSeconds(g, 1, o.seconds, r.loaded) });
  const ways = [`native addon matmul (${r.loaded.threads} pool thread(s) x 1 OpenBLAS thread, and 1 x 1)`];
  const failed: string[] = [];
  if (o.python) {
    const all = numpySeconds(shapes, false, o.seconds, o.python);
    const one = typeof all === 'string' ? all : numpySeconds(shapes, true, o.seconds, o.python);
    if (typeof all === 'string' || typeof one === 'string') failed.push(`numpy matmul at the products' shapes: ${typeof all === 'string' ? all : one}`);
    else {
      shapes.forEach((g, i) => {
        const t = times.get(keyOf(g))!;
        times.set(keyOf(g), { all: Math.min(t.all, all[i]!), one: Math.min(t.one, one[i]!) });
      });
      ways.push("numpy matmul (OpenBLAS's own threads, and OPENBLAS_NUM_THREADS=1)");
    }
  }
  return {
    get: (g) => {
      const t = times.get(keyOf(g));
      if (!t) throw new Error(`product ${keyOf(g)} was not timed`);
      return t;
    },
    ways,
    failed,
  };
}

const sum = (times: ProductTimes, gs: readonly Gemm[], way: keyof ProductTime) => gs.reduce((a, g) => a + times.get(g)[way], 0);

/** One step's products one after another with every thread. */
export const stepSeconds = (times: ProductTimes, gs: readonly Gemm[]) => sum(times, gs, 'all');

/**
 * The floor of one step's time per trial: its products with every thread,
 * or, when trials run `processes` at once with one thread each and scale
 * perfectly, a single-thread step over `processes`; the lower of the two.
 * With `only`, the time of those products alone, the way the whole step's
 * floor was taken.
 */
export function stepFloor(times: ProductTimes, gs: readonly Gemm[], processes: number, only?: (g: Gemm) => boolean): number {
  const part = only ? gs.filter(only) : gs;
  const all = sum(times, gs, 'all');
  const one = processes > 1 ? sum(times, gs, 'one') / processes : Infinity;
  return all <= one ? sum(times, part, 'all') : sum(times, part, 'one') / processes;
}
