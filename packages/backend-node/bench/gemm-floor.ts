/**
 * What this machine's sgemm allows a training step, whatever the framework:
 * the matrix products a step of a model must compute (dense and convolution
 * layers lowered to GEMMs, as im2col lowers a convolution), each timed alone
 * at its own shape through the native addon's OpenBLAS sgemm. Their sum is
 * the step's time if nothing else in it (activations, pooling, the loss, the
 * optimizer, im2col itself, the framework) cost anything: a floor under any
 * engine that computes its products with this machine's BLAS.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadAddon } from '../src/engines/native-addon.js';

/** One product y[M,N] = op(a)[M,K] x op(b)[K,N]; op transposes when the flag is set. */
export interface Gemm {
  tA: 0 | 1;
  tB: 0 | 1;
  M: number;
  N: number;
  K: number;
}

const prod = (xs: readonly (number | null)[]) => xs.reduce<number>((a, d) => a * (d ?? 1), 1);

/**
 * The products of one training step at `batch` examples: for every dense and
 * conv2d layer the forward product, the kernel's gradient and, unless the
 * layer reads the model's input (tfjs computes no gradient there), the
 * input's gradient. A string when the model has a layer with a kernel that
 * is not modelled here.
 */
export function stepGemms(model: tfl.LayersModel, batch: number): Gemm[] | string {
  const out: Gemm[] = [];
  for (const layer of model.layers) {
    const kernel = layer.weights.find((w) => /(^|\/)kernel(_\d+)?$/.test(w.name));
    if (!kernel) continue;
    const kind = layer.getClassName();
    const fedByInput = layer.inboundNodes.every((n) => n.inboundLayers.every((l) => l.getClassName() === 'InputLayer'));
    const [k0, k1, k2, k3] = kernel.shape as number[];
    let M: number, N: number, K: number;
    if (kind === 'Dense') {
      const shapes = layer.inboundNodes[0]!.inputShapes as (number | null)[] | (number | null)[][];
      const inShape = (Array.isArray(shapes[0]) ? shapes[0] : shapes) as (number | null)[];
      M = batch * prod(inShape.slice(1, -1));
      K = k0!;
      N = k1!;
    } else if (kind === 'Conv2D') {
      const outShape = layer.outputShape as (number | null)[];
      M = batch * prod(outShape.slice(1, -1));
      K = k0! * k1! * k2!;
      N = k3!;
    } else return `${kind} layer ${layer.name}: its products are not modelled`;
    out.push({ tA: 0, tB: 0, M, N, K }); // forward
    out.push({ tA: 1, tB: 0, M: K, N, K: M }); // kernel gradient: x^T dy
    if (!fedByInput) out.push({ tA: 0, tB: 1, M, N: K, K: N }); // input gradient: dy w^T
  }
  return out;
}

/** A product this small in one of its dimensions (a 3x3 filter over up to 3 channels is 27 deep) runs far below the peak; a direct kernel may beat it. */
export const THIN = 27;
export const isThin = (g: Gemm) => Math.min(g.M, g.N, g.K) <= THIN;

export const gemmFlops = (gs: readonly Gemm[]) => gs.reduce((a, g) => a + 2 * g.M * g.N * g.K, 0);

/**
 * Times products alone through the addon's matmul: the best call of at least
 * three, for about `seconds` each, after a warm-up call; a shape is timed
 * once per thread count and remembered.
 */
export function gemmTimer(seconds: number) {
  const r = loadAddon();
  if (!r.ok) return r.reason;
  const { addon, I, threads } = r.loaded;
  const cache = new Map<string, number>();
  const time = (g: Gemm, t: number): number => {
    const key = `${g.tA}${g.tB} ${g.M}x${g.N}x${g.K} ${t}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const a = new Float32Array(g.M * g.K).map(() => Math.random());
    const b = new Float32Array(g.K * g.N).map(() => Math.random());
    const y = new Float32Array(g.M * g.N);
    addon.setThreads(t);
    const call = () => {
      I.set([1, 1, g.M, g.N, g.K, g.tA, g.tB, 0]);
      addon.matmul(a, b, y, null);
    };
    try {
      call();
      let best = Infinity, calls = 0;
      const t0 = performance.now();
      while (calls < 3 || performance.now() - t0 < seconds * 1000) {
        const s = performance.now();
        call();
        best = Math.min(best, performance.now() - s);
        calls++;
      }
      cache.set(key, best / 1000);
      return best / 1000;
    } finally {
      addon.setThreads(threads);
    }
  };
  return {
    threads,
    /** Seconds of the products one after another, `t` threads each (1..threads). */
    seconds: (gs: readonly Gemm[], t = threads) => gs.reduce((a, g) => a + time(g, t), 0),
  };
}

export type GemmTimer = Exclude<ReturnType<typeof gemmTimer>, string>;

/**
 * The floor of one step's time per trial: its products with every thread,
 * or, when trials run `processes` at once with one thread each and scale
 * perfectly, a single-thread step over `processes`; the lower of the two.
 * With `only`, the time of those products alone, the way the whole step's
 * floor was taken.
 */
export function stepFloor(timer: GemmTimer, gs: readonly Gemm[], processes: number, only?: (g: Gemm) => boolean): number {
  const part = only ? gs.filter(only) : gs;
  const all = timer.seconds(gs);
  if (processes <= 1) return only ? timer.seconds(part) : all;
  const one = timer.seconds(gs, 1) / processes;
  return all <= one ? timer.seconds(part) : timer.seconds(part, 1) / processes;
}
