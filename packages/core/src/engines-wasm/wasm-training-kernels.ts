/**
 * Training kernels for tfjs-backend-wasm (4.22), built from kernels it has.
 *
 * - Conv2DBackpropFilter (the weight gradient of Conv2D and FusedConv2D) is
 *   missing, so the backend cannot train a CNN. Added: an im2col product.
 * - MaxPoolGrad is wrong: a window whose values are all negative passes no
 *   gradient (cpu passes it to the window's first maximum), which matters
 *   wherever a max pool does not follow a ReLU (batch norm, a linear conv).
 *   Replaced: a loop over the heap with cpu's semantics.
 * - Conv2DBackpropInput is right but a naive loop, ten times slower than the
 *   forward convolution. Replaced: XNNPACK's Conv2D of the dilated, padded dy.
 * - BatchMatMul/_FusedMatMul with a transposed operand run a naive loop
 *   (1-2 GFLOP/s) instead of XNNPACK; the gradients of every Dense layer hit
 *   it (dy·Wᵀ, xᵀ·dy). Wrapped: transpose first, then XNNPACK; BatchMatMul
 *   also picks which operand XNNPACK packs (see xnnMatMul).
 * Every other kernel the gradients of modelspec's layers need (AvgPoolGrad,
 * the ops behind the batch-norm, concatenate, pad and activation gradients)
 * exists and matches cpu.
 *
 * Environment-free (no Node or DOM): backend-node and backend-web share it.
 * Importing this module changes nothing; `registerWasmTrainingKernels` does,
 * once (a second call finds its kernels in place and changes nothing).
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/** What is used of the tfjs-core namespace; pass `import * as tf from '@tensorflow/tfjs-core'`. */
export type WasmTrainingTf = Pick<typeof tfc, 'getKernel' | 'registerKernel' | 'unregisterKernel' | 'backend_util'>;

export interface WasmTrainingOptions {
  /** The backend the kernels are registered for; default 'wasm'. */
  backendName?: string;
  /**
   * Run BatchMatMul and _FusedMatMul with transposeA/transposeB on XNNPACK (a
   * transpose, then the plain product) instead of the naive loop, and let
   * BatchMatMul pick the operand XNNPACK packs; default true.
   */
  matMul?: boolean;
}

export interface WasmTrainingRegistration {
  /** Kernels this module provides that the backend lacked (registered now or by an earlier call). */
  readonly added: string[];
  /** The backend's kernels this module replaced (now or by an earlier call). */
  readonly replaced: string[];
  /** The backend's kernels this module wraps (now or by an earlier call). */
  readonly wrapped: string[];
}

/** Marks the kernel functions this module registers, across module copies. */
const MARK = Symbol.for('@modelspec/core:wasm-training-kernel');

/** The wasm backend as these kernels use it: tensor data is reference-counted by data id. */
interface RefCountedBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}

/** BackendWasm's own helpers for kernels written in JavaScript over its heap. */
interface HeapBackend extends RefCountedBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

function heapBackend(backend: unknown, kernelName: string): HeapBackend {
  const b = backend as Partial<HeapBackend>;
  if (typeof b.makeOutput !== 'function' || typeof b.typedArrayFromHeap !== 'function') {
    throw new Error(`${kernelName}: the backend is not tfjs-backend-wasm's (no makeOutput/typedArrayFromHeap)`);
  }
  return b as HeapBackend;
}

type Run = (kernelName: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs?: object) => TensorInfo;

const isOurs = (k: KernelConfig | undefined): boolean => !!k && (k.kernelFunc as unknown as Record<symbol, unknown>)[MARK] === true;

function mark<F extends KernelFunc>(f: F): F {
  Object.defineProperty(f, MARK, { value: true });
  return f;
}

/**
 * Runs `body` with a `run` that calls the backend's registered kernels
 * directly (no engine bookkeeping, no tape) and disposes every intermediate
 * it made (and every one given to `track`) when `body` returns; `body`'s
 * result is kept.
 */
function withIntermediates<T extends TensorInfo>(
  tf: WasmTrainingTf,
  backendName: string,
  backend: RefCountedBackend,
  body: (run: Run, track: (t: TensorInfo) => TensorInfo) => T,
): T {
  const made: TensorInfo[] = [];
  const run: Run = (kernelName, inputs, attrs = {}) => {
    const k = tf.getKernel(kernelName, backendName);
    if (!k) throw new Error(`wasm training kernels need the '${kernelName}' kernel of backend '${backendName}'`);
    const out = k.kernelFunc({ inputs: inputs as never, backend, attrs: attrs as NamedAttrMap });
    if (Array.isArray(out)) throw new Error(`kernel '${kernelName}' returned several outputs`);
    made.push(out);
    return out;
  };
  let result: T | undefined;
  try {
    result = body(run, (t) => {
      made.push(t);
      return t;
    });
    return result;
  } finally {
    for (const t of made) if (t !== result) backend.disposeData(t.dataId);
  }
}

