import { Type } from '@sinclair/typebox';
import { ShapeProblem, single, window2d, type Inferred, type Shape } from './kind.js';
import { paddingField } from './common.js';
import { opt, Size2, toPair } from '../spec/fields.js';

/** Params and shape rule shared by max and average 2-D pooling (Keras: strides default to the pool size). */
export const pooling2dParams = Type.Object({
  poolSize: opt(Size2(), 2, 'Window size: one integer, or [height, width].'),
  strides: Type.Optional(
    Type.Unsafe<Size2 | null>({ if: { type: 'null' }, else: Size2(), default: null, description: 'Step between windows; null means the pool size (Keras default).' }),
  ),
  padding: paddingField('valid'),
});

export interface Pooling2dParams {
  poolSize?: Size2;
  strides?: Size2 | null;
  padding?: 'valid' | 'same';
}

export function resolvePool(p: Pooling2dParams) {
  const poolSize = toPair(p.poolSize ?? 2);
  return { poolSize, strides: p.strides == null ? poolSize : toPair(p.strides), padding: p.padding ?? 'valid' };
}

export function inferPooling2d(p: Pooling2dParams, inputs: Shape[]): Inferred {
  const s = single(inputs, 3);
  const r = resolvePool(p);
  const [h, w] = window2d(s, r.poolSize, r.strides, r.padding, 'pool');
  if (h === 0 || w === 0) throw new ShapeProblem('output would be empty');
  return { shape: [h, w, s[2] ?? null], trainable: 0, nonTrainable: 0 };
}
