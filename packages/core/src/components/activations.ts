import { Type } from '@sinclair/typebox';

/** Activation names as tfjs spells them; the spec uses the same words. */
export const builtinActivations = {
  linear: 'Identity: no activation (Keras `None`/`linear`).',
  relu: 'max(x, 0).',
  relu6: 'min(max(x, 0), 6).',
  elu: 'Exponential linear unit.',
  selu: 'Scaled exponential linear unit.',
  sigmoid: '1 / (1 + exp(-x)).',
  hardSigmoid: 'Piecewise-linear sigmoid.',
  softmax: 'Normalized exponential over the last axis.',
  softplus: 'log(1 + exp(x)).',
  softsign: 'x / (1 + |x|).',
  tanh: 'Hyperbolic tangent.',
  swish: 'x * sigmoid(x).',
  mish: 'x * tanh(softplus(x)).',
  gelu: 'Gaussian error linear unit.',
} as const;

export type ActivationName = keyof typeof builtinActivations;

export const ActivationSchema = Type.Union(
  Object.keys(builtinActivations).map((k) => Type.Literal(k as ActivationName)),
);

/** An activation field; `examples` are what editors suggest first (a snippet for a new layer includes the field). */
export const activationSchema = (description: string, def: ActivationName = 'linear', examples?: ActivationName[]) =>
  Type.Optional(
    Type.Unsafe<ActivationName>({
      type: 'string',
      enum: Object.keys(builtinActivations),
      enumDescriptions: Object.values(builtinActivations),
      ...(examples ? { examples } : {}),
      default: def,
      description,
    }),
  );
