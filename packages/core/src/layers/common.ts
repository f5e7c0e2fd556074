import { Type } from '@sinclair/typebox';
import type { InitializerSpec } from '../components/initializers.js';
import type { RegularizerSpec } from '../components/regularizers.js';

/** Initializer fields point at the registry-built `$defs/initializer`. */
export const initializerField = (def: string, description: string) =>
  Type.Optional(Type.Unsafe<InitializerSpec>({ $ref: '#/$defs/initializer', default: def, description }));

/** Regularizer fields point at the registry-built `$defs/regularizer`; null means none. */
export const regularizerField = (description: string) =>
  Type.Optional(
    Type.Unsafe<RegularizerSpec | null>({ if: { type: 'null' }, else: { $ref: '#/$defs/regularizer' }, default: null, description }),
  );

export const paddingField = (def: 'valid' | 'same' = 'valid') =>
  Type.Optional(
    Type.Unsafe<'valid' | 'same'>({
      type: 'string',
      enum: ['valid', 'same'],
      default: def,
      description: '`valid`: no padding, the window stays inside the input. `same`: pad so the output extent is ceil(input / stride).',
    }),
  );
