import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, fmtShape, ShapeProblem } from './kind.js';
import { opt } from '../spec/fields.js';

export const concatenate = defineLayer({
  type: 'concatenate',
  description: 'Join several inputs along one axis; every other axis must agree (Keras `Concatenate`).',
  keras: 'tf.keras.layers.Concatenate',
  arity: 'many',
  params: Type.Object({
    axis: opt(Type.Integer(), -1, 'Axis to join along, counted without the batch axis when positive (Keras counts it: Keras axis k is k - 1 here); -1 is the last.'),
  }),
  infer: (p, inputs) => {
    if (inputs.length < 2) throw new ShapeProblem(`needs at least two inputs, got ${inputs.length}`);
    const rank = inputs[0]!.length;
    if (inputs.some((s) => s.length !== rank)) {
      throw new ShapeProblem(`inputs have different ranks: ${inputs.map(fmtShape).join(', ')}`);
    }
    const ax = (p.axis ?? -1) < 0 ? rank + (p.axis ?? -1) : p.axis!;
    if (ax < 0 || ax >= rank) throw new ShapeProblem(`axis ${p.axis} is out of range for rank ${rank}`, undefined, 'axis');
    const out: (number | null)[] = [...inputs[0]!];
    for (const s of inputs.slice(1)) {
      for (let i = 0; i < rank; i++) {
        if (i === ax) continue;
        if (s[i] != null && out[i] != null && s[i] !== out[i]) {
          throw new ShapeProblem(`inputs disagree on axis ${i}: ${inputs.map(fmtShape).join(', ')}`);
        }
      }
    }
    out[ax] = inputs.reduce<number | null>((a, s) => (a == null || s[ax] == null ? null : a + s[ax]!), 0);
    return { shape: out, trainable: 0, nonTrainable: 0 };
  },
  // tfjs counts the axis with the batch axis, like Keras.
  build: (p, ctx) => tfl.layers.concatenate({ axis: (p.axis ?? -1) < 0 ? p.axis ?? -1 : p.axis! + 1, name: ctx.name }),
});
