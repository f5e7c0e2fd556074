import * as tfl from '@tensorflow/tfjs-layers';
import { Type, type TObject, type Static } from '@sinclair/typebox';
import type { Plugin } from '../registry/registry.js';
import { Registry } from '../registry/registry.js';
import { opt } from '../spec/fields.js';

type Regularizer = ReturnType<typeof tfl.regularizers.l2>;

export interface RegularizerKind<P extends TObject = TObject> extends Plugin {
  readonly params: P;
  build(params: Static<P>): Regularizer;
}

const kind = <P extends TObject>(k: RegularizerKind<P>) => k as unknown as RegularizerKind;
const factor = (what: string) => opt(Type.Number({ minimum: 0 }), 0.01, `${what} factor (Keras's default is 0.01).`);

export const builtinRegularizers = {
  l1: kind({
    type: 'l1',
    description: 'Adds l1 * sum(|w|) to the loss.',
    keras: 'tf.keras.regularizers.L1',
    params: Type.Object({ l1: factor('L1') }),
    build: (p) => tfl.regularizers.l1({ l1: p.l1 ?? 0.01 }),
  }),
  l2: kind({
    type: 'l2',
    description: 'Adds l2 * sum(w^2) to the loss (`keras.regularizers.l2()`).',
    keras: 'tf.keras.regularizers.L2',
    params: Type.Object({ l2: factor('L2') }),
    build: (p) => tfl.regularizers.l2({ l2: p.l2 ?? 0.01 }),
  }),
  l1l2: kind({
    type: 'l1l2',
    description: 'Adds l1 * sum(|w|) + l2 * sum(w^2) to the loss.',
    keras: 'tf.keras.regularizers.L1L2',
    params: Type.Object({ l1: factor('L1'), l2: factor('L2') }),
    build: (p) => tfl.regularizers.l1l2({ l1: p.l1 ?? 0.01, l2: p.l2 ?? 0.01 }),
  }),
} satisfies Record<string, RegularizerKind>;

export const regularizerRegistry = () => Registry.fromObject('regularizer', builtinRegularizers);
export type RegularizerRegistry = Registry<RegularizerKind>;
export type RegularizerSpec = { type: string } & Record<string, unknown>;

export function buildRegularizer(reg: RegularizerRegistry, spec: RegularizerSpec | null | undefined): Regularizer | undefined {
  if (spec == null) return undefined;
  const { type, ...params } = spec;
  return reg.get(type)?.build(params as never);
}