// --- Conv2DBackpropFilter ------------------------------------------------------------------

/**
 * Cuts or zero-pads the spatial axes `hAxis` and `hAxis + 1` of `x` to `before` rows/columns
 * ahead of the data and a total of `total`: negative amounts cut, positive ones pad.
 */
function fitSpatial(run: Run, x: TensorInfo, hAxis: number, before: [number, number], total: [number, number]): TensorInfo {
  const shape = x.shape;
  const after = [0, 1].map((d) => total[d]! - before[d]! - shape[hAxis + d]!) as [number, number];
  let out = x;
  if (before[0] < 0 || before[1] < 0 || after[0] < 0 || after[1] < 0) {
    const begin = shape.map(() => 0);
    const size = shape.slice();
    for (const d of [0, 1]) {
      begin[hAxis + d] = Math.max(0, -before[d]!);
      size[hAxis + d] = shape[hAxis + d]! - begin[hAxis + d]! - Math.max(0, -after[d]!);
    }
    out = run('Slice', { x: out }, { begin, size });
  }
  if (before[0] > 0 || before[1] > 0 || after[0] > 0 || after[1] > 0) {
    const paddings = shape.map(() => [0, 0]);
    for (const d of [0, 1]) paddings[hAxis + d] = [Math.max(0, before[d]!), Math.max(0, after[d]!)];
    out = run('PadV2', { x: out }, { paddings, constantValue: 0 });
  }
  return out;
}

/**
 * dW[kh, kw, c, co] = Σ_{n, i, j} xpad[n, i·sh + kh, j·sw + kw, c] · dy[n, i, j, co], as one
 * product: the input, channels first and padded, is split into its stride phases
 * ([sh, sw, c·n, rows, cols]: row u·sh + p of phase p is row u), so that the window of
 * each filter tap is a plain slice of one phase; the windows, stacked, are a
 * [fh·fw·c, n·oh·ow] matrix that multiplies dy as [n·oh·ow, co] on XNNPACK. (The backend's
 * StridedSlice, the obvious way to cut strided windows, runs at ~150 ns a float.)
 */
function conv2DBackpropFilter(tf: WasmTrainingTf, backendName: string): KernelFunc {
  return mark(({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as tfc.Conv2DBackpropFilterAttrs;
    const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat ?? 'NHWC');
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      a.filterShape,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      format,
    );
    const { batchSize: n, inChannels: c, outHeight: oh, outWidth: ow, outChannels: co } = info;
    const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
    return withIntermediates(tf, backendName, backend as RefCountedBackend, (run) => {
      if (n * oh * ow === 0 || c === 0) {
        return run('Fill', [], { shape: [fh, fw, c, co], value: 0, dtype: 'float32' });
      }
      // Rows per phase: enough for every tap's window; rows no window reaches are cut.
      const hs = Math.floor((fh - 1) / sh) + oh;
      const ws = Math.floor((fw - 1) / sw) + ow;
      const xt = run('Transpose', { x }, { perm: format === 'channelsLast' ? [3, 0, 1, 2] : [1, 0, 2, 3] }); // [c, n, h, w]
      const xp = fitSpatial(run, xt, 2, [info.padInfo.top, info.padInfo.left], [hs * sh, ws * sw]);
      let phases: TensorInfo;
      if (sh > 1 || sw > 1) {
        const split = run('Reshape', { x: xp }, { shape: [c * n, hs, sh, ws, sw] });
        const t = run('Transpose', { x: split }, { perm: [2, 4, 0, 1, 3] }); // [sh, sw, c·n, hs, ws]
        phases = run('Reshape', { x: t }, { shape: [sh * sw * c * n, hs, ws] });
      } else {
        phases = run('Reshape', { x: xp }, { shape: [c * n, hs, ws] });
      }
      const windows: TensorInfo[] = [];
      for (let kh = 0; kh < fh; kh++) {
        for (let kw = 0; kw < fw; kw++) {
          const phase = (kh % sh) * sw + (kw % sw);
          const begin = [phase * c * n, Math.floor(kh / sh), Math.floor(kw / sw)];
          windows.push(run('Slice', { x: phases }, { begin, size: [c * n, oh, ow] }));
        }
      }
      const stacked = windows.length === 1 ? windows[0]! : run('Concat', windows, { axis: 0 }); // [fh·fw·c·n, oh, ow]
      const cols = run('Reshape', { x: stacked }, { shape: [fh * fw * c, n * oh * ow] });
      const dyNhwc = format === 'channelsLast' ? dy : run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] });
      const dy2 = run('Reshape', { x: dyNhwc }, { shape: [n * oh * ow, co] });
      const prod = run('BatchMatMul', { a: cols, b: dy2 }, { transposeA: false, transposeB: false });
      return run('Reshape', { x: prod }, { shape: [fh, fw, c, co] });
    });
  });
}

