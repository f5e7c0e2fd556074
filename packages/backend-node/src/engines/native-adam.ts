/**
 * Fused Adam for the native engine: one pass over (variable, m, v, grad)
 * instead of ~14 tfjs kernels per variable. The engine offers it through the
 * engine contract's optimizer hook, as a subclass of tfjs's AdamOptimizer
 * (no global patching): the fused path runs only while the current backend
 * is 'native' and every variable/gradient is float32, and mirrors tfjs's
 * AdamOptimizer exactly (same float32 operations in the same order, same
 * slot variables, iteration counter and accBeta updates); otherwise the
 * parent class's update runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { LoadedAddon } from './native-addon.js';
import type { NativeBackend } from './native-backend.js';

interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: { originalName: string; variable: Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: Variable }[];
  incrementIterations(): void;
}
type Grads = { name: string; tensor: Tensor }[] | NamedTensorMap;

/** How often the fused path ran (tests). */
export const fusedAdamStats = { calls: 0, inPlace: 0 };
const fr = Math.fround;

export class NativeAdamOptimizer extends tf.AdamOptimizer {
  constructor(
    private readonly addon: LoadedAddon,
    private readonly backendName: string,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
  ) {
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(grads: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (tf.getBackend() !== this.backendName || process.env['MODELSPEC_NATIVE_FUSED_ADAM'] === '0' || !applicable(grads as Grads)) {
      super.applyGradients(grads as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
      return;
    }
    fusedApply(this as unknown as AdamInternals, grads as Grads, this.addon);
    fusedAdamStats.calls++;
  }
}

function gradList(grads: Grads): { name: string; tensor: Tensor | undefined }[] {
  return Array.isArray(grads)
    ? grads.map((g) => ({ name: g.name, tensor: g.tensor }))
    : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));
}

function applicable(grads: Grads): boolean {
  const vars = tf.engine().registeredVariables;
  const backend = tf.backend() as NativeBackend;
  // float32 data that really is a Float32Array (tfjs-cpu's Cast relabels int/bool data)
  const isF32 = (t: Tensor) => t.dtype === 'float32' && backend.values(t) instanceof Float32Array;
  return gradList(grads).every(({ name, tensor }) => {
    const v = vars[name];
    return v !== undefined && isF32(v) && (tensor == null || (isF32(tensor) && tf.util.arraysEqual(tensor.shape, v.shape)));
  });
}

function fusedApply(opt: AdamInternals, grads: Grads, n: LoadedAddon): void {
  const list = gradList(grads);
  tf.tidy(() => {
    const backend = tf.backend() as NativeBackend;
    const vals = (t: Tensor) => backend.values(t) as Float32Array;
    // exactly tfjs's float32 scalars: sub(1, accBeta), mul(x, beta1), ...
    const oneMinusAcc1 = fr(1 - opt.accBeta1.dataSync()[0]!);
    const oneMinusAcc2 = fr(1 - opt.accBeta2.dataSync()[0]!);
    const k = [fr(opt.beta1), fr(1 - opt.beta1), fr(opt.beta2), fr(1 - opt.beta2), oneMinusAcc1, oneMinusAcc2, fr(opt.epsilon), fr(-opt.learningRate)];
    list.forEach(({ name, tensor: g }, i) => {
      const value = tf.engine().registeredVariables[name]!;
      if (opt.accumulatedFirstMoment[i] == null) {
        opt.accumulatedFirstMoment[i] = { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      }
      if (opt.accumulatedSecondMoment[i] == null) {
        opt.accumulatedSecondMoment[i] = { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      }
      if (g == null) return;
      const m = opt.accumulatedFirstMoment[i]!.variable;
      const v = opt.accumulatedSecondMoment[i]!.variable;
      n.F.set(k);
      if (backend.mutableInPlace(value) && backend.mutableInPlace(m) && backend.mutableInPlace(v)) {
        // buffers only these variables can see: update them where they are
        const [xv, mv, vv] = [vals(value), vals(m), vals(v)];
        n.addon.adam(xv, mv, vv, vals(g), xv, mv, vv);
        fusedAdamStats.inPlace++;
        return;
      }
      const size = value.size;
      const xo = backend.allocOwned(size), mo = backend.allocOwned(size), vo = backend.allocOwned(size);
      n.addon.adam(vals(value), vals(m), vals(v), vals(g), xo, mo, vo);
      const wrap = (a: Float32Array) => tf.engine().makeTensorFromTensorInfo(backend.output(a, value.shape.slice()), backend);
      m.assign(wrap(mo));
      v.assign(wrap(vo));
      value.assign(wrap(xo));
    });
    opt.accBeta1.assign(tf.mul(opt.accBeta1, opt.beta1));
    opt.accBeta2.assign(tf.mul(opt.accBeta2, opt.beta2));
  });
  opt.incrementIterations();
}
