import * as tf from '@tensorflow/tfjs-core';
import { kernelCases } from '@modelspec/conformance';
import { mulberry32 } from '@modelspec/core';

type Values = { shape: number[]; dtype: 'float32' | 'int32' | 'bool'; values: Float32Array | Int32Array | Uint8Array };
type Case = { inputs: Record<string, Values> | Values[]; attrs: Record<string, unknown> };

async function run(backend: string, kernel: string, c: Case): Promise<Values[]> {
  await tf.setBackend(backend);
  const made: tf.Tensor[] = [];
  const make = (v: Values) => (made.push(tf.tensor(v.values, v.shape, v.dtype)), made[made.length - 1]!);
  const inputs = Array.isArray(c.inputs) ? c.inputs.map(make) : Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, make(v)]));
  try {
    const out = tf.engine().runKernel(kernel, inputs as never, c.attrs as never) as tf.Tensor | tf.Tensor[];
    const outs = Array.isArray(out) ? out : [out];
    const r = await Promise.all(outs.map(async (o) => ({ shape: o.shape.slice(), dtype: o.dtype as Values['dtype'], values: (await o.data()) as Values['values'] })));
    tf.dispose(outs);
    return r;
  } finally {
    tf.dispose(made);
  }
}

/** The kit's cases for one kernel on webgpu against cpu: one line per case that differs. */
export async function kernelProblems(kernel: string, tol: { rtol: number; atol: number }, backend = 'webgpu'): Promise<string[]> {
  const next = mulberry32(kernel.length * 7919 + kernel.charCodeAt(0));
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const cpuCases: { k: string; c: Case }[] = [];
  const gen = {
    rand: (shape: number[], lo = -1, hi = 1) => ({ shape, dtype: 'float32' as const, values: Float32Array.from({ length: size(shape) }, () => lo + (hi - lo) * next()) }),
    ints: (shape: number[], lo = -3, hi = 3) => ({ shape, dtype: 'float32' as const, values: Float32Array.from({ length: size(shape) }, () => Math.floor(lo + (hi - lo + 1) * next())) }),
    indices: (shape: number[], below: number) => ({ shape, dtype: 'int32' as const, values: Int32Array.from({ length: size(shape) }, () => Math.floor(below * next())) }),
    bools: (shape: number[]) => ({ shape, dtype: 'bool' as const, values: Uint8Array.from({ length: size(shape) }, () => (next() < 0.5 ? 1 : 0)) }),
    // derived inputs (a pool's output for its gradient) come from cpu, synchronously
    cpu: (k: string, inputs: Case['inputs'], attrs: Record<string, unknown>) => {
      cpuCases.push({ k, c: { inputs, attrs } });
      const prev = tf.getBackend();
      tf.setBackend('cpu');
      const made = (Array.isArray(inputs) ? inputs : Object.values(inputs)).map((v) => tf.tensor(v.values, v.shape, v.dtype));
      const named = Array.isArray(inputs) ? made : Object.fromEntries(Object.keys(inputs).map((key, i) => [key, made[i]!]));
      const out = tf.engine().runKernel(k, named as never, attrs as never) as tf.Tensor | tf.Tensor[];
      const outs = Array.isArray(out) ? out : [out];
      const r = outs.map((o) => ({ shape: o.shape.slice(), dtype: o.dtype as Values['dtype'], values: o.dataSync() as Values['values'] }));
      tf.dispose([...outs, ...made]);
      tf.setBackend(prev);
      return r;
    },
  };
  const cases = kernelCases[kernel]!(gen as never) as Case[];
  const problems: string[] = [];
  for (const [n, c] of cases.entries()) {
    const want = await run('cpu', kernel, c);
    let got: Values[];
    try {
      got = await run(backend, kernel, c);
    } catch (e) {
      problems.push(`case ${n}: threw ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    want.forEach((w, i) => {
      const g = got[i]!;
      if (String(g.shape) !== String(w.shape)) return void problems.push(`case ${n} output ${i}: shape [${g.shape}], cpu [${w.shape}]`);
      const exact = w.dtype !== 'float32';
      const scale = Math.max(...Array.from(w.values as Float32Array, Math.abs), 0);
      let bad = 0;
      let worst = -1;
      let worstD = 0;
      for (let j = 0; j < w.values.length; j++) {
        const a = Number(g.values[j]);
        const b = Number(w.values[j]);
        const d = Math.abs(a - b);
        const ok = exact ? a === b : (Number.isNaN(a) && Number.isNaN(b)) || d <= tol.atol * scale + tol.rtol * Math.abs(b);
        if (!ok) {
          bad++;
          if (!(d <= worstD)) (worstD = d), (worst = j);
        }
      }
      if (bad) problems.push(`case ${n} output ${i} [${w.shape}]: ${bad} of ${w.values.length} differ, worst element ${worst}: ${g.values[worst]} vs cpu ${w.values[worst]}`);
    });
  }
  return problems;
}