// --- Conv2DBackpropInput -------------------------------------------------------------------

/**
 * dx[n, y, x, ci] = Σ dy[n, i, j, co] · W[y + top − i·sh, x + left − j·sw, ci, co]: the
 * convolution (XNNPACK's Conv2D, stride 1, 'valid') of dy, with sh − 1 zeros put between
 * its rows (sw − 1 between its columns) and fh − 1 − top rows ahead, by the filter turned
 * half a turn with its channel axes swapped. tfjs-backend-wasm's own kernel is a naive loop
 * at ~2.5 GFLOP/s, ten times slower than its forward convolution.
 */
function conv2DBackpropInput(tf: WasmTrainingTf, backendName: string): KernelFunc {
  return mark(({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as tfc.Conv2DBackpropInputAttrs;
    const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat ?? 'NHWC');
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      format,
    );
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
    const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
    return withIntermediates(tf, backendName, backend as RefCountedBackend, (run) => {
      if (n * oh * ow * co === 0 || n * h * w * ci === 0) {
        return run('Fill', [], { shape: a.inputShape.slice(), value: 0, dtype: 'float32' });
      }
      let g = format === 'channelsLast' ? dy : run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] }); // [n, oh, ow, co]
      // cpu reads dy with its own strides and only its first oh rows and ow columns: a larger dy
      // (tfjs-core's conv2dTranspose tests pass one) is cut to that corner; a smaller one has no
      // meaning there (cpu reads past its rows) and is padded with zeros.
      if (g.shape[1] !== oh || g.shape[2] !== ow) g = fitSpatial(run, g, 1, [0, 0], [oh, ow]);
      if (sh > 1 || sw > 1) {
        const r = run('Reshape', { x: g }, { shape: [n, oh, 1, ow, 1, co] });
        const p = run('PadV2', { x: r }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
        g = run('Reshape', { x: p }, { shape: [n, oh * sh, ow * sw, co] });
      }
      const gp = fitSpatial(run, g, 1, [fh - 1 - info.padInfo.top, fw - 1 - info.padInfo.left], [h + fh - 1, w + fw - 1]);
      const turned = run('Reverse', { x: filter }, { dims: [0, 1] });
      const wt = run('Transpose', { x: turned }, { perm: [0, 1, 3, 2] }); // [fh, fw, co, ci]
      const dx = run('Conv2D', { x: gp, filter: wt }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined });
      return format === 'channelsLast' ? dx : run('Transpose', { x: dx }, { perm: [0, 3, 1, 2] });
    });
  });
}

// --- MaxPoolGrad ---------------------------------------------------------------------------

/**
 * dx of a 2D max pool with cpu's semantics: each window's gradient goes to its first
 * maximum in row-major order (strictly greater wins; padding never does), summed where
 * windows overlap. A loop over the wasm heap, channels innermost (NHWC): the pool's
 * forward pass stays XNNPACK's, this costs one pass over every window.
 */
