import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, single } from './kind.js';
import { opt, tuple } from '../spec/fields.js';

const Pad = Type.Integer({ minimum: 0 });
type PadSpec = number | [number, number] | [[number, number], [number, number]];

function pads(p: PadSpec): [[number, number], [number, number]] {
  if (typeof p === 'number') return [[p, p], [p, p]];
  if (typeof p[0] === 'number') return [[p[0], p[0]], [p[1] as number, p[1] as number]];
  return p as [[number, number], [number, number]];
}

export const zeroPadding2d = defineLayer({
  type: 'zeroPadding2d',
  description: 'Pad height and width with zeros (Keras `ZeroPadding2D()` pads 1 on each side).',
  keras: 'tf.keras.layers.ZeroPadding2D',
  arity: 1,
  params: Type.Object({
    padding: opt(
      Type.Union([Pad, tuple(Pad, Pad), tuple(tuple(Pad, Pad), tuple(Pad, Pad))]),
      1,
      'One integer for every side, [rows, cols] for symmetric padding, or [[top, bottom], [left, right]].',
    ),
  }),
  infer: (p, inputs) => {
    const s = single(inputs, 3);
    const [[t, b], [l, r]] = pads((p.padding ?? 1) as PadSpec);
    const h = s[0] == null ? null : s[0] + t + b;
    const w = s[1] == null ? null : s[1] + l + r;
    return { shape: [h, w, s[2] ?? null], trainable: 0, nonTrainable: 0 };
  },
  build: (p, ctx) => tfl.layers.zeroPadding2d({ padding: pads((p.padding ?? 1) as PadSpec), dataFormat: 'channelsLast', name: ctx.name }),
});