function maxPoolGrad(tf: WasmTrainingTf): KernelFunc {
  return mark(({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const a = attrs as unknown as tfc.MaxPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const be = heapBackend(backend, 'MaxPoolGrad');
    const dx = be.makeOutput(input.shape.slice(), 'float32');
    // Views after the allocation: growing the heap detaches older ones.
    const x = be.typedArrayFromHeap(input);
    const g = be.typedArrayFromHeap(dy);
    const out = be.typedArrayFromHeap(dx);
    out.fill(0);
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
    const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const best = new Float32Array(c);
    const at = new Int32Array(c);
    for (let b = 0; b < n; b++) {
      const xb = b * h * w * c;
      for (let i = 0; i < oh; i++) {
        const r0 = Math.max(0, i * sh - top);
        const r1 = Math.min(h, i * sh - top + fh);
        for (let j = 0; j < ow; j++) {
          const c0 = Math.max(0, j * sw - left);
          const c1 = Math.min(w, j * sw - left + fw);
          best.fill(-Infinity);
          at.fill(-1);
          for (let r = r0; r < r1; r++) {
            for (let q = c0; q < c1; q++) {
              const base = xb + (r * w + q) * c;
              for (let k = 0; k < c; k++) {
                const v = x[base + k]!;
                if (v > best[k]!) {
                  best[k] = v;
                  at[k] = base + k;
                }
              }
            }
          }
          const gb = ((b * oh + i) * ow + j) * c;
          for (let k = 0; k < c; k++) {
            const p = at[k]!;
            if (p >= 0) out[p]! += g[gb + k]!;
          }
        }
      }
    }
    return dx;
  });
}

// --- BatchMatMul / _FusedMatMul ------------------------------------------------------------

const batchOf = (t: TensorInfo) => t.shape.slice(0, -2).reduce((p, d) => p * d, 1);
const swapLast2 = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];

/**
 * Relative costs per float, measured on tfjs-backend-wasm 4.22 (Node 20, one thread):
 * XNNPACK packs the right operand of a product (its "weights") at about 12-15 ns a
 * float the first time it sees that tensor, and keeps the packing until the tensor is
 * disposed; the Transpose kernel moves about 1-3 ns a float.
 */
const PACK_COST = 12;
const TRANSPOSE_COST = 2;

/**
 * Wraps the backend's own matrix-product kernel so that every product of one matrix by
 * one matrix (float32, batch dimensions all 1) runs on XNNPACK, never on the naive loop
 * tfjs-backend-wasm uses when an operand is transposed. `original` (never the registered
 * kernel, which is this one) runs the plain product.
 *
 * BatchMatMul also picks which operand XNNPACK packs: out = A·B packs B, out = (Bᵀ·Aᵀ)ᵀ
 * packs Aᵀ. In training the weights are a new tensor every step, so x·W would pack all of
 * W each step; with a batch much smaller than the layer, packing xᵀ and transposing is
 * several times cheaper. A B seen before (the same weights over evaluation batches) is
 * packed once and takes the plain product from then on.
 *
 * _FusedMatMul (bias and activation, per output column) only has its transposes done first.
 * Anything else goes to `original` unchanged.
 */
function xnnMatMul(tf: WasmTrainingTf, backendName: string, kernelName: string, original: KernelFunc): KernelFunc {
  const packed = new WeakSet<object>(); // data ids XNNPACK holds packed (until they are disposed)
  const seen = new WeakSet<object>(); // data ids seen as an untransposed B
  const fused = kernelName !== 'BatchMatMul';
  return mark((args) => {
    const inputs = args.inputs as Record<string, TensorInfo | undefined>;
    const attrs = (args.attrs ?? {}) as unknown as tfc.BatchMatMulAttrs & Record<string, unknown>;
    const { a, b, bias } = inputs;
    const tA = !!attrs.transposeA;
    const tB = !!attrs.transposeB;
    if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return original(args);
    // XNNPACK's path takes a single matrix on each side; batched products run the naive loop either way.
    if (batchOf(a) !== 1 || batchOf(b) !== 1) return original(args);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = a.shape[tA ? ra - 1 : ra - 2]!;
    const k = a.shape[tA ? ra - 2 : ra - 1]!;
    const n = b.shape[tB ? rb - 2 : rb - 1]!;
    if (fused) {
      if (!tA && !tB) return original(args);
      // XNNPACK adds the bias per output column; the naive loop broadcasts it. Keep to the case both agree on.
      if (bias && !(bias.shape.length <= 1 && bias.shape.reduce((p, d) => p * d, 1) === n)) return original(args);
      if (attrs['activation'] === 'prelu') return original(args);
    }
    // A B seen before is reused (evaluation batches): pack it once, keep it packed.
    const reused = !tB && (packed.has(b.dataId) || seen.has(b.dataId));
    if (!tB) seen.add(b.dataId);
    const plainCost = (reused ? 0 : PACK_COST * k * n) + TRANSPOSE_COST * ((tA ? m * k : 0) + (tB ? k * n : 0));
    const swappedCost = PACK_COST * k * m + TRANSPOSE_COST * ((tB ? 0 : k * n) + (tA ? 0 : m * k) + m * n);
    if (fused || plainCost <= swappedCost) {
      if (!tA && !tB) {
        packed.add(b.dataId);
        return original(args);
      }
      return withIntermediates(tf, backendName, args.backend as RefCountedBackend, (run) => {
        const a2 = tA ? run('Transpose', { x: a }, { perm: swapLast2(ra) }) : a;
        const b2 = tB ? run('Transpose', { x: b }, { perm: swapLast2(rb) }) : b;
        if (!tB) packed.add(b.dataId);
        const out = original({ ...args, inputs: { ...args.inputs, a: a2, b: b2 }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
        if (Array.isArray(out)) throw new Error(`kernel '${kernelName}' returned several outputs`);
        return out;
      });
    }
    return withIntermediates(tf, backendName, args.backend as RefCountedBackend, (run, track) => {
      const bt = tB ? b : run('Transpose', { x: b }, { perm: swapLast2(rb) }); // Bᵀ, [n, k]
      const at = tA ? a : run('Transpose', { x: a }, { perm: swapLast2(ra) }); // Aᵀ, [k, m]
      const outT = original({ ...args, inputs: { a: bt, b: at }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      if (Array.isArray(outT)) throw new Error(`kernel '${kernelName}' returned several outputs`);
      return run('Transpose', { x: track(outT) }, { perm: swapLast2(outT.shape.length) });
    });
  });
}

// --- registration -----------------------------------------------------------------------------

/** Kernels this module adds where the backend has none. */
export const WASM_ADDED_KERNELS = ['Conv2DBackpropFilter'] as const;
/** The backend's kernels this module replaces: wrong (MaxPoolGrad) or ten times too slow (Conv2DBackpropInput). */
export const WASM_REPLACED_KERNELS = ['MaxPoolGrad', 'Conv2DBackpropInput'] as const;
/** The backend's kernels this module wraps. */
export const WASM_WRAPPED_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

/**
 * Registers, for `backendName` ('wasm'), the training kernels tfjs-backend-wasm
 * lacks, replaces its wrong or slow ones and wraps its matrix products (see the
 * top of this file). Call after importing '@tensorflow/tfjs-backend-wasm' (which
 * registers the backend's kernels), before or after `tf.setBackend('wasm')`;
 * pass the tfjs-core namespace (`import * as tf from '@tensorflow/tfjs-core'`).
 * Idempotent. An added kernel the backend already has (a later tfjs) is left alone.
 */
export function registerWasmTrainingKernels(tf: WasmTrainingTf, options: WasmTrainingOptions = {}): WasmTrainingRegistration {
  const backendName = options.backendName ?? 'wasm';
  if (!tf.getKernel('BatchMatMul', backendName)) {
    throw new Error(`no '${backendName}' kernels are registered: import '@tensorflow/tfjs-backend-wasm' before registering its training kernels`);
  }
  const added: string[] = [];
  const replaced: string[] = [];
  const wrapped: string[] = [];
  const replace = (name: string, kernelFunc: KernelFunc) => {
    const original = tf.getKernel(name, backendName);
    if (original) tf.unregisterKernel(name, backendName);
    tf.registerKernel({ ...original, kernelName: name, backendName, kernelFunc });
  };

  const builders: Record<(typeof WASM_ADDED_KERNELS)[number], () => KernelFunc> = {
    Conv2DBackpropFilter: () => conv2DBackpropFilter(tf, backendName),
  };
  for (const name of WASM_ADDED_KERNELS) {
    const existing = tf.getKernel(name, backendName);
    if (!existing) tf.registerKernel({ kernelName: name, backendName, kernelFunc: builders[name]() });
    if (!existing || isOurs(existing)) added.push(name);
  }

  const replacements: Record<(typeof WASM_REPLACED_KERNELS)[number], () => KernelFunc> = {
    MaxPoolGrad: () => maxPoolGrad(tf),
    Conv2DBackpropInput: () => conv2DBackpropInput(tf, backendName),
  };
  for (const name of WASM_REPLACED_KERNELS) {
    if (!isOurs(tf.getKernel(name, backendName))) replace(name, replacements[name]());
    replaced.push(name);
  }

  if (options.matMul ?? true) {
    for (const name of WASM_WRAPPED_KERNELS) {
      const original = tf.getKernel(name, backendName);
      if (!original) continue;
      if (!isOurs(original)) replace(name, xnnMatMul(tf, backendName, name, original.kernelFunc));
      wrapped.push(name);
    }
  }
  return { added, replaced, wrapped };
}
